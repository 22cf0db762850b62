"""Prepares the browser suite's database and prints, as JSON, the values that fill URL
arguments (``python -m tests.browser.scene`` with the server's environment).

The demo seed gives reports in every state and staff of every role; this adds the few
objects the demo does not make (a webhook endpoint with a delivery, a response template,
an API key) and picks, for each kind of URL argument, a value its page accepts.
"""

from __future__ import annotations

import json
import os
from typing import Any


def describe() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from aduan.agencies.models import Agency, Membership
    from aduan.backoffice.models import ResponseTemplate
    from aduan.demo.accounts import DOMAIN
    from aduan.integrations.keys import key_create
    from aduan.notifications.models import Notification
    from aduan.reports.models import Report, Status
    from aduan.webhooks import services
    from aduan.webhooks.models import EventType, WebhookDelivery, WebhookEndpoint

    users = get_user_model().objects
    bandung = Agency.objects.get(code="32.73")
    admin = users.get(email=f"admin.bandung@{DOMAIN}")
    officer = users.get(email=f"petugas.bandung@{DOMAIN}")

    endpoint = WebhookEndpoint.objects.filter(agency=bandung).order_by("pk").first()
    if endpoint is None:
        endpoint, _secret = services.endpoint_create(
            agency=bandung,
            url="https://hooks.example.id/aduan",
            events=list(EventType.values),
            description="Sistem tiket Pemkot Bandung",
            by=admin,
        )
    delivery = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("pk").first()
    if delivery is None:
        delivery = services.endpoint_ping(endpoint=endpoint)
    template = ResponseTemplate.objects.filter(agency=bandung).first()
    if template is None:
        template = ResponseTemplate.objects.create(
            agency=bandung,
            title="Perbaikan dijadwalkan",
            body="Terima kasih. Perbaikan sudah kami jadwalkan minggu ini.",
            created_by=admin,
        )
    key, _raw = key_create(agency=bandung, name="Aplikasi Bandung", scopes=["read"])

    public = (
        Report.objects.filter(
            is_confidential=False,
            is_anonymous=False,
            agency=bandung,
            status__in=[Status.RESPONDED, Status.IN_PROGRESS, Status.CLOSED],
        )
        .order_by("pk")
        .first()
    )
    if public is None:
        public = (
            Report.objects.filter(is_confidential=False, agency__isnull=False)
            .order_by("pk")
            .first()
        )
    assert public is not None, "the demo seed made no public report"
    membership = Membership.objects.filter(user=officer).order_by("pk").first()
    notice = Notification.objects.order_by("pk").first()
    return {
        "tracking_id": public.tracking_id,
        "code": "32.73",
        "unit_code": "32.73.DINKES",
        "user_id": officer.pk,
        "membership_id": membership.pk if membership else None,
        "endpoint_id": str(endpoint.uuid),
        "delivery_id": delivery.pk,
        "template_pk": template.pk,
        "notification_pk": notice.pk if notice else None,
        "prefix": key.prefix,
        "uidb64": urlsafe_base64_encode(force_bytes(officer.pk)),
        "password_token": default_token_generator.make_token(officer),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    print(json.dumps(describe()))
