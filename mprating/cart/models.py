"""The client's cart (seed 004 «Работа с корзиной», «Загрузить в корзину»)."""

from django.db import models
from django.utils import timezone

from mprating.accounts.models import Client
from mprating.catalog.models import Offer


class CartLine(models.Model):
    # No index of its own: `cart_line_unique_offer` (client, offer) starts with the client and
    # serves every «lines of this client» read; one index less to write per line (issue 13).
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="cart_lines", db_index=False
    )
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField("количество")
    comment = models.CharField("комментарий", max_length=255, blank=True)
    added_at = models.DateTimeField("добавлено", default=timezone.now)

    class Meta:
        verbose_name = "строка корзины"
        verbose_name_plural = "корзина"
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "offer"], name="cart_line_unique_offer"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_line_qty"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} × {self.quantity}"


class CartImport(models.Model):
    """One «Загрузить в корзину» upload and its outcome, kept for the result page.

    Only files that could be read are stored; a refused file (wrong format, too big, …) adds
    nothing and leaves no row.
    """

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="cart_imports")
    filename = models.CharField("файл", max_length=255)
    file_format = models.CharField("формат", max_length=8)
    created_at = models.DateTimeField("загружен", default=timezone.now)
    rows_total = models.PositiveIntegerField("строк", default=0)

    class Meta:
        verbose_name = "загрузка в корзину"
        verbose_name_plural = "загрузки в корзину"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.created_at:%d.%m.%Y})"


class CartImportRow(models.Model):
    """A data row of an uploaded file: added to the cart, or why not."""

    class Outcome(models.TextChoices):
        ADDED = "added", "добавлено"
        NOT_FOUND = "not_found", "не найден"
        AMBIGUOUS = "ambiguous", "несколько брендов — выберите"
        NOT_ENOUGH = "not_enough", "недостаточно на складе"
        BAD_QUANTITY = "bad_quantity", "некорректное количество"
        BELOW_MIN = "below_min", "ниже минимального заказа"

    # No index of its own: `cart_import_row_outcome` (cart_import, outcome) starts with it and
    # serves the rows of an import and their cascade delete; one index less to write for each
    # of the up to 10,000 rows of a file (issue 13).
    cart_import = models.ForeignKey(
        CartImport, on_delete=models.CASCADE, related_name="rows", db_index=False
    )
    row_number = models.PositiveIntegerField("строка файла")
    brand = models.CharField("бренд", max_length=100, blank=True)
    article = models.CharField("артикул", max_length=64, blank=True)
    article_normalized = models.CharField(max_length=64, blank=True)
    quantity_text = models.CharField("количество", max_length=32, blank=True)
    quantity = models.PositiveIntegerField(null=True, blank=True)
    comment = models.CharField("комментарий", max_length=255, blank=True)
    outcome = models.CharField("итог", max_length=16, choices=Outcome.choices)
    reason = models.CharField("причина", max_length=255, blank=True)
    # The offer the row was judged against: a note of the report, not a link the database
    # must guard. Without a constraint, committing a 10,000-row file skips as many foreign-key
    # checks (each a lookup and a row lock on the offer, ~70 ms in all; issue 13). Deleting an
    # offer through Django still empties it (SET_NULL is Django's, in either case), readers take
    # it with a LEFT JOIN, and «add what is in stock» re-reads it and says when it is gone.
    offer = models.ForeignKey(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    available = models.PositiveIntegerField("можно добавить, шт.", null=True, blank=True)
    resolved = models.BooleanField("решено клиентом", default=False)

    class Meta:
        verbose_name = "строка загрузки"
        verbose_name_plural = "строки загрузки"
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["cart_import", "outcome"], name="cart_import_row_outcome")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.brand} {self.article} — {self.get_outcome_display()}"
