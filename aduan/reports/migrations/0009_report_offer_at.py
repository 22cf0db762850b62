"""``Report.offer_at``: when the sweep offers the Ombudsman, indexed while still owed.

Replaces the two partial indexes the sweep's offer scan read every minute (windows on
``completion_due_at`` and ``dispatched_at`` that also held every report already offered).
The backfill sets ``offer_at`` of reports not offered yet whose offer time lies within
the sweep's catch-up reach (older ones it would never read).
"""

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

SOURCES = ("dispatched", "in_progress", "responded")
BATCH = 2000


def backfill(apps, schema_editor):
    from aduan.reports.effects import offer_time
    from aduan.sla import deadlines
    from aduan.sla.escalation import offer_catch_up

    Report = apps.get_model("reports", "Report")
    SlaAction = apps.get_model("sla", "SlaAction")
    db = schema_editor.connection.alias
    now = timezone.now()
    reach = now - offer_catch_up()
    # offer_at <= dispatched_at + the limit; three times it covers working days too.
    limit = deadlines.limits()[deadlines.Key.OMBUDSMAN_AFTER_DISPATCH]
    earliest = reach - timedelta(days=3 * limit.days)
    offered = SlaAction.objects.using(db).filter(
        report=models.OuterRef("pk"), kind="ombudsman_offer"
    )
    rows = (
        Report.objects.using(db)
        .filter(status__in=SOURCES, dispatched_at__gte=earliest)
        .filter(models.Q(completion_due_at__isnull=True) | models.Q(completion_due_at__gte=reach))
        .exclude(models.Exists(offered))
        .order_by("pk")
    )
    last = 0
    while True:
        batch = list(
            rows.filter(pk__gt=last).values_list(
                "pk", "status", "dispatched_at", "completion_due_at", "agency__time_zone"
            )[:BATCH]
        )
        if not batch:
            return
        last = batch[-1][0]
        changed = []
        for pk, status, dispatched_at, completion_due_at, tz in batch:
            moment = offer_time(
                status=status,
                dispatched_at=dispatched_at,
                completion_due_at=completion_due_at,
                tz=tz or "Asia/Jakarta",
            )
            if moment is not None and moment >= reach:
                changed.append(Report(pk=pk, offer_at=moment))
        Report.objects.using(db).bulk_update(changed, ["offer_at"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_public_list_index"),
        ("sla", "0003_slaaction"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="report", name="report_completion_due"),
        migrations.RemoveIndex(model_name="report", name="report_dispatched_open"),
        migrations.AddField(
            model_name="report", name="offer_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(("offer_at__isnull", False)),
                fields=["offer_at"],
                name="report_offer_at",
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
