"""Demo garage (wired into `seed_demo`): two cars of the demo client, VIN requests, a chat.

- «Lada Vesta I» with the VIN XTAGFL115JY123456: vininfo reads AvtoVAZ, Vesta, model year 2018,
  engine 21129, manual gearbox — the lookup finds it and opens «Подбор по параметрам» with the
  modification «1.6 MT 106 л.с.» fixed.
- «УАЗ Patriot I рестайлинг» with the VIN XTT316306J1234567: vininfo does not know the maker
  (WMI «XTT»), so the lookup shows «VIN не найден» with the car's own make and model pre-filled
  and the special original catalog set for УАЗ in the settings (seed 004: «обратиться к
  специальному каталогу … оригинальном каталоге ВАЗ» — one is set for ВАЗ too).
- Four VIN requests: «Выполнен» with every row answered (catalog products where the catalog demo
  has them, so «В корзину» works), «Обрабатывается» with one answered row and an unread manager
  message, «Ожидает обработки», and «Запрос не отправлен» after a real failed send (no address
  was set yet). The last one moves to «Ожидает обработки» when the task worker retries it.

Everything goes through the services. Idempotent: cars are found by VIN, requests are made only
when the demo client has none, settings and links are upserted.
"""

from django.db import transaction

from mprating.accounts.models import Client, User
from mprating.catalog.models import Applicability, Product
from mprating.garage import services
from mprating.garage.models import OriginalCatalogLink, Vehicle, VinRequest, VinSettings
from mprating.vehicles.models import Generation, Modification

DEMO_CLIENT = "client@demo.mprating.ru"
DEMO_MANAGER = "manager@demo.mprating.ru"
MANAGER_EMAILS = "vin@demo.mprating.ru"

LADA = ("Lada", "Vesta", "I", "1.6 MT 106 л.с.", "XTAGFL115JY123456", 2018, 106, "Основная машина")
UAZ = (
    "УАЗ",
    "Patriot",
    "I рестайлинг",
    "2.7 MT 135 л.с. 4WD",
    "XTT316306J1234567",
    2018,
    135,
    "Дача, рыбалка",
)
CATALOG_LINKS = [
    ("ВАЗ", "Оригинальные запчасти LADA — сайт производителя", "https://www.lada.ru/"),
    ("УАЗ", "Оригинальные запчасти УАЗ — сайт производителя", "https://www.uaz.ru/"),
]
Status = VinRequest.Status


def seed(*, stdout) -> None:
    client = Client.objects.select_related("user").filter(user__email=DEMO_CLIENT).first()
    manager = User.objects.filter(email=DEMO_MANAGER).first()
    if client is None or manager is None:
        stdout.write("Гараж: нет демо-клиента или менеджера — пропускаю.")
        return
    with transaction.atomic():
        _catalog_links()
        lada = _vehicle(client, *LADA)
        uaz = _vehicle(client, *UAZ)
        if lada is None or uaz is None:
            stdout.write("Гараж: в справочнике нет Lada Vesta I или УАЗ Patriot — пропускаю.")
            return
        created = 0
        if not VinRequest.objects.filter(client=client).exists():
            created = _requests(client, manager, lada, uaz)
        if not _manager_emails_set():
            services.vin_settings_update(manager_emails=MANAGER_EMAILS, by=manager)
    stdout.write(
        f"Гараж: 2 автомобиля у {DEMO_CLIENT}, VIN-запросов создано: {created}; "
        f"письма о VIN-запросах — на {MANAGER_EMAILS}."
    )


def _manager_emails_set() -> bool:
    row = VinSettings.objects.filter(pk=1).first()
    return bool(row and row.manager_emails.strip())


def _catalog_links() -> None:
    for make_name, title, url in CATALOG_LINKS:
        existing = OriginalCatalogLink.objects.filter(make_name=make_name).first()
        if existing is None:
            services.original_catalog_link_save(
                link_id=None, make_name=make_name, title=title, url=url
            )


