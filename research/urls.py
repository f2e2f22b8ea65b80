from django.urls import path

from research import views

app_name = "research"
urlpatterns = [
    path("", views.ThemeListView.as_view(), name="list"),
    path("<slug:slug>/", views.ThemeDetailView.as_view(), name="detail"),
]
