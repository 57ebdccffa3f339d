from django.urls import path, register_converter

from pages import views
from pages.converters import PagePathConverter

register_converter(PagePathConverter, "page")

app_name = "pages"
urlpatterns = [
    # Last of the site's addresses: a section's own address always wins (Page.clean refuses
    # a slug that one would hide).
    path("<page:path>/", views.PageDetailView.as_view(), name="detail"),
]
