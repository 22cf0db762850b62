"""Helpers shared by the back-office tests (no tests here).

Reports are put in their states through real transitions; pages are fetched through the
test client as a signed-in user, exactly as a browser would.
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from aduan.reports.lifecycle import Actor, Change, transition
from aduan.reports.models import Report
from tests.factories import report

WIB = ZoneInfo("Asia/Jakarta")
LONG_AGO = datetime(2024, 3, 4, 9, 0, tzinfo=WIB)  # a Monday, far in the past
LOGIN = "/akun/masuk/"


def as_user(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def days_ago(days: int) -> datetime:
    return timezone.now() - timedelta(days=days)


def recent(**fields: Any) -> Report:
    return report(now=timezone.now() - timedelta(minutes=5), **fields)


def act(r: Report, action: str, user: Any, *, at: datetime | None = None, **change: Any) -> Any:
    """Take ``action`` as ``user`` (None: the reporter), now or ``at`` a given moment."""
    actor = Actor.staff(user) if user is not None else Actor.reporter()
    return transition(r, action, actor=actor, change=Change(**change), now=at)


def dispatched_to(world: Any, agency: Any = None, **fields: Any) -> Report:
    fields.setdefault("region", world.region_bandung)
    r = recent(**fields)
    act(r, "dispatch", world.desk, agency=agency or world.bandung, category=world.category_roads)
    r.refresh_from_db()
    return r


def staff_url(r: Report, suffix: str = "") -> str:
    return f"/petugas/laporan/{r.tracking_id}/{suffix}"


def action_url(r: Report, action: str) -> str:
    return staff_url(r, f"aksi/{action}/")


def png_upload(name: str = "bukti-perbaikan.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def text(response: Any) -> str:
    return response.content.decode()


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response["Location"].startswith(LOGIN)
