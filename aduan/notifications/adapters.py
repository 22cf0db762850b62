"""Sending one notice on its channel: e-mail through Django's backend, SMS through the
configured gateway. Any exception here is a failed attempt for the task to record.

Delivery is at-least-once: a worker that dies after sending but before recording it
sends again later (see aduan.notifications.tasks). Every copy of one notice carries the
same ``Message-ID`` (from the notice's unique de-duplication key), so mail servers and
clients that see it twice keep one.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.mail import EmailMessage

from aduan.notifications import sms
from aduan.notifications.models import Notification


def message_id(notification: Notification) -> str:
    digest = hashlib.sha256(notification.dedupe_key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "aduan.localhost"
    return f"<notice-{digest}@{domain}>"


def send(notification: Notification) -> None:
    if notification.channel == Notification.Channel.SMS:
        sms.gateway().send(to=notification.recipient, message=notification.body)
        return
    EmailMessage(
        notification.subject,
        notification.body,
        None,  # DEFAULT_FROM_EMAIL
        [notification.recipient],
        headers={"Message-ID": message_id(notification)},
    ).send(fail_silently=False)
