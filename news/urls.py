from django.urls import path

from news import exports, feeds, views

app_name = "news"
urlpatterns = [
    path("", views.NewsListView.as_view(), name="list"),
    path("feed/", feeds.NewsFeed(), name="feed"),
    path("feed/atom/", feeds.AtomNewsFeed(), name="feed_atom"),
    path("export.csv", exports.news_csv, name="export_csv"),
    path("export.json", exports.news_json, name="export_json"),
    path("<slug:slug>/", views.NewsDetailView.as_view(), name="detail"),
]