def _vehicle(client, make, model, generation, modification, vin, year, power, comment):
    existing = Vehicle.objects.filter(client=client, vin_or_frame=vin).first()
    if existing is not None:
        return existing
    generation_row = Generation.objects.filter(
        model__make__name=make, model__name=model, name=generation
    ).first()
    if generation_row is None:
        return None
    modification_row = Modification.objects.filter(
        generation=generation_row, name=modification
    ).first()
    data = services.VehicleData(
        make_id=generation_row.model.make_id,
        model_id=generation_row.model_id,
        generation_id=generation_row.pk,
        modification_id=modification_row.pk if modification_row else None,
        year=year,
        power_hp=power,
        vin_or_frame=vin,
        comment=comment,
    )
    vehicle, _ = services.vehicle_create(client=client, data=data)
    return vehicle


def _catalog_product(vehicle: Vehicle, category_code: str) -> Product | None:
    """A product of the catalog demo that fits the car, if the catalog demo is loaded."""
    applicability = (
        Applicability.objects.filter(
            modification__generation=vehicle.generation, product__category__code=category_code
        )
        .select_related("product")
        .order_by("product__brand__name", "product__article")
        .first()
    )
    return applicability.product if applicability else None


def _answer(line, manager, vehicle, category_code, brand, article) -> None:
    """The catalog demo's product for the car when there is one (then «В корзину» works)."""
    product = _catalog_product(vehicle, category_code)
    if product is not None:
        services.vin_answer_add(line_id=line.pk, by=manager, product_id=product.pk)
    else:
        services.vin_answer_add(line_id=line.pk, by=manager, brand_name=brand, article=article)


def _say(request, user, text, *, from_client: bool, read: bool = True) -> None:
    services.chat_message_post(request=request, author=user, from_client=from_client, text=text)
    if read:
        services.chat_mark_read(request_id=request.pk, reader_is_client=not from_client)


def _requests(client, manager, lada, uaz) -> int:
    line = services.LineData
    # «Запрос не отправлен»: made before any address was set — a real failure (the other
    # requests are made after the managers' addresses are set, so their letters go out).
    services.vin_request_create(
        client=client,
        vehicle_id=uaz.pk,
        lines=[line("фильтр топливный", 1), line("сальник хвостовика моста", 2)],
    )
    if not _manager_emails_set():
        services.vin_settings_update(manager_emails=MANAGER_EMAILS, by=manager)

    # 1. «Выполнен»: every row answered, a short chat.
    done = services.vin_request_create(
        client=client,
        vehicle_id=lada.pk,
        lines=[
            line("масло моторное", 1, "5W-30, канистра 4 л"),
            line("фильтр масляный", 1),
            line("колодки тормозные передние", 1, "комплект"),
        ],
        comment="ТО-60 000, хочу сделать сам.",
    )
    oil, oil_filter, pads = done.lines.all()
    services.vin_answer_add(line_id=oil.pk, by=manager, brand_name="LUKOIL", article="207464")
    services.vin_answer_add(line_id=oil.pk, by=manager, brand_name="MOBIL", article="153693")
    _answer(oil_filter, manager, lada, "oil-filters", "LADA", "21080-1012005-08")
    _answer(pads, manager, lada, "brake-pads", "LADA", "21080-3501080-82")
    _say(done, client.user, "Масло нужно допуск ВАЗ, подойдёт?", from_client=True)
    _say(done, manager, "Да, у обоих допуск АвтоВАЗ. Всё подобрали.", from_client=False)
    for status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE):
        services.vin_request_status_set(request_id=done.pk, status=status, by=manager)

    # 2. «Обрабатывается»: one row answered, the manager asked something the client hasn't read.
    working = services.vin_request_create(
        client=client,
        vehicle_id=lada.pk,
        lines=[
            line("свечи зажигания", 4),
            line("амортизатор передний", 2, "левый и правый"),
            line("ремень генератора", 1),
        ],
    )
    plugs = working.lines.first()
    _answer(plugs, manager, lada, "spark-plugs", "NGK", "BKR6E")
    _say(working, client.user, "Амортизаторы нужны газовые.", from_client=True)
    _say(
        working,
        manager,
        "Кондиционер на машине есть? От этого зависит длина ремня.",
        from_client=False,
        read=False,
    )
    for status in (Status.ACCEPTED, Status.IN_PROGRESS):
        services.vin_request_status_set(request_id=working.pk, status=status, by=manager)

    # 3. «Ожидает обработки».
    services.vin_request_create(
        client=client,
        vehicle_id=uaz.pk,
        lines=[line("колодки тормозные задние", 1), line("масло трансмиссионное", 2, "75W-90")],
        comment="Можно аналоги подешевле.",
    )
    return 4
