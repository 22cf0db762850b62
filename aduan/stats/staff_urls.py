"""Staff statistics pages (/petugas/statistik/): the dashboards with internals, the
coordinator's comparison with peers and the printable monthly report of an agency."""

from django.urls import path

from aduan.stats import views

app_name = "stats-staff"

urlpatterns = [
    path("", views.staff_national, name="national"),
    path("koordinator/", views.coordinator, name="coordinator"),
    path("wilayah/<str:code>/", views.staff_region, name="region"),
    path("instansi/<str:code>/", views.staff_agency, name="agency"),
    path("instansi/<str:code>/cetak/", views.print_report, name="print"),
]
