"""``aduan readmaildir``: one report per message however often it runs."""

from __future__ import annotations

import mailbox
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command

from aduan.channels.email import services
from aduan.channels.email.models import InboundEmail
from aduan.reports.models import Report
from tests.test_channel_email_parsing import fixture

MESSAGES = ["plain_utf8.eml", "latin1_qp.eml", "html_only.eml", "auto_reply.eml"]


@pytest.fixture
def maildir(tmp_path) -> Path:
    path = tmp_path / "Maildir"
    box = mailbox.Maildir(str(path), create=True)
    for name in MESSAGES:
        box.add(fixture(name))
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("readmaildir", *args, stdout=out)
    return out.getvalue()


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_twice_without_moving_is_one_report_per_message(maildir, world):
    first = run(str(maildir))
    assert "read: 4 reports: 3 replies: 0 ignored: 1 already handled: 0" in first
    second = run(str(maildir))
    assert "read: 4 reports: 0 replies: 0 ignored: 0 already handled: 4" in second
    assert Report.objects.count() == 3
    assert InboundEmail.objects.count() == 4
    assert len(names(maildir / "new")) == 4


def test_move_processed_marks_messages_seen(maildir, world):
    out = run(str(maildir), "--move-processed")
    assert "moved: 4" in out
    assert names(maildir / "new") == []
    moved = names(maildir / "cur")
    assert len(moved) == 4 and all(name.endswith(":2,S") for name in moved)
    # A mail client sees them as read; a re-run finds nothing new.
    box = mailbox.Maildir(str(maildir), create=False)
    assert all("S" in message.get_flags() for message in box)
    assert "read: 0" in run(str(maildir), "--move-processed")
    assert Report.objects.count() == 3


def test_a_failing_message_stays_and_the_rest_go_on(maildir, world):
    real = services.email_receive
    calls = {"n": 0}

    def flaky(*, raw, now=None):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(raw=raw, now=now)

    with (
        mock.patch("aduan.channels.email.services.email_receive", flaky),
        pytest.raises(CommandError, match="1 message"),
    ):
        run(str(maildir), "--move-processed")
    assert len(names(maildir / "new")) == 1
    assert len(names(maildir / "cur")) == 3
    out = run(str(maildir), "--move-processed")
    assert "read: 1" in out and "failed: 0" in out
    assert Report.objects.count() == 3


def test_not_a_maildir(tmp_path, db):
    with pytest.raises(CommandError, match="not a Maildir"):
        run(str(tmp_path / "missing"))
    (tmp_path / "plain").mkdir()
    with pytest.raises(CommandError, match="not a Maildir"):
        run(str(tmp_path / "plain"))
