"""The parts catalog: brands, products, warehouses, offers, cross-references, categories.

Seed 004: the client's «Индивидуальная наценка» and «Схема кросс-связей» act on search over
these tables; DESIGN.md §3 «catalog». Articles and brands are stored also normalized
(`normalize.py`) and always compared in that form.
"""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from mprating.core.leases import LeasedJob
from mprating.vehicles.models import Modification


class Brand(models.Model):
    name = models.CharField("бренд", max_length=100)
    name_normalized = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        verbose_name = "бренд"
        verbose_name_plural = "бренды"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BrandAlias(models.Model):
    """Another spelling of a brand, e.g. «MB» → «MERCEDES-BENZ», «VAG» → «VW»."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField("написание", max_length=100)
    alias_normalized = models.CharField(max_length=100, unique=True, editable=False)

    class Meta:
        verbose_name = "синоним бренда"
        verbose_name_plural = "синонимы брендов"
        ordering = ["alias"]

    def __str__(self) -> str:
        return f"{self.alias} → {self.brand}"


class Category(models.Model):
    """A node of the category tree for «Подбор по параметрам» («масло моторное», …)."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    code = models.SlugField("код", max_length=64, unique=True, help_text="Для импорта и ссылок")
    name = models.CharField("категория", max_length=128)
    sort_order = models.PositiveSmallIntegerField("порядок", default=100)

    class Meta:
        verbose_name = "категория"
        verbose_name_plural = "категории"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    article = models.CharField("артикул", max_length=64)
    article_normalized = models.CharField(max_length=64, editable=False)
    name = models.CharField("наименование", max_length=255, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="products"
    )
    modifications = models.ManyToManyField(
        Modification,
        through="Applicability",
        related_name="products",
        verbose_name="применимость",
        blank=True,
    )

    class Meta:
        verbose_name = "товар"
        verbose_name_plural = "товары"
        ordering = ["brand__name", "article_normalized"]
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "article_normalized"], name="catalog_product_brand_article"
            )
        ]
        indexes = [models.Index(fields=["article_normalized"], name="catalog_product_article")]

    def __str__(self) -> str:
        return f"{self.brand} {self.article}"


