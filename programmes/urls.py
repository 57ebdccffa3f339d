from django.urls import path

from programmes import exports, views

app_name = "programmes"
urlpatterns = [
    path("programmes/", views.ProgrammeListView.as_view(), name="list"),
    path("programmes/export.csv", exports.programmes_csv, name="export_csv"),
    path("programmes/export.json", exports.programmes_json, name="export_json"),
    path("programmes/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="detail"),
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/<slug:slug>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("offices/", views.OfficeListView.as_view(), name="office_list"),
    path("offices/<slug:slug>/", views.OfficeDetailView.as_view(), name="office_detail"),
]
