"""Public statistics pages (/statistik/): national, region and agency dashboards and the
compliance index. Kwargs for region and agency codes are named ``code``."""

from django.urls import path

from aduan.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.national, name="national"),
    path("wilayah/<str:code>/", views.region, name="region"),
    path("instansi/<str:code>/", views.agency, name="agency"),
    path("indeks/", views.compliance_index, name="index"),
]