class Applicability(models.Model):
    """The product fits this modification of the vehicle reference (`mprating.vehicles`)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    modification = models.ForeignKey(Modification, on_delete=models.CASCADE)

    class Meta:
        verbose_name = "применимость"
        verbose_name_plural = "применимость"
        constraints = [
            models.UniqueConstraint(
                fields=["modification", "product"], name="catalog_applicability_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.product_id} → {self.modification_id}"


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        HOME = "home", "Домашний склад"
        TRANSIT = "transit", "Транзитный склад (поставщик)"
        MARKETPLACE = "marketplace", "Маркетплейс"

    class Marketplace(models.TextChoices):
        WILDBERRIES = "wildberries", "Wildberries"
        OZON = "ozon", "Ozon"

    code = models.SlugField("код", max_length=32, unique=True)
    name = models.CharField("название", max_length=128)
    kind = models.CharField("вид", max_length=16, choices=Kind.choices)
    marketplace = models.CharField(
        "маркетплейс", max_length=16, choices=Marketplace.choices, blank=True
    )
    is_active = models.BooleanField("активен", default=True)

    class Meta:
        verbose_name = "склад"
        verbose_name_plural = "склады"
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="marketplace", marketplace__in=["wildberries", "ozon"])
                | (~models.Q(kind="marketplace") & models.Q(marketplace="")),
                name="catalog_warehouse_marketplace_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """A product on sale from one warehouse: the line of a price list.

    `quantity` is what can still be sold; checkout takes the ordered quantity off it.
    The return policy is copied onto the order line at checkout («Возможность обратного
    выкупа» in seed 004 shows the policy the line was bought under).
    """

    # No single-column indexes of their own: the unique (product, warehouse) pair serves lookups
    # by product, `catalog_offer_warehouse` those by warehouse (every offer write paid for both).
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="offers", db_index=False
    )
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.PROTECT, related_name="offers", db_index=False
    )
    price = models.DecimalField(
        "цена, ₽", max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    quantity = models.PositiveIntegerField("в наличии, шт.", default=0)
    min_order_quantity = models.PositiveIntegerField("минимальный заказ, шт.", default=1)
    delivery_days = models.PositiveSmallIntegerField("срок поставки, дн.", default=0)
    is_returnable = models.BooleanField("можно вернуть", default=True)
    return_days = models.PositiveSmallIntegerField(
        "срок возврата, дн.", default=14, help_text="Сколько дней после получения можно вернуть"
    )
    return_deduction_percent = models.DecimalField(
        "удержание при возврате, %",
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    updated_at = models.DateTimeField("обновлено", default=timezone.now)

    class Meta:
        verbose_name = "предложение"
        verbose_name_plural = "предложения"
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="catalog_offer_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="catalog_offer_price"),
            models.CheckConstraint(
                condition=models.Q(min_order_quantity__gte=1), name="catalog_offer_min_order"
            ),
        ]
        indexes = [models.Index(fields=["warehouse"], name="catalog_offer_warehouse")]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse}: {self.price}"


class CrossLink(models.Model):
    """Two products that replace each other («кросс-связь»).

    Stored once per pair with `product_a_id < product_b_id`, so «A = B» and «B = A» from two
    files are the same row; the search walks both columns.
    """

    # No indexes of their own: the unique (product_a, product_b) pair serves lookups by
    # product_a, `catalog_cross_b_a` those by product_b.
    product_a = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    product_b = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    source = models.CharField("источник", max_length=100, blank=True)

    class Meta:
        verbose_name = "кросс-связь"
        verbose_name_plural = "кросс-связи"
        constraints = [
            models.UniqueConstraint(fields=["product_a", "product_b"], name="catalog_cross_pair"),
            models.CheckConstraint(
                condition=models.Q(product_a__lt=models.F("product_b")),
                name="catalog_cross_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["product_b", "product_a"], name="catalog_cross_b_a")]

    def __str__(self) -> str:
        return f"{self.product_a_id} ↔ {self.product_b_id}"


def _import_upload_to(instance: "ImportJob", filename: str) -> str:
    # The operator's file name is kept in `original_name`; on disk a random name avoids
    # collisions and never trusts the uploaded name.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:8]
    return f"imports/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportJob(LeasedJob):
    """One upload of a price list, cross list, category tree, applicability list or vehicles.

    Issue 3 «Catalog and price lists»: upload → column mapping → preview → background task
    with a progress bar → report of rejected rows; a re-import updates instead of
    duplicating. The task works through `mprating.catalog.imports`. The running task holds a
    lease (`core.leases`); `processed_rows` is the offset of the last committed batch, written
    in that batch's transaction, so a job whose worker died continues right after it.
    """

    class Kind(models.TextChoices):
        PRICE_LIST = "price_list", "Прайс-лист склада"
        CROSSES = "crosses", "Кросс-связи"
        CATEGORIES = "categories", "Дерево категорий"
        APPLICABILITY = "applicability", "Применимость к автомобилям"
        VEHICLES = "vehicles", "Справочник автомобилей"  # issue 5, vehicles/reference.py

    class Status(models.TextChoices):
        DRAFT = "draft", "Настройка"
        QUEUED = "queued", "В очереди"
        RUNNING = "running", "Загружается"
        DONE = "done", "Готово"
        FAILED = "failed", "Ошибка"

    kind = models.CharField("что загружаем", max_length=16, choices=Kind.choices)
    file = models.FileField("файл", upload_to=_import_upload_to, max_length=255)
    original_name = models.CharField("имя файла", max_length=255)
    file_format = models.CharField("формат", max_length=8, blank=True)
    headers = models.JSONField("заголовки столбцов", default=list, blank=True)
    warehouse = models.ForeignKey(
        Warehouse,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name="склад",
    )
    column_map = models.JSONField(
        "соответствие столбцов", default=dict, blank=True, help_text="поле → номер столбца"
    )
    zero_missing = models.BooleanField(
        "обнулить остаток у позиций склада, которых нет в файле", default=False
    )
    status = models.CharField(
        "состояние", max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    total_rows = models.PositiveIntegerField("строк в файле", null=True, blank=True)
    processed_rows = models.PositiveIntegerField("обработано", default=0)
    created_count = models.PositiveIntegerField("добавлено", default=0)
    updated_count = models.PositiveIntegerField("обновлено", default=0)
    unchanged_count = models.PositiveIntegerField("без изменений", default=0)
    rejected_count = models.PositiveIntegerField("отклонено", default=0)
    zeroed_count = models.PositiveIntegerField("обнулено остатков", default=0)
    error_message = models.TextField("ошибка", blank=True)
    created_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="загрузил",
    )
    created_at = models.DateTimeField("создан", default=timezone.now)
    started_at = models.DateTimeField("начат", null=True, blank=True)
    finished_at = models.DateTimeField("закончен", null=True, blank=True)

    class Meta:
        verbose_name = "импорт"
        verbose_name_plural = "импорт файлов"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="price_list") | models.Q(warehouse__isnull=False),
                name="catalog_importjob_price_list_has_warehouse",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.processed_rows * 100 // self.total_rows)


class ImportRejectedRow(models.Model):
    """A row of an import file that was not loaded, with the reason in Russian."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rejected_rows")
    row_number = models.PositiveIntegerField("строка")
    reason = models.CharField("причина", max_length=500)
    values = models.JSONField("значения", default=list)

    class Meta:
        verbose_name = "отклонённая строка"
        verbose_name_plural = "отклонённые строки"
        ordering = ["job", "row_number", "id"]
        indexes = [models.Index(fields=["job", "row_number"], name="catalog_rejected_job_row")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.reason}"
