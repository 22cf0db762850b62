from django.db import migrations

DEFAULTS = {
    "verify": (3, "working", "Perpres 76/2013; Permenpan RB 62/2018"),
    "needs_info_expiry": (10, "working", "Permenpan RB 62/2018"),
    "first_response": (5, "working", "Permenpan RB 62/2018"),
    "completion_aspiration": (5, "working", "Permenpan RB 62/2018"),
    "completion_info_request": (5, "working", "Permenpan RB 62/2018"),
    "completion_complaint": (14, "working", "Permenpan RB 62/2018"),
    "completion_inspection": (60, "working", "Permenpan RB 62/2018"),
    "auto_close": (10, "working", "Permenpan RB 62/2018"),
    "ombudsman_after_dispatch": (60, "calendar", "UU 37/2008; Permenpan RB 62/2018"),
}


def create_limits(apps, schema_editor):
    SlaLimit = apps.get_model("sla", "SlaLimit")
    for key, (days, unit, basis) in DEFAULTS.items():
        SlaLimit.objects.get_or_create(
            key=key, defaults={"days": days, "unit": unit, "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create_limits, migrations.RunPython.noop)]
