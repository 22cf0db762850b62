"""Staff pages (Bahasa Indonesia paths), all under /petugas/."""

from django.urls import path

from aduan.backoffice import views
from aduan.backoffice.views import exports

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("meja/", views.desk_queue, name="desk_queue"),
    path("meja/massal/", views.desk_bulk, name="desk_bulk"),
    path("kotak-masuk/", views.inbox, name="inbox"),
    path("koordinator/", views.coordinator, name="coordinator"),
    # List downloads; ``fmt`` is fixed per route (csv or xlsx), not taken from the URL.
    path("meja/ekspor.csv", exports.desk_export, {"fmt": "csv"}, name="desk_export_csv"),
    path("meja/ekspor.xlsx", exports.desk_export, {"fmt": "xlsx"}, name="desk_export_xlsx"),
    path("kotak-masuk/ekspor.csv", exports.inbox_export, {"fmt": "csv"}, name="inbox_export_csv"),
    path(
        "kotak-masuk/ekspor.xlsx", exports.inbox_export, {"fmt": "xlsx"}, name="inbox_export_xlsx"
    ),
    path(
        "koordinator/ekspor.csv",
        exports.coordinator_export,
        {"fmt": "csv"},
        name="coordinator_export_csv",
    ),
    path(
        "koordinator/ekspor.xlsx",
        exports.coordinator_export,
        {"fmt": "xlsx"},
        name="coordinator_export_xlsx",
    ),
    path("laporan/<str:tracking_id>/", views.report_detail, name="report"),
    path(
        "laporan/<str:tracking_id>/aksi/<slug:action>/",
        views.report_action,
        name="report_action",
    ),
    path(
        "laporan/<str:tracking_id>/lampiran/<str:token>/",
        views.attachment_download,
        name="attachment",
    ),
    path("templat/", views.template_list, name="templates"),
    path("templat/baru/", views.template_create, name="template_create"),
    path("templat/<int:pk>/", views.template_edit, name="template_edit"),
    path("templat/<int:pk>/nonaktifkan/", views.template_deactivate, name="template_deactivate"),
]
