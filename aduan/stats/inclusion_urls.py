from django.urls import URLPattern, path  # noqa: F401

app_name = "inclusion"

urlpatterns: list[URLPattern] = []
