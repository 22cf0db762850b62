from django.urls import URLPattern, path

from aduan.triage import views

app_name = "triage"

urlpatterns: list[URLPattern] = [
    path("", views.overview, name="overview"),
]
