"""``aduan createstaff``: create or update a staff account from the command line."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from aduan.agencies.models import Membership
from aduan.audit.models import AuditRecord

User = get_user_model()


def run(*args: str, stdin: str | None = None) -> str:
    out = io.StringIO()
    extra: dict[str, Any] = {"stdout": out, "stderr": io.StringIO()}
    if stdin is not None:
        extra["stdin"] = io.StringIO(stdin)
    call_command("createstaff", *args, **extra)
    return out.getvalue()


def test_creates_account_membership_and_prints_a_link(world: Any) -> None:
    out = run("--agency", "32.73", "--role", "OFFICER", "Petugas.Baru@Example.id", "--name", "Ani")
    user = User.objects.get(username="petugas.baru@example.id")
    assert user.email == "petugas.baru@example.id" and user.first_name == "Ani"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("agency__code", "role")) == [
        ("32.73", "officer")
    ]
    assert "dibuat" in out
    assert "/akun/atur-sandi/" in out
    records = AuditRecord.objects.filter(target_user=user).order_by("id")
    assert [r.action for r in records] == [
        AuditRecord.Action.STAFF_CREATE,
        AuditRecord.Action.MEMBERSHIP_ADD,
    ]
    for record in records:
        assert record.actor is None
        assert record.detail["via"] == "cli"


def test_running_twice_changes_nothing(world: Any) -> None:
    args = ("--agency", "32.73", "--role", "agency_admin", "admin2@example.id")
    run(*args)
    out = run(*args)
    assert "sudah ada" in out
    assert Membership.objects.filter(user__username="admin2@example.id").count() == 1
    assert User.objects.filter(username="admin2@example.id").count() == 1
    assert AuditRecord.objects.count() == 2


def test_adds_a_second_role_to_an_existing_account(world: Any) -> None:
    user = world.bandung_officer
    run("--agency", "32.73.DINKES", "--role", "coordinator", user.email, "--name", "Dewi")
    user.refresh_from_db()
    assert user.first_name == "Dewi"
    assert Membership.objects.filter(user=user).count() == 2
    assert user.check_password("rahasia-kuat-123")  # untouched without --password-stdin


def test_password_from_stdin(world: Any) -> None:
    out = run(
        "--agency",
        "DESK",
        "--role",
        "desk",
        "meja@example.id",
        "--password-stdin",
        stdin="Gudeg-Jogja-2026!\n",
    )
    user = User.objects.get(username="meja@example.id")
    assert user.check_password("Gudeg-Jogja-2026!")
    assert "/akun/atur-sandi/" not in out


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("--agency", "NOPE", "--role", "officer", "a@example.id"), None, "NOPE"),
        (("--agency", "32.73", "--role", "boss", "a@example.id"), None, "boss"),
        (("--agency", "32.73", "--role", "officer", "bukan-surel"), None, "surel"),
        (("--agency", "32.73", "--role", "desk", "a@example.id"), None, "admin nasional"),
        (("--agency", "32.73", "--role", "ombudsman", "a@example.id"), None, "Ombudsman"),
        (
            ("--agency", "32.73", "--role", "officer", "a@example.id", "--password-stdin"),
            "123\n",
            "pendek",
        ),
        (
            ("--agency", "32.73", "--role", "officer", "a@example.id", "--password-stdin"),
            "",
            "Tidak ada kata sandi",
        ),
    ],
)
def test_errors_are_clear_and_change_nothing(
    world: Any, args: tuple[str, ...], stdin: str | None, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args, stdin=stdin)
    assert not User.objects.filter(username="a@example.id").exists()
    assert not AuditRecord.objects.exists()
