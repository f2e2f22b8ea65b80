from django.urls import path

from research import views

app_name = "funding"
urlpatterns = [
    path("", views.FundingView.as_view(), name="list"),
]
