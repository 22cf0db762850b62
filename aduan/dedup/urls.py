from django.urls import path

from aduan.dedup import views

app_name = "dedup"

urlpatterns = [
    path("", views.groups, name="groups"),
    path("<int:pk>/abaikan/", views.dismiss, name="dismiss"),
]
