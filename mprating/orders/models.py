"""Orders (заявки), their lines, the configurable statuses and the status history.

Seed 000 «Управление Заявками»: staff see «Текущий статус, Дата создания, Клиент, Артикул и
его состав, Комментарий к заявке, Способ оплаты, Номер получателя». Seed 004 «Заказы»: every
line has its own status, «их цвета и названия в точности соответствуют заданным в меню
“Настройки->Статусы” ПУПа», and a movement history («подробную информацию о движении
заказа») that differs for lines from the home or the transit warehouse.

Checkout (`services.order_place`) writes all of these; the status workflow, refusals and the
archive build on the same tables.
"""

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.accounts.phones import format_phone
from mprating.billing.models import PackagePurchase
from mprating.catalog.models import Offer, Product, Warehouse
from mprating.core.history import HistoryEntry
from mprating.pickup_points.models import PickupPoint

NUMBER_PREFIX = "MP-"

colour_validator = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Цвет в формате #RRGGBB, например #16a34a.")


class Source(models.TextChoices):
    """Where a line is fulfilled from: the kind of its warehouse, kept on the line."""

    HOME = Warehouse.Kind.HOME.value, "Домашний склад"
    TRANSIT = Warehouse.Kind.TRANSIT.value, "Транзитный склад"
    MARKETPLACE = Warehouse.Kind.MARKETPLACE.value, "Выкуп на маркетплейсе"


class RefusalState(models.TextChoices):
    """Seed 004: «Отказаться от заказа» → «Отказ от заказа на рассмотрении» → the manager
    confirms («Отказ клиента», the line gets «Отказ») or declines the request."""

    NONE = "", "—"
    REQUESTED = "requested", "Отказ от заказа на рассмотрении"
    CONFIRMED = "confirmed", "Отказ клиента"
    DECLINED = "declined", "Отказ отклонён менеджером"


class OrderStatus(models.Model):
    """A line status of «Настройки → Статусы»: managers rename, recolour and reorder them.

    The code never looks a status up by its name: the key ones carry a `role`
    (new, shipped = «Отгружен», refused = «Отказ»). Each status belongs to the chains of one or
    more sources (own warehouse, transit warehouse, marketplace buyout); `sort_order` orders a
    chain. A status in use cannot be deleted (lines and history protect it).
    """

    class Role(models.TextChoices):
        NEW = "new", "Новый заказ"
        SHIPPED = "shipped", "Отгружен"
        REFUSED = "refused", "Отказ"

    name = models.CharField("название", max_length=64, unique=True)
    colour = models.CharField(
        "цвет", max_length=7, default="#64748b", validators=[colour_validator]
    )
    is_final = models.BooleanField(
        "признак завершения",
        default=False,
        help_text="Заказ, все позиции которого в завершающих статусах, уходит в архив.",
    )
    notify_client = models.BooleanField(
        "можно уведомлять клиента",
        default=True,
        help_text="Клиенту может прийти письмо о переходе позиции в этот статус.",
    )
    sort_order = models.PositiveSmallIntegerField("порядок", default=100)
    role = models.CharField(
        "роль",
        max_length=16,
        choices=Role.choices,
        blank=True,
        help_text="На роль опирается программа; у обычных статусов роли нет.",
    )
    for_home = models.BooleanField("для домашнего склада", default=True)
    for_transit = models.BooleanField("для транзитного склада", default=True)
    for_marketplace = models.BooleanField("для выкупа на маркетплейсе", default=True)

    class Meta:
        verbose_name = "статус"
        verbose_name_plural = "статусы"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=~Q(role=""), name="orders_status_role_unique"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["", "new", "shipped", "refused"]),
                name="orders_status_role_valid",
            ),
            # «Отгружен» and «Отказ» end a line's life (seed 004: archive when all lines are
            # in statuses with «признак завершения “Истина”»); «Новый» never does.
            models.CheckConstraint(
                condition=~Q(role__in=["shipped", "refused"]) | Q(is_final=True),
                name="orders_status_shipped_refused_final",
            ),
            models.CheckConstraint(
                condition=~Q(role="new") | Q(is_final=False), name="orders_status_new_not_final"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentMethod(models.TextChoices):
    BALANCE = "balance", "С баланса"
    INVOICE = "invoice", "По счёту"
    ON_RECEIPT = "on_receipt", "При получении"


class Order(models.Model):
    """An order (заявка) a client placed at checkout.

    `number` is what the client and staff quote: «MP-» and the order's id padded to six
    digits («MP-000123»), given once, right after the insert, in the same transaction. It grows
    with time, needs no counter row and never repeats (a gap after a rolled-back checkout is
    harmless). The order goes either to a partner pickup point or to a delivery address,
    never both (database check). `idempotency_key` comes from the checkout form: a second
    submit of the same form returns the first order. `package_purchase` is the package that
    covered the order (one request of it, taken at checkout); `balance_charged` what was charged
    to the client's balance when the order was paid «С баланса» (the refusal credits refer to
    it).
    """

    number = models.CharField("номер", max_length=20, unique=True, null=True, editable=False)
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="orders", verbose_name="клиент"
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    comment = models.TextField("комментарий к заявке", blank=True)
    payment_method = models.CharField("способ оплаты", max_length=16, choices=PaymentMethod.choices)
    recipient_phone = models.CharField(
        "номер получателя", max_length=16, help_text="В формате E.164: +79161234567"
    )
    pickup_point = models.ForeignKey(
        PickupPoint,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name="пункт выдачи",
    )
    delivery_address = models.CharField("адрес доставки", max_length=500, blank=True)
    archived_at = models.DateTimeField("в архиве с", null=True, blank=True)
    package_purchase = models.ForeignKey(
        PackagePurchase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="заявка по пакету",
        help_text="Покупка пакета, из которой взята заявка на этот заказ.",
    )
    balance_charged = models.DecimalField(
        "списано с баланса, ₽",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Сумма, списанная с баланса клиента при оформлении (оплата «С баланса»).",
    )
    idempotency_key = models.UUIDField("ключ оформления", default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "заявка"
        verbose_name_plural = "заявки"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "idempotency_key"], name="orders_order_idempotency"
            ),
            models.CheckConstraint(
                condition=(Q(pickup_point__isnull=False) & Q(delivery_address=""))
                | (Q(pickup_point__isnull=True) & ~Q(delivery_address="")),
                name="orders_order_pickup_point_xor_address",
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values),
                name="orders_order_payment_method_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["client", "-created_at"], name="orders_order_client"),
            # The back office «Заявки» list, newest first, on a million orders.
            models.Index(fields=["-created_at", "-id"], name="orders_order_created"),
            models.Index(fields=["recipient_phone"], name="orders_order_phone"),
            # The cabinet's orders at work and the archive check on every visit.
            models.Index(
                fields=["client"],
                condition=Q(archived_at__isnull=True),
                name="orders_order_client_active",
            ),
            # The cabinet «Архив» newest order first: its walk starts here (cabinet_selectors).
            models.Index(
                fields=["client", "-id"],
                condition=Q(archived_at__isnull=False),
                name="orders_order_client_archived",
            ),
        ]

    def __str__(self) -> str:
        return f"Заказ № {self.number}"

    @staticmethod
    def number_for(pk: int) -> str:
        return f"{NUMBER_PREFIX}{pk:06d}"

    @property
    def recipient_phone_display(self) -> str:
        return format_phone(self.recipient_phone)


