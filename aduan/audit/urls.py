"""Audit pages under /audit/."""

from django.urls import path

from aduan.audit import views

app_name = "audit"

urlpatterns = [
    path("laporan/<str:tracking_id>/", views.report_audit, name="report"),
    path("pengguna/<int:user_id>/", views.user_audit, name="user"),
]
