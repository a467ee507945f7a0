"""Status letters move to the one outbox of core: every `StatusEmail` row is copied into
`core.OutgoingEmail` (kind `order_status`, ref «orders.order:<id>», same state), then the table
is dropped. Unsent letters keep their attempts and next try, so the outbox sweep sends them."""

from django.db import migrations

MAX_ATTEMPTS = 30  # core.outbox.MAX_ATTEMPTS when this was written


def copy_to_outbox(apps, schema_editor):
    try:
        StatusEmail = apps.get_model("notifications", "StatusEmail")
    except LookupError:  # replayed against today's models (the test fixture): nothing to copy
        return
    OutgoingEmail = apps.get_model("core", "OutgoingEmail")
    rows = (
        OutgoingEmail(
            kind="order_status",
            to=email.to_email,
            subject=email.subject,
            body_text=email.body_text,
            body_html=email.body_html,
            ref=f"orders.order:{email.order_id}",
            created_at=email.created_at,
            attempts=email.attempts,
            series_attempts=email.attempts,
            next_attempt_at=email.next_attempt_at,
            sent_at=email.sent_at,
            last_error=email.last_error,
            gave_up=email.sent_at is None and email.attempts >= MAX_ATTEMPTS,
        )
        for email in StatusEmail.objects.order_by("pk").iterator()
    )
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 1000:
            OutgoingEmail.objects.bulk_create(batch)
            batch = []
    OutgoingEmail.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(copy_to_outbox, migrations.RunPython.noop),
        migrations.DeleteModel(name="StatusEmail"),
    ]
