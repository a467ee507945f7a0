"""`ClientStatusChange` becomes a `core.history.HistoryEntry`: the reason is kept as `comment`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
    ]

    operations = [
        migrations.RenameField(
            model_name="clientstatuschange",
            old_name="reason",
            new_name="comment",
        ),
        migrations.AlterField(
            model_name="clientstatuschange",
            name="comment",
            field=models.TextField(blank=True, verbose_name="комментарий"),
        ),
        migrations.AlterField(
            model_name="clientstatuschange",
            name="changed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="кто изменил",
            ),
        ),
    ]
