"""Signing in and out through the real forms, the lockout after repeated failures, and
choosing a password from a one-time link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core import mail

from aduan.accounts import services
from aduan.audit.models import AuditRecord
from tests.factories import UserFactory
from tests.test_web_pages import structure

LOGIN = "/akun/masuk/"
PASSWORD = "rahasia-kuat-123"
LIMIT = 5  # AXES_FAILURE_LIMIT in settings


def login(client: Any, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_login_page_is_accessible(client: Any, db: Any) -> None:
    response = client.get(LOGIN)
    assert response.status_code == 200
    page = structure(response)
    assert page.h1_count == 1
    assert page.unlabelled() == []
    assert page.main_id == "main"


def test_login_with_email_and_password(client: Any, world: Any) -> None:
    user = world.bandung_officer
    response = login(client, user.username.upper())  # e-mail addresses ignore case
    assert response.status_code == 302
    assert response["Location"] == "/petugas/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_keeps_a_safe_next_and_drops_a_foreign_one(client: Any, world: Any) -> None:
    user = world.bandung_officer
    response = client.post(
        f"{LOGIN}?next=/akun/2fa/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/akun/2fa/"
    client.logout()
    response = client.post(
        f"{LOGIN}?next=https://evil.example/", {"username": user.username, "password": PASSWORD}
    )
    assert response["Location"] == "/petugas/"


def test_wrong_password_shows_a_clear_error(client: Any, world: Any) -> None:
    response = login(client, world.bandung_officer.username, "salah-sekali")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Surel atau kata sandi salah" in html
    assert 'role="alert"' in html
    assert SESSION_KEY not in client.session


def test_unknown_user_gets_the_same_error(client: Any, db: Any) -> None:
    response = login(client, "tidak-ada@example.id")
    assert "Surel atau kata sandi salah" in response.content.decode()


def test_inactive_user_cannot_log_in(client: Any, world: Any) -> None:
    user = world.bandung_officer
    user.is_active = False
    user.save()
    response = login(client, user.username)
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_deactivated_user_loses_an_open_session(client: Any, world: Any) -> None:
    user = world.bandung_officer
    client.force_login(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(f"/audit/pengguna/{user.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_repeated_failures_lock_the_login_with_a_clear_message(client: Any, world: Any) -> None:
    user = world.bandung_officer
    for _attempt in range(LIMIT - 1):
        assert login(client, user.username, "salah").status_code == 200
    response = login(client, user.username, "salah")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Masuk dikunci sementara" in html
    assert "15 menit" in html
    assert structure(response).h1_count == 1

    # Locked: the right password does not help now.
    response = login(client, user.username)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session

    record = AuditRecord.objects.filter(action=AuditRecord.Action.LOGIN_FAILED_LOCKOUT).first()
    assert record is not None and record.target_user == user
    assert record.actor is None


def test_lockout_is_per_username(client: Any, world: Any) -> None:
    for _attempt in range(LIMIT):
        login(client, world.bandung_officer.username, "salah")
    response = login(client, world.dinkes_officer.username)
    assert response.status_code == 302


def test_lockout_callable_for_other_login_forms(client: Any, world: Any, settings: Any) -> None:
    """With AXES_LOCKOUT_CALLABLE set, other login forms (the Django admin) get the same
    page instead of axes' bare text."""
    settings.AXES_LOCKOUT_CALLABLE = "aduan.accounts.views.auth.lockout_response"
    user = world.bandung_officer
    for _attempt in range(LIMIT):
        response = client.post("/admin/login/", {"username": user.username, "password": "salah"})
    assert response.status_code == 429
    assert "Masuk dikunci sementara" in response.content.decode()


def test_logout_needs_post(client: Any, world: Any) -> None:
    client.force_login(world.bandung_officer)
    assert client.get("/akun/keluar/").status_code == 405
    response = client.post("/akun/keluar/")
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert SESSION_KEY not in client.session
    assert "Anda telah keluar" in client.get(LOGIN).content.decode()


# ---- set-password links -------------------------------------------------------------------


def _path(link: str) -> str:
    return urlparse(link).path


def test_set_password_link_works_once(client: Any, db: Any) -> None:
    user = UserFactory(username="baru@example.id", email="baru@example.id")
    user.set_unusable_password()
    user.save()
    path = _path(services.setup_link(user))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    assert structure(response).unlabelled() == []
    response = client.post(
        form_url, {"new_password1": "Kopi-Tubruk-2026!", "new_password2": "Kopi-Tubruk-2026!"}
    )
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert login(client, "baru@example.id", "Kopi-Tubruk-2026!").status_code == 302

    client.logout()
    again = client.get(path, follow=True)
    assert "Tautan tidak berlaku" in again.content.decode()


def test_set_password_rejects_weak_password(client: Any, db: Any) -> None:
    user = UserFactory(username="lemah@example.id", email="lemah@example.id")
    form_url = client.get(_path(services.setup_link(user)), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_new_password_ends_a_lockout(client: Any, world: Any) -> None:
    user = world.bandung_officer
    for _attempt in range(LIMIT):
        login(client, user.username, "salah")
    assert AccessAttempt.objects.filter(username=user.username).exists()
    form_url = client.get(_path(services.setup_link(user)), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "Teh-Manis-2026!", "new_password2": "Teh-Manis-2026!"})
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert login(client, user.username, "Teh-Manis-2026!").status_code == 302


@pytest.mark.parametrize("path", ["/akun/staf/", "/akun/unit/", "/akun/2fa/"])
def test_pages_send_anonymous_visitors_to_login(client: Any, db: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    assert not mail.outbox
