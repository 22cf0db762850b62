from django.urls import path

from aduan.channels.sms import views

app_name = "channels_sms"
urlpatterns = [
    path("inbound", views.inbound, name="inbound"),
    path("chat", views.chat, name="chat"),
]
