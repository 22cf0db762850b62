"""Citizen web pages (Bahasa Indonesia paths, as people will type and share them)."""

from django.urls import path

from aduan.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.report_create, name="submit"),
    path("lapor/terkirim/", views.report_submitted, name="submitted"),
    path("lapor/kecamatan/", views.districts, name="districts"),
    path("lacak/", views.track_lookup, name="track_lookup"),
    path("lacak/<str:tracking_id>/", views.track_detail, name="track"),
    path("lacak/<str:tracking_id>/aksi/<slug:action>/", views.track_action, name="track_action"),
    path(
        "lacak/<str:tracking_id>/lampiran/<str:token>/",
        views.attachment_download,
        name="attachment",
    ),
    path("laporan/", views.report_list, name="list"),
    path("laporan-saya/", views.my_reports, name="mine"),
]
