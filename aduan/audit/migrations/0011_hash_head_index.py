"""The audit hash's index on its first eight symbols (aduan.audit.chain.hash_index)."""

import aduan.audit.chain
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_initial'),
        ('audit', '0010_hash_bytewise'),
        ('reports', '0011_codes_bytewise_fewer_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='auditrecord',
            name='audit_hash',
        ),
        migrations.AddIndex(
            model_name='auditrecord',
            index=models.Index(aduan.audit.chain.HashHead('hash'), name='audit_hash'),
        ),
    ]