class OrderLine(models.Model):
    """One article of an order with its own status.

    Everything the client bought is copied from the cart line and its offer at checkout
    (issue: «keeping the article, brand, name, quantity, real price, source warehouse and
    return policy as they were»), so later price-list imports never change a placed order.
    `client` repeats `order.client` so that «lines of a client by status» (the cabinet frame,
    the «Заказы» table) is one indexed read.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="order_lines")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    brand_name = models.CharField("бренд", max_length=100)
    article = models.CharField("артикул", max_length=64)
    product_name = models.CharField("наименование", max_length=255, blank=True)
    quantity = models.PositiveIntegerField("количество")
    price = models.DecimalField("цена, ₽", max_digits=12, decimal_places=2)
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="+", verbose_name="склад"
    )
    source = models.CharField("источник", max_length=16, choices=Source.choices)
    delivery_days = models.PositiveSmallIntegerField("срок поставки, дн.")
    expected_delivery_date = models.DateField("ожидаемая дата поставки")
    is_returnable = models.BooleanField("можно вернуть")
    return_days = models.PositiveSmallIntegerField("срок возврата, дн.")
    return_deduction_percent = models.DecimalField(
        "удержание при возврате, %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    comment = models.CharField("комментарий клиента", max_length=255, blank=True)
    status = models.ForeignKey(
        OrderStatus, on_delete=models.PROTECT, related_name="lines", verbose_name="статус"
    )
    status_changed_at = models.DateTimeField("статус изменён", default=timezone.now)
    refusal_state = models.CharField(
        "отказ", max_length=16, choices=RefusalState.choices, blank=True, default=""
    )
    refusal_seen = models.BooleanField(
        "отказ просмотрен",
        default=False,
        help_text="Seed 004: флажок в 10-й колонке — видел ли клиент отказ по позиции.",
    )
    manager_comment = models.CharField(
        "комментарий менеджера",
        max_length=500,
        blank=True,
        help_text="Последняя колонка таблицы заказов: «Отказ от заказа на рассмотрении», "
        "«Отказ клиента», «Нет в наличии у поставщика»…",
    )
    stock_released_at = models.DateTimeField(
        "резерв возвращён на склад",
        null=True,
        blank=True,
        help_text="Когда количество отказанной позиции вернулось в остаток предложения: "
        "возвращается один раз.",
    )

    class Meta:
        verbose_name = "позиция заказа"
        verbose_name_plural = "позиции заказов"
        ordering = ["order_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_line_qty"),
            models.CheckConstraint(condition=Q(price__gte=0), name="orders_line_price"),
            models.CheckConstraint(
                condition=Q(source__in=Source.values), name="orders_line_source_valid"
            ),
        ]
        indexes = [
            # The cabinet frame: a client's refusals and how many are unseen (index-only on
            # PostgreSQL thanks to the included flag), and positions of orders in work.
            models.Index(
                fields=["client", "status"],
                include=["refusal_seen"],
                name="orders_line_client_status_seen",
            ),
            models.Index(fields=["order"], include=["status"], name="orders_line_order_status"),
            # The cabinet «Заказы» table: a client's lines newest order first.
            models.Index(fields=["client", "-order"], name="orders_line_client_order"),
            # … and by price, both ways, every page as fast as the first (keyset pages).
            models.Index(fields=["client", "price", "id"], name="orders_line_client_price"),
            # The back office queue of refusal requests.
            models.Index(
                fields=["refusal_state"],
                condition=Q(refusal_state="requested"),
                name="orders_line_refusal_requested",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand_name} {self.article} × {self.quantity}"

    @property
    def amount(self) -> Decimal:
        return self.price * self.quantity


class StatusChange(HistoryEntry):
    """The movement history of a line (seed 004 «движение заказа»): append-only, written only by
    `core.history.history_record_many` — at checkout (the first row, «Новый») and by the
    gatekeeper `services.line_status_set`.

    A row is a status change, or a record of an action that keeps the status (the client's
    refusal request, a declined refusal, a manager's comment) in the line's current status.
    `changed_by` is empty when the system made the change; the client's own request carries
    the client's user.
    """

    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="history")
    status = models.ForeignKey(
        OrderStatus, on_delete=models.PROTECT, related_name="+", verbose_name="статус"
    )
    notified_at = models.DateTimeField(
        "клиент уведомлён",
        null=True,
        blank=True,
        help_text="Когда письмо об этом изменении ушло клиенту (или решено не слать): повторный "
        "запуск задачи уведомлений его не отправит.",
    )

    class Meta(HistoryEntry.Meta):
        verbose_name = "изменение статуса"
        verbose_name_plural = "история статусов"
        ordering = ["changed_at", "id"]
        indexes = [models.Index(fields=["line", "changed_at"], name="orders_history_line")]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.status_id}"


class ClientStatusCount(models.Model):
    """How many lines a client has in one status: what the cabinet's left frame shows, kept
    up to date instead of counted on every page (issue 13: the grouped read of the client's
    lines cost 33–50 ms of a «Заказы» page and grew with the client's lines).

    Seed 004, the left frame: the positions by status («позиции по статусам») of the orders in
    work, and «значок, указывающий какое количество из общего числа отказов не было
    просмотрено пользователем» — all refusals, archive included. So a row keeps, for its
    (client, status):

    - `in_work`: lines of orders not in the archive;
    - `total`: all lines, archive included;
    - `unseen`: lines whose «отказ просмотрен» flag is off, archive included (read only for
      the status with the «Отказ» role, counted for every status so that a line's share of
      a row never depends on how statuses are configured: renaming, recolouring or moving
      the «Отказ» role changes no counter).

    Who writes them, always in the transaction of the change it counts, with `F()` increments
    (`orders.services.counters.counts_add`): checkout (new lines), the gatekeeper
    `line_status_set` (status and «просмотрен» moves), the archive (by hand and automatic).
    `orders.services.counters.counts_recount` (and `manage.py recount_frame_counters`)
    rebuilds them from the lines; a test checks they equal that recount after random
    sequences of changes. A row appears the first time a client has a line in the status and
    stays, at zero, when the lines leave it.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    status = models.ForeignKey(OrderStatus, on_delete=models.CASCADE, related_name="+")
    in_work = models.PositiveIntegerField("в работе", default=0)
    total = models.PositiveIntegerField("всего", default=0)
    unseen = models.PositiveIntegerField("отказ не просмотрен", default=0)

    class Meta:
        verbose_name = "счётчик позиций клиента"
        verbose_name_plural = "счётчики позиций клиентов"
        constraints = [
            models.UniqueConstraint(fields=["client", "status"], name="orders_count_client_status"),
            models.CheckConstraint(
                condition=Q(in_work__lte=models.F("total")) & Q(unseen__lte=models.F("total")),
                name="orders_count_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.client_id}/{self.status_id}: {self.in_work} из {self.total}"
