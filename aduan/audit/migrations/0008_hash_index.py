"""The audit record hash's index as a plain B-tree (aduan.audit.chain.plain_hash_index)."""

from django.db import migrations

from aduan.audit.chain import plain_hash_index


class Migration(migrations.Migration):
    dependencies = [("audit", "0007_export_reports_action")]

    operations = [plain_hash_index("audit", "AuditRecord", "audit_hash")]
