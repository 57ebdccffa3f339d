from django.urls import path

from publications import feeds, views

app_name = "publications"
urlpatterns = [
    path("", views.PublicationListView.as_view(), name="list"),
    path("feed/", feeds.PublicationFeed(), name="feed"),
    path("feed/atom/", feeds.AtomPublicationFeed(), name="feed_atom"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="detail"),
    path("<slug:slug>/files/<str:language>/", views.download, name="file"),
    path("<slug:slug>/cover/<str:language>/", views.cover, name="cover"),
]
