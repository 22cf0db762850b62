"""The event hash's index as a plain B-tree (see aduan.audit.chain.plain_hash_index)."""

from django.db import migrations

from aduan.audit.chain import plain_hash_index


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_report_offer_at")]

    operations = [plain_hash_index("reports", "ReportEvent", "event_hash")]
