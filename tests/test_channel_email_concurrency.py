"""A relay posting the same message twice at the same moment files one report."""

from __future__ import annotations

import pytest

from aduan.channels.email.models import InboundEmail
from aduan.channels.email.services import email_receive
from aduan.reports.models import Report
from tests.test_channel_email_parsing import fixture
from tests.test_concurrency import race


@pytest.mark.django_db(transaction=True)
def test_the_same_message_three_times_at_once(world):
    raw = fixture("plain_utf8.eml")
    results = race(*[lambda: email_receive(raw=raw)] * 3)
    assert all(not isinstance(r, Exception) for r in results), results
    assert len({r.tracking_id for r in results}) == 1
    assert sum(not r.duplicate for r in results) == 1
    assert Report.objects.count() == 1
    assert InboundEmail.objects.count() == 1
