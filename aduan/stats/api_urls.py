from django.urls import URLPattern, path  # noqa: F401

app_name = "stats-api"

urlpatterns: list[URLPattern] = []
