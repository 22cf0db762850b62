from django.urls import path

from aduan.stats import inclusion

app_name = "inclusion"

urlpatterns = [
    path("", inclusion.inclusion_page, name="index"),
]
