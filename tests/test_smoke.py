from aduan.reports.models import Status
from tests.factories import report


def test_submit_creates_report_with_event_and_deadline(world):
    r = report(region=world.region_bandung)
    assert r.status == Status.SUBMITTED
    assert r.events.count() == 1
    assert r.due_at is not None
