"""Sending one notice on its channel: e-mail through Django's backend, SMS through the
configured gateway. Any exception here is a failed attempt for the task to record."""

from __future__ import annotations

from django.core.mail import send_mail

from aduan.notifications import sms
from aduan.notifications.models import Notification


def send(notification: Notification) -> None:
    if notification.channel == Notification.Channel.SMS:
        sms.gateway().send(to=notification.recipient, message=notification.body)
        return
    send_mail(
        notification.subject,
        notification.body,
        None,  # DEFAULT_FROM_EMAIL
        [notification.recipient],
        fail_silently=False,
    )
