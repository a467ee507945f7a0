"""The seeded demo's objects the crawl fills URL parameters from (`crawl.py`)."""

import io
from datetime import date
from functools import cached_property

from django.core.files.uploadedfile import SimpleUploadedFile

from mprating.accounts.models import User

CLIENT = "client@demo.mprating.ru"
OPERATOR = "operator@demo.mprating.ru"
MANAGER = "manager@demo.mprating.ru"
PVZ_OWNER = "pvz@demo.mprating.ru"
SUPERUSER = "admin@demo.mprating.ru"
ROLES = [CLIENT, OPERATOR, MANAGER, PVZ_OWNER, SUPERUSER]


class Demo:
    """The seeded demo's objects the URL parameters come from (the demo client's own data,
    the demo ПВЗ owner's points), plus the few objects the demo has none of (a cart import,
    a catalog import, an акт сверки), made here through their services."""

    @cached_property
    def client_user(self) -> User:
        return User.objects.select_related("client").get(email=CLIENT)

    @cached_property
    def client(self):
        return self.client_user.client

    @cached_property
    def other_client_user(self) -> User:
        """Another client of the seed, active and with orders of his own: the one who must
        not reach the demo client's objects (the access matrix)."""
        return (
            User.objects.filter(client__isnull=False, is_active=True, client__orders__isnull=False)
            .exclude(email=CLIENT)
            .select_related("client")
            .order_by("pk")
            .first()
        )

    @cached_property
    def other_pvz_user(self) -> User:
        """A second ПВЗ owner (the seed has one), registered through the service with a point
        of his own: the one who must not reach the demo owner's points and lines."""
        from mprating.pickup_points import owners
        from mprating.pickup_points.models import PickupPoint

        point = PickupPoint.objects.exclude(owner__email=PVZ_OWNER).order_by("pk").first()
        user, _invitation = owners.owner_register(
            data=owners.OwnerData(
                last_name="Орлов",
                first_name="Павел",
                middle_name="Ильич",
                email="pvz2@demo.mprating.ru",
                phone="+79161000099",
                company_name="ООО «Второй пункт»",
                inn="7707083893",
            ),
            by=self.superuser,
            point_id=point.pk if point else None,
        )
        return user

    @cached_property
    def superuser(self) -> User:
        return User.objects.get(email=SUPERUSER)

    @cached_property
    def line(self):
        """A shipped line of the demo client's (history, returns, reorder)."""
        from mprating.orders.models import OrderLine

        lines = OrderLine.objects.filter(order__client=self.client).order_by("pk")
        return lines.filter(status__role="shipped").first() or lines.first()

    @cached_property
    def api_token(self):
        from mprating.accounts.models import ApiToken

        return ApiToken.objects.filter(client=self.client).order_by("pk").first()

    @cached_property
    def vehicle(self):
        return self.client.vehicles.order_by("pk").first()

    @cached_property
    def vin_request(self):
        from mprating.garage.models import VinRequest

        return VinRequest.objects.filter(client=self.client).order_by("pk").first()

    @cached_property
    def vin_answer(self):
        from mprating.garage.models import VinAnswer

        return VinAnswer.objects.filter(request__client=self.client).order_by("pk").first()

    @cached_property
    def return_request(self):
        from mprating.returns.models import ReturnRequest

        return ReturnRequest.objects.filter(client=self.client).order_by("pk").first()

    @cached_property
    def return_photo(self):
        from mprating.returns.models import ReturnPhoto

        return ReturnPhoto.objects.filter(request=self.return_request).order_by("pk").first()

    @cached_property
    def purchase(self):
        from mprating.billing.models import PackagePurchase

        return PackagePurchase.objects.filter(client=self.client).order_by("-pk").first()

    @cached_property
    def point(self):
        from mprating.pickup_points.models import PickupPoint

        return PickupPoint.objects.filter(owner__email=PVZ_OWNER).order_by("pk").first()

    @cached_property
    def waiting_line(self):
        from mprating.orders.models import OrderLine

        return (
            OrderLine.objects.filter(order__pickup_point=self.point, status__name="В ПВЗ")
            .order_by("pk")
            .first()
        )

    @cached_property
    def cart_import(self):
        from mprating.cart import imports

        data = "Бренд;Артикул;Количество\n;0986-452-041;1\n;OC 205;2\n;НЕТ-ТАКОГО;1\n"
        return imports.cart_import_file(
            client=self.client, file=io.BytesIO(data.encode()), filename="zakaz.csv"
        )

    @cached_property
    def cart_line(self):
        from mprating.cart import services
        from mprating.catalog.models import Offer

        offer = Offer.objects.filter(quantity__gt=0).order_by("pk").first()
        return services.cart_add(client=self.client, offer_id=offer.pk, quantity=1)

    @cached_property
    def import_job(self):
        """A price list waiting at «Предпросмотр» (mapping guessed from the headers)."""
        from mprating.catalog.imports import services
        from mprating.catalog.models import Warehouse

        content = "Бренд;Артикул;Наименование;Цена;Количество\nBOSCH;0986452041;Фильтр;1200,72;5\n"
        return services.import_job_create(
            kind="price_list",
            upload=SimpleUploadedFile("prices.csv", content.encode()),
            warehouse=Warehouse.objects.order_by("pk").first(),
            zero_missing=False,
            actor=self.superuser,
        )

    @cached_property
    def statement(self):
        """An акт сверки with its files, made as the worker makes them (the task is queued on
        commit, which the tests' transaction never reaches)."""
        from mprating.finance import services, statements

        statement = services.statement_request(
            client_id=self.client.pk, start=date(2026, 1, 1), end=date(2026, 6, 30)
        )
        statements.statement_generate(statement.pk)
        statement.refresh_from_db()
        return statement

    @cached_property
    def task_result(self):
        """A finished background task as the worker leaves it (the tests run tasks at once,
        without the database backend, so the demo has none)."""
        from django.utils import timezone
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult, get_date_max

        now = timezone.now()
        return DBTaskResult.objects.create(
            task_path="mprating.orders.tasks.auto_archive_orders",
            args_kwargs={"args": [], "kwargs": {}},
            status=TaskResultStatus.SUCCESSFUL,
            backend_name="default",
            run_after=get_date_max(),
            started_at=now,
            finished_at=now,
            return_value=0,
        )

    def complete(self) -> None:
        """Make the objects the demo has none of, before the admin registry is read."""
        made = [self.cart_import, self.cart_line, self.import_job, self.statement, self.task_result]
        assert all(obj.pk for obj in made)

    def first(self, model):
        return model._default_manager.order_by("pk").first()
