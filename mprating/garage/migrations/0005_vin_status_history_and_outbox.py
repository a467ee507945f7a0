"""VIN request status history becomes a `core.history.HistoryEntry` (`note` kept as `comment`);
the state of the managers' letter moves to the core outbox (`core.OutgoingEmail`, ref
«garage.vinrequest:<id>»), so the request's own e-mail columns go."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("garage", "0004_vehicle_reference"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveField(model_name="vinrequest", name="email_attempts"),
        migrations.RemoveField(model_name="vinrequest", name="email_error"),
        migrations.RemoveField(model_name="vinrequest", name="email_sent_at"),
        migrations.RenameField(
            model_name="vinrequeststatuschange", old_name="note", new_name="comment"
        ),
        migrations.AlterField(
            model_name="vinrequeststatuschange",
            name="comment",
            field=models.TextField(blank=True, verbose_name="комментарий"),
        ),
        migrations.AlterField(
            model_name="vinrequeststatuschange",
            name="changed_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="когда"),
        ),
        migrations.AlterField(
            model_name="vinrequeststatuschange",
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
