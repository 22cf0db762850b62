"""Staff pages for API keys, mounted under /petugas/kunci-api/."""

from django.urls import path

from aduan.integrations import views

app_name = "integrations"

urlpatterns = [
    path("", views.key_list, name="keys"),
    path("<str:prefix>/cabut/", views.key_revoke, name="key-revoke"),
]
