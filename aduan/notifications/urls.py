from django.urls import path

from aduan.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/kirim-ulang/", views.notice_resend, name="resend"),
]
