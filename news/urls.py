from django.urls import path

from news import card_views, feeds, views

app_name = "news"
urlpatterns = [
    path("", views.NewsYearView.as_view(), name="list"),
    path("feed.rss", feeds.NewsFeed(), name="rss"),
    path("feed.atom", feeds.NewsAtomFeed(), name="atom"),
    path("<int:year>/", views.NewsYearView.as_view(), name="year"),
    path("<int:year>/<slug:slug>/", views.NewsDetailView.as_view(), name="detail"),
    path("<int:year>/<slug:slug>/card.png", card_views.post_card, name="card"),
]
