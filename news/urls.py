from django.urls import path

from news import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("feed/atom/", feeds.AtomNewsFeed(), name="feed_atom"),
    path("<slug:slug>/", views.NewsDetailView.as_view(), name="detail"),
]
