from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.routers import SimpleRouter

from api import views

router = SimpleRouter()
router.register("news", views.NewsItemViewSet, basename="news")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("countries", views.CountryViewSet, basename="country")
router.register("offices", views.OfficeViewSet, basename="office")
router.register("thematic-areas", views.ThematicAreaViewSet, basename="thematic-area")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("pages", views.PageViewSet, basename="page")

app_name = "api"
urlpatterns = [
    path("", views.docs, name="docs"),
    path("v1/openapi.json", SpectacularJSONAPIView.as_view(), name="schema"),
    path("v1/", include(router.urls)),
    # Any other address under the API (a slug with a dot, a stray segment) is a JSON 404 too.
    re_path(r"^v1/", views.not_found),
]
