from aduan.reports.models import Status
from tests.factories import report


def test_submit_creates_report_with_event_and_deadline(world):
    r = report(region=world.region_bandung)
    assert r.status == Status.SUBMITTED
    assert r.events.count() == 1
    assert r.due_at is not None


def test_report_remembers_the_reporters_language(world):
    from django.utils import translation

    with translation.override("en"):
        assert report().language == "en"
    with translation.override("id"):
        assert report().language == "id"
    assert report(language="xx").language == "id"
