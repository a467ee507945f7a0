"""Tables of core: the one mail outbox (`OutgoingEmail`, written and sent by `core.outbox`)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutgoingEmail(models.Model):
    """One letter of the store, from the moment it is decided until it is sent or given up.

    Written in the transaction of the change it is about (so a letter exists exactly when the
    change committed) and sent afterwards, outside any transaction, by `core.outbox`.
    `locked_until` is a lease: a sender claims the row with a conditional UPDATE, sends holding
    no database lock, then records `sent_at` or the failure with `next_attempt_at` (backoff 1, 5,
    15, 60 minutes, then hourly, until `gave_up`). `attempts` counts every try ever made;
    `series_attempts` the tries since the letter was queued or «Отправить снова» — the backoff and
    the limit count those.
    """

    class State(models.TextChoices):
        QUEUED = "queued", "в очереди"
        FAILED = "failed", "ошибка, будет повтор"
        SENT = "sent", "отправлено"
        GAVE_UP = "gave_up", "попытки исчерпаны"

    kind = models.CharField("вид", max_length=40)
    to = models.TextField("кому", help_text="Адреса через запятую.")
    subject = models.CharField("тема", max_length=255)
    body_text = models.TextField("текст", blank=True)
    body_html = models.TextField("HTML", blank=True)
    ref = models.CharField(
        "о чём", max_length=100, blank=True, help_text="Например, «garage.vinrequest:42»."
    )
    sensitive = models.BooleanField(
        "содержит ссылку для входа",
        default=False,
        help_text="Текст не показывается в бэкофисе и стирается после отправки.",
    )
    created_at = models.DateTimeField("создано", default=timezone.now)
    attempts = models.PositiveSmallIntegerField("попыток", default=0)
    series_attempts = models.PositiveSmallIntegerField("попыток в серии", default=0)
    next_attempt_at = models.DateTimeField("следующая попытка", default=timezone.now)
    locked_until = models.DateTimeField("занято до", null=True, blank=True)
    sent_at = models.DateTimeField("отправлено", null=True, blank=True)
    last_error = models.TextField("последняя ошибка", blank=True)
    gave_up = models.BooleanField("попытки исчерпаны", default=False)

    class Meta:
        verbose_name = "письмо"
        verbose_name_plural = "письма"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(sent_at__isnull=True, gave_up=False),
                name="core_email_due",
            ),
            models.Index(fields=["ref"], name="core_email_ref"),
            models.Index(fields=["kind", "-created_at"], name="core_email_kind_created"),
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.to.split(",") if address.strip()]

    @property
    def state(self) -> str:
        if self.sent_at is not None:
            return self.State.SENT
        if self.gave_up:
            return self.State.GAVE_UP
        return self.State.FAILED if self.series_attempts else self.State.QUEUED

    def get_state_display(self) -> str:
        return self.State(self.state).label
