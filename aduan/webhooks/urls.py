"""Webhook endpoint pages, under /petugas/webhook/."""

from django.urls import path

from aduan.webhooks import views

app_name = "webhooks"

E = "<uuid:endpoint_id>"

urlpatterns = [
    path("", views.endpoint_list, name="list"),
    path("baru/", views.endpoint_create, name="create"),
    path(f"{E}/", views.endpoint_detail, name="detail"),
    path(f"{E}/jeda/", views.endpoint_pause, name="pause"),
    path(f"{E}/lanjutkan/", views.endpoint_resume, name="resume"),
    path(f"{E}/rahasia/", views.endpoint_rotate, name="rotate"),
    path(f"{E}/uji/", views.endpoint_ping, name="ping"),
    path(f"{E}/hapus/", views.endpoint_delete, name="delete"),
    path(f"{E}/pengiriman/<int:delivery_id>/", views.delivery_detail, name="delivery"),
    path(
        f"{E}/pengiriman/<int:delivery_id>/kirim-ulang/",
        views.delivery_redeliver,
        name="redeliver",
    ),
]
