from django.urls import path

from aduan.stats import opendata

app_name = "opendata"

urlpatterns = [
    path("", opendata.opendata_index, name="index"),
    path("laporan.csv", opendata.opendata_csv, name="csv"),
    path("laporan.json", opendata.opendata_json, name="json"),
]
