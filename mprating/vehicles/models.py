"""The vehicle reference: make → model → generation → modification.

Seed 004 «Автомобили»: a car is chosen by «Марка», «Модель», «Поколение», «Модификация». The
client's cars in the garage and the catalog's applicability («Подбор по параметрам») point
at these tables; they are filled from CSV by `reference.py` (the shipped starter set, the command
`load_vehicle_reference`, the back office import «Справочник автомобилей»).
"""

from django.db import models


class Make(models.Model):
    name = models.CharField("марка", max_length=64, unique=True)
    sort_order = models.PositiveSmallIntegerField(
        "порядок", default=100, help_text="Меньше — выше в списке (ВАЗ первым)."
    )

    class Meta:
        verbose_name = "марка"
        verbose_name_plural = "марки"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class VehicleModel(models.Model):
    make = models.ForeignKey(Make, on_delete=models.CASCADE, related_name="models")
    name = models.CharField("модель", max_length=64)

    class Meta:
        verbose_name = "модель"
        verbose_name_plural = "модели"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["make", "name"], name="vehicles_model_unique_per_make")
        ]

    def __str__(self) -> str:
        return f"{self.make} {self.name}"


class Generation(models.Model):
    model = models.ForeignKey(VehicleModel, on_delete=models.CASCADE, related_name="generations")
    name = models.CharField("поколение", max_length=64)
    year_from = models.PositiveSmallIntegerField("выпуск с")
    year_to = models.PositiveSmallIntegerField("выпуск по", null=True, blank=True)

    class Meta:
        verbose_name = "поколение"
        verbose_name_plural = "поколения"
        ordering = ["year_from", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "name"], name="vehicles_generation_unique_per_model"
            ),
            models.CheckConstraint(
                condition=models.Q(year_to__isnull=True)
                | models.Q(year_to__gte=models.F("year_from")),
                name="vehicles_generation_years_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.name}"

    @property
    def years(self) -> str:
        return f"{self.year_from}–{self.year_to or 'н. в.'}"


class Modification(models.Model):
    class Fuel(models.TextChoices):
        PETROL = "petrol", "бензин"
        DIESEL = "diesel", "дизель"
        HYBRID = "hybrid", "гибрид"
        ELECTRIC = "electric", "электро"
        GAS = "gas", "газ/бензин"

    class Drive(models.TextChoices):
        FRONT = "fwd", "передний"
        REAR = "rwd", "задний"
        ALL = "awd", "полный"

    class Gearbox(models.TextChoices):
        MANUAL = "mt", "МКПП"
        AUTOMATIC = "at", "АКПП"
        ROBOT = "amt", "робот"
        CVT = "cvt", "вариатор"

    generation = models.ForeignKey(
        Generation, on_delete=models.CASCADE, related_name="modifications"
    )
    name = models.CharField("модификация", max_length=100, help_text="Например, «1.6 MT 106 л.с.»")
    engine = models.CharField("двигатель", max_length=32, blank=True, help_text="Код: ВАЗ-21129")
    volume_l = models.DecimalField(
        "объём, л", max_digits=3, decimal_places=1, null=True, blank=True
    )
    power_hp = models.PositiveSmallIntegerField("мощность, л.с.", null=True, blank=True)
    fuel = models.CharField("топливо", max_length=10, choices=Fuel.choices, blank=True)
    body = models.CharField("кузов", max_length=32, blank=True)
    drive = models.CharField("привод", max_length=3, choices=Drive.choices, blank=True)
    gearbox = models.CharField("КПП", max_length=3, choices=Gearbox.choices, blank=True)

    class Meta:
        verbose_name = "модификация"
        verbose_name_plural = "модификации"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "name"], name="vehicles_modification_unique_per_generation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.generation} {self.name}"
