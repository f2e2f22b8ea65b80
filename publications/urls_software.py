from django.urls import path

from publications import software_views

app_name = "software"
urlpatterns = [
    path("", software_views.SoftwareListView.as_view(), name="list"),
]
