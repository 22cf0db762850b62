"""Several sweeps at the same moment: every SLA act happens once and nobody is told
twice about the same report."""

import re
from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from aduan.notifications.models import Notification
from aduan.reports import lifecycle
from aduan.reports.lifecycle import Actor, Change
from aduan.reports.models import ReportType
from aduan.sla.models import SlaAction
from aduan.sla.sweep import sweep
from tests.factories import report
from tests.test_concurrency import race

WIB = ZoneInfo("Asia/Jakarta")


def dispatched(world, agency, when, **fields):
    r = report(now=when, **fields)
    lifecycle.transition(
        r, "dispatch", actor=Actor.staff(world.desk), change=Change(agency=agency), now=when
    )
    return r


@pytest.mark.django_db(transaction=True)
def test_concurrent_sweeps_do_not_double_act_or_double_send(world):
    start_soon = datetime(2026, 11, 2, 10, tzinfo=WIB)
    start_late = datetime(2026, 10, 26, 10, tzinfo=WIB)
    soon = [dispatched(world, world.bandung, start_soon) for _ in range(2)]
    late = [dispatched(world, world.bandung, start_late) for _ in range(2)]
    offer = dispatched(
        world,
        world.kemenkes,
        start_late,
        reporter_email="warga@contoh.id",
        type=ReportType.ASPIRATION,
    )
    mail.outbox.clear()
    when = datetime(2026, 11, 6, 8, tzinfo=WIB)

    results = race(*[lambda: sweep(now=when)] * 4)

    assert not [x for x in results if isinstance(x, Exception)], results
    total = Counter()
    for result in results:
        total.update(result.sla)
    expected = {
        "due_soon": 2,
        "overdue": 3,
        "escalate_agency": 3,
        "escalate_desk": 3,
        "ombudsman_offer": 1,
    }
    assert dict(total) == expected
    in_db = Counter(SlaAction.objects.values_list("kind", flat=True))
    assert dict(in_db) == expected
    for r in [*soon, *late, offer]:
        kinds = list(r.sla_actions.values_list("kind", flat=True))
        assert len(kinds) == len(set(kinds))
        staff_events = r.events.filter(action__startswith="sla_").count()
        assert staff_events == len(kinds)

    # Every (recipient, kind, report) appears in exactly one mail, however the reports
    # were shared out between the sweeps.
    seen = Counter()
    notices = Notification.objects.filter(created_at=when)
    assert all(n.status == "sent" for n in notices)
    assert len(mail.outbox) == notices.count()
    for n in notices:
        for tracking in set(re.findall(r"[0-9A-Z]{5}-[0-9A-Z]{5}", n.body)):
            seen[(n.recipient, n.kind, tracking)] += 1
    assert seen and max(seen.values()) == 1
    # The reporter got exactly one offer.
    offers = [m for m in mail.outbox if m.to == ["warga@contoh.id"]]
    assert len(offers) == 1 and "Ombudsman" in offers[0].subject
    # A further sweep, concurrent or not, finds nothing to do.
    again = race(lambda: sweep(now=when), lambda: sweep(now=when))
    assert all(r.sla == {} for r in again)
