"""The client's garage (cars chosen from the vehicle reference), VIN requests and their chat.

Seed 004 «Автомобили», «VIN-запрос», «Открыть чат». The reference the cars are chosen from
(make → model → generation → modification) is `mprating.vehicles`.
"""

from django.db import models
from django.utils import timezone

from mprating.core.history import HistoryEntry
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel


class Vehicle(models.Model):
    """A car in the client's garage (seed 004 «Автомобили»).

    «Название модификации в полученном списке генерируется автоматически на основе конкатенации
    (слияния) значений трёх первых параметров: “Марка Модель Поколение”» — `name` is written by
    the service from the chosen make, model and generation, never typed.
    """

    client = models.ForeignKey("accounts.Client", on_delete=models.CASCADE, related_name="vehicles")
    make = models.ForeignKey(Make, on_delete=models.PROTECT, related_name="+")
    model = models.ForeignKey(VehicleModel, on_delete=models.PROTECT, related_name="+")
    generation = models.ForeignKey(Generation, on_delete=models.PROTECT, related_name="+")
    modification = models.ForeignKey(
        Modification, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField("название", max_length=200, editable=False)
    vin_or_frame = models.CharField("VIN или номер кузова", max_length=32, blank=True)
    year = models.PositiveSmallIntegerField("год выпуска", null=True, blank=True)
    power_hp = models.PositiveSmallIntegerField("мощность двигателя, л.с.", null=True, blank=True)
    comment = models.CharField("комментарий", max_length=255, blank=True)
    created_at = models.DateTimeField("добавлен", auto_now_add=True)
    updated_at = models.DateTimeField("изменён", auto_now=True)

    class Meta:
        verbose_name = "автомобиль клиента"
        verbose_name_plural = "автомобили клиентов"
        ordering = ["client", "name", "id"]
        indexes = [models.Index(fields=["client", "name"], name="garage_vehicle_client_name")]

    def __str__(self) -> str:
        return self.name


class VinSettings(models.Model):
    """«Настройки» of VIN requests in the back office: one row (pk = 1).

    Seed 004: «отправка уведомления менеджеру интернет-магазина на электронную почту,
    определяемую в следующем меню ПУПа».
    """

    manager_emails = models.TextField(
        "e-mail менеджеров для VIN-запросов",
        blank=True,
        help_text="Один или несколько адресов через запятую или с новой строки.",
    )
    updated_at = models.DateTimeField("изменено", auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="изменил",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "настройки VIN-запросов"
        verbose_name_plural = "настройки VIN-запросов"

    def __str__(self) -> str:
        return "Настройки VIN-запросов"


class OriginalCatalogLink(models.Model):
    """A special original catalog for a make our reference does not cover.

    Seed 004: «В том случае, если необходимой марки автомобиля нет в списке …, то нужно будет
    обратиться к специальному каталогу. В данном случае речь идёт об оригинальном каталоге ВАЗ».
    `make_name` is compared with the manufacturer decoded from the VIN and its known spellings
    (`vin.manufacturer_names`), case- and punctuation-insensitively.
    """

    make_name = models.CharField(
        "марка", max_length=64, help_text="Как пишут марку: «ВАЗ», «Lada», «УАЗ», «Toyota»."
    )
    make_key = models.CharField(max_length=64, unique=True, editable=False)
    title = models.CharField("название каталога", max_length=128)
    url = models.URLField("адрес каталога", max_length=500)

    class Meta:
        verbose_name = "оригинальный каталог марки"
        verbose_name_plural = "оригинальные каталоги марок"
        ordering = ["make_name"]

    def __str__(self) -> str:
        return f"{self.make_name}: {self.title}"


class VinRequest(models.Model):
    """A VIN request («VIN-запрос», seed 004): part rows a manager answers with «Бренд, Артикул».

    Seen by the client who made it and, in «Документы → VIN-запросы» of the back office, by
    managers «которым предоставлено право обрабатывать VIN-запросы» (`process_vinrequest`).
    The number of the request is its primary key.
    """

    class Status(models.TextChoices):
        NOT_SENT = "not_sent", "Запрос не отправлен"
        PENDING = "pending", "Ожидает обработки"
        ACCEPTED = "accepted", "Принят"
        IN_PROGRESS = "in_progress", "Обрабатывается"
        DONE = "done", "Выполнен"

    client = models.ForeignKey(
        "accounts.Client", on_delete=models.CASCADE, related_name="vin_requests"
    )
    vehicle = models.ForeignKey(
        Vehicle,
        verbose_name="автомобиль",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vin_requests",
    )
    # Copied when the request is made: the car may be edited or deleted later.
    vehicle_name = models.CharField("автомобиль", max_length=200)
    vin = models.CharField("VIN или номер кузова", max_length=32, blank=True)
    comment = models.TextField("комментарий", blank=True, max_length=2000)
    status = models.CharField(
        "статус", max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField("создан", auto_now_add=True)
    status_changed_at = models.DateTimeField("статус изменён", auto_now_add=True)

    class Meta:
        verbose_name = "VIN-запрос"
        verbose_name_plural = "VIN-запросы"
        ordering = ["-created_at", "-id"]
        permissions = [("process_vinrequest", "обрабатывать VIN-запросы")]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="garage_vinreq_client_created"),
            models.Index(fields=["status", "-created_at"], name="garage_vinreq_status_created"),
        ]

    def __str__(self) -> str:
        return f"VIN-запрос № {self.pk}"

    @property
    def number(self) -> int:
        return self.pk


class VinRequestLine(models.Model):
    """One part row: «В поле наименование детали нужно указать на самом деле только категорию,
    например “масло моторное” или “амортизатор передний”» (seed 004)."""

    request = models.ForeignKey(VinRequest, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField("№")
    part_name = models.CharField("наименование детали", max_length=200)
    quantity = models.PositiveIntegerField("количество")
    note = models.CharField("примечание", max_length=255, blank=True)

    class Meta:
        verbose_name = "позиция VIN-запроса"
        verbose_name_plural = "позиции VIN-запроса"
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "position"], name="garage_vinline_unique_position"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="garage_vinline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.part_name}"


class VinAnswer(models.Model):
    """A manager's offer for a row: the pair «Бренд, Артикул» (seed 004).

    `product` is set when the pair is a product of our catalog (picked, or typed and found):
    then the client can put its best offer in the cart from the request. A row with at least
    one answer counts as answered («количество строк, к которым были даны предложения»).
    """

    line = models.ForeignKey(
        VinRequestLine, verbose_name="позиция", on_delete=models.CASCADE, related_name="answers"
    )
    # The line's request, kept here so the back office edits answers inline on the request.
    request = models.ForeignKey(
        VinRequest, on_delete=models.CASCADE, related_name="answers", editable=False
    )
    brand_name = models.CharField("бренд", max_length=100)
    article = models.CharField("артикул", max_length=64)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name="товар каталога",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("добавлен", auto_now_add=True)
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name="кто ответил",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "ответ менеджера"
        verbose_name_plural = "ответы менеджера"
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"{self.brand_name}, {self.article}"


class VinRequestStatusChange(HistoryEntry):
    """History of a request's status: who (empty: the system), when and why (`comment`).

    Written only through `core.history.history_record` by the garage services.
    """

    request = models.ForeignKey(VinRequest, on_delete=models.CASCADE, related_name="status_changes")
    status_from = models.CharField(
        "было", max_length=12, choices=VinRequest.Status.choices, blank=True
    )
    status_to = models.CharField("стало", max_length=12, choices=VinRequest.Status.choices)

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение статуса"
        verbose_name_plural = "история статусов"
        ordering = ["request", "changed_at", "id"]

    def __str__(self) -> str:
        return (
            f"{self.get_status_to_display()} ({timezone.localtime(self.changed_at):%d.%m.%Y %H:%M})"
        )


class ChatMessage(models.Model):
    """«Открыть чат» (seed 004): «механизм offline-беседы с менеджером, то есть как бы
    обсуждения и уточнения запроса». Plain text; `read_at` is when the other side read it."""

    MAX_LENGTH = 2000

    request = models.ForeignKey(VinRequest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_client = models.BooleanField("от клиента")
    text = models.TextField("сообщение", max_length=MAX_LENGTH)
    created_at = models.DateTimeField("отправлено", auto_now_add=True)
    read_at = models.DateTimeField("прочитано", null=True, blank=True)

    class Meta:
        verbose_name = "сообщение чата"
        verbose_name_plural = "сообщения чата"
        ordering = ["request", "created_at", "id"]
        indexes = [
            models.Index(fields=["request", "from_client", "read_at"], name="garage_chat_unread")
        ]

    def __str__(self) -> str:
        return self.text[:50]


class ClientChatUnread(models.Model):
    """How many of the manager's chat messages the client has not read, over all the client's
    VIN requests: the badge of «VIN-запросы» in the cabinet's left frame (seed 004), kept up to
    date instead of counted on every page (issue 13: the count grew with the client's
    requests).

    Moved only by `services.chat_message_post` (+1 for a manager's message) and
    `services.chat_mark_read` (− what the client has just read), each in its own transaction,
    with `F()` increments; `services.chat_unread_recount` rebuilds it from the messages (also
    `manage.py recount_frame_counters`). A row appears with the client's first unread message.
    """

    client = models.OneToOneField(
        "accounts.Client", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    unread = models.PositiveIntegerField("непрочитанных сообщений менеджера", default=0)

    class Meta:
        verbose_name = "счётчик непрочитанных сообщений"
        verbose_name_plural = "счётчики непрочитанных сообщений"

    def __str__(self) -> str:
        return f"{self.client_id}: {self.unread}"
