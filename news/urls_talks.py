from django.urls import path

from news import views

app_name = "talks"
urlpatterns = [
    path("", views.TalkListView.as_view(), name="list"),
    path("upcoming.ics", views.talk_calendar, name="calendar"),
    path("<slug:slug>/", views.TalkDetailView.as_view(), name="detail"),
]
