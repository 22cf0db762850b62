"""Report.get_status/type/channel_display: labels from a dict, equal to Django's own."""

from __future__ import annotations

from django.utils import translation

from aduan.reports.models import Channel, Report, ReportType, Status


def test_report_choice_labels_match_django_in_both_languages() -> None:
    for language in ("id", "en"):
        with translation.override(language):
            for field, choices in (("status", Status), ("type", ReportType), ("channel", Channel)):
                for value, label in choices.choices:
                    report = Report(**{field: value})
                    assert getattr(report, f"get_{field}_display")() == str(label)
            # An unknown value shows as itself, as Django's own method does.
            assert Report(status="legacy").get_status_display() == "legacy"
    # The labels are translated when asked for, not once at import.
    report = Report(status=Status.SUBMITTED)
    with translation.override("id"):
        indonesian = report.get_status_display()
    with translation.override("en"):
        assert report.get_status_display() != indonesian
