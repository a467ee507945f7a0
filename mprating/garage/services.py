"""Every write of the garage: the client's cars, VIN requests, answers, statuses and the chat.

Seed 004 «Автомобили», «VIN-запрос», «Открыть чат». The cabinet, the API, the back office and
the background task all call these functions, so a rule reads the same everywhere.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone

from mprating.accounts.models import Client, User
from mprating.catalog.models import Brand, Product
from mprating.catalog.normalize import normalize_article
from mprating.catalog.selectors import best_offers_for_products
from mprating.core import outbox
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.history import history_record
from mprating.core.models import OutgoingEmail
from mprating.garage.models import (
    ChatMessage,
    ClientChatUnread,
    OriginalCatalogLink,
    Vehicle,
    VinAnswer,
    VinRequest,
    VinRequestLine,
    VinRequestStatusChange,
    VinSettings,
)
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.vin import VinCheck, check_vin_or_frame, name_key

MAX_POWER_HP = 2000
MAX_LINES = 50
MAX_LINE_QUANTITY = 999
Status = VinRequest.Status
# Seed 004: «Остальные выставляются дежурным по VIN-запросам менеджером вручную в ПУПе».
MANUAL_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE)
#: The way a request goes. The system moves it between «Запрос не отправлен» and «Ожидает
#: обработки» as its letter fails or goes out; the manager moves it only forward from there
#: (a step may be skipped: «Ожидает обработки» → «Выполнен»), never back.
STATUS_ORDER = (Status.NOT_SENT, Status.PENDING, Status.ACCEPTED, Status.IN_PROGRESS, Status.DONE)

LETTER_KIND = "vin_request"
LETTER_TEMPLATE = "garage/emails/vin_request"
NO_MANAGER_EMAILS = "В настройках VIN-запросов не указан e-mail менеджеров."
LETTER_SENT = "Письмо менеджерам отправлено."


# ---- the garage ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VehicleData:
    """What the add/edit form of a car gives (ids of the reference; the name is generated)."""

    make_id: int | None
    model_id: int | None
    generation_id: int | None
    modification_id: int | None = None
    year: int | None = None
    power_hp: int | None = None
    vin_or_frame: str = ""
    comment: str = ""


def vehicle_display_name(*, make: Make, model: VehicleModel, generation: Generation) -> str:
    """Seed 004: «генерируется автоматически на основе конкатенации … “Марка Модель Поколение”»."""
    return " ".join(part for part in (make.name, model.name, generation.name) if part)[:200]


@dataclass(frozen=True)
class _Chain:
    make: Make
    model: VehicleModel
    generation: Generation
    modification: Modification | None


def _reference_chain(data: VehicleData) -> _Chain:
    """The chosen make → model → generation → modification, each belonging to the previous."""
    make = Make.objects.filter(pk=data.make_id).first() if data.make_id else None
    if make is None:
        raise ApplicationError("make_required", "Выберите марку.", field="make")
    model = (
        VehicleModel.objects.filter(pk=data.model_id, make=make).first() if data.model_id else None
    )
    if model is None:
        raise ApplicationError("model_required", "Выберите модель этой марки.", field="model")
    generation = (
        Generation.objects.filter(pk=data.generation_id, model=model).first()
        if data.generation_id
        else None
    )
    if generation is None:
        raise ApplicationError(
            "generation_required", "Выберите поколение этой модели.", field="generation"
        )
    modification = None
    if data.modification_id:
        modification = Modification.objects.filter(
            pk=data.modification_id, generation=generation
        ).first()
        if modification is None:
            raise ApplicationError(
                "modification_mismatch",
                "Эта модификация не относится к выбранному поколению.",
                field="modification",
            )
    return _Chain(make, model, generation, modification)


def _check_vehicle_numbers(data: VehicleData, generation: Generation) -> VinCheck | None:
    if data.year is not None:
        last = generation.year_to or timezone.localdate().year
        if not generation.year_from <= data.year <= last:
            raise ApplicationError(
                "year_out_of_generation",
                f"Поколение «{generation.name}» выпускалось в {generation.years} годах.",
                field="year",
            )
    if data.power_hp is not None and not 1 <= data.power_hp <= MAX_POWER_HP:
        raise ApplicationError(
            "bad_power",
            f"Мощность — целое число лошадиных сил от 1 до {MAX_POWER_HP}.",
            field="power_hp",
        )
    return check_vin_or_frame(data.vin_or_frame)


def _apply(vehicle: Vehicle, data: VehicleData) -> str:
    chain = _reference_chain(data)
    checked = _check_vehicle_numbers(data, chain.generation)
    vehicle.make, vehicle.model = chain.make, chain.model
    vehicle.generation, vehicle.modification = chain.generation, chain.modification
    vehicle.name = vehicle_display_name(
        make=chain.make, model=chain.model, generation=chain.generation
    )
    vehicle.vin_or_frame = checked.value if checked else ""
    vehicle.year = data.year
    vehicle.power_hp = data.power_hp
    vehicle.comment = (data.comment or "").strip()[:255]
    return checked.warning if checked else ""


@transaction.atomic
def vehicle_create(*, client: Client, data: VehicleData) -> tuple[Vehicle, str]:
    """Add a car to the client's garage; returns it and a warning (bad VIN check digit) or ""."""
    vehicle = Vehicle(client=client)
    warning = _apply(vehicle, data)
    vehicle.save()
    return vehicle, warning


def _own_vehicle(*, client: Client, vehicle_id: object, lock: bool = False) -> Vehicle:
    queryset = Vehicle.objects.filter(client=client)
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=int(vehicle_id))
    except (TypeError, ValueError, Vehicle.DoesNotExist):
        raise NotFound("Автомобиль не найден.") from None


@transaction.atomic
def vehicle_update(*, client: Client, vehicle_id: int, data: VehicleData) -> tuple[Vehicle, str]:
    vehicle = _own_vehicle(client=client, vehicle_id=vehicle_id, lock=True)
    warning = _apply(vehicle, data)
    vehicle.save()
    return vehicle, warning


@transaction.atomic
def vehicle_delete(*, client: Client, vehicle_id: int) -> None:
    """Seed 004: «Удаление происходит безвозвратно». VIN requests keep the car's name."""
    _own_vehicle(client=client, vehicle_id=vehicle_id, lock=True).delete()


# ---- settings ------------------------------------------------------------------------------

_EMAIL_SPLIT = re.compile(r"[\s,;]+")


def parse_manager_emails(text: str) -> list[str]:
    """Addresses from «через запятую или с новой строки»; ApplicationError on a bad one."""
    emails = []
    for item in _EMAIL_SPLIT.split(text or ""):
        if not item:
            continue
        try:
            validate_email(item)
        except ValidationError:
            raise ApplicationError(
                "bad_email", f"«{item}» — не адрес электронной почты.", field="manager_emails"
            ) from None
        if item.lower() not in {e.lower() for e in emails}:
            emails.append(item)
    return emails


@transaction.atomic
def vin_settings_update(*, manager_emails: str, by: User) -> VinSettings:
    emails = parse_manager_emails(manager_emails)
    settings_row, _ = VinSettings.objects.select_for_update().get_or_create(pk=1)
    settings_row.manager_emails = "\n".join(emails)
    settings_row.updated_by = by
    settings_row.save(update_fields=["manager_emails", "updated_by", "updated_at"])
    return settings_row


@transaction.atomic
def original_catalog_link_save(
    *, link_id: int | None, make_name: str, title: str, url: str
) -> OriginalCatalogLink:
    make_name = (make_name or "").strip()
    key = name_key(make_name)
    if not key:
        raise ApplicationError("make_name_required", "Укажите марку.", field="make_name")
    clash = OriginalCatalogLink.objects.filter(make_key=key).exclude(pk=link_id or 0).first()
    if clash is not None:
        raise ApplicationError(
            "catalog_link_exists",
            f"Для марки «{clash.make_name}» каталог уже задан.",
            field="make_name",
        )
    link = (
        OriginalCatalogLink.objects.select_for_update().filter(pk=link_id).first()
        if link_id
        else OriginalCatalogLink()
    )
    if link is None:
        raise NotFound("Каталог марки не найден.")
    link.make_name, link.make_key = make_name, key
    link.title, link.url = (title or "").strip(), (url or "").strip()
    link.save()
    return link


# ---- VIN requests --------------------------------------------------------------------------


@dataclass(frozen=True)
class LineData:
    part_name: str
    quantity: int
    note: str = ""


def _clean_lines(lines: list[LineData]) -> list[LineData]:
    cleaned = []
    for index, line in enumerate(lines, start=1):
        name = (line.part_name or "").strip()
        if not name:
            raise ApplicationError(
                "part_name_required", f"Строка {index}: укажите наименование детали.", field="lines"
            )
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_LINE_QUANTITY:
            raise ApplicationError(
                "bad_quantity",
                f"Строка {index}: количество — целое число от 1 до {MAX_LINE_QUANTITY}.",
                field="lines",
            )
        cleaned.append(LineData(name[:200], line.quantity, (line.note or "").strip()[:255]))
    if not cleaned:
        raise ApplicationError("lines_required", "Добавьте хотя бы одну деталь.", field="lines")
    if len(cleaned) > MAX_LINES:
        raise ApplicationError(
            "too_many_lines", f"Не больше {MAX_LINES} деталей в одном запросе.", field="lines"
        )
    return cleaned


def _status_change(
    request: VinRequest, status: str, *, by: User | None, comment: str = ""
) -> VinRequestStatusChange:
    """The one place a request's status changes: the history row, then the request's fields
    (the caller locked the request and saves `status`, `status_changed_at`)."""
    change = history_record(
        VinRequestStatusChange,
        by=by,
        comment=comment[:500],
        request=request,
        status_from=request.status,
        status_to=status,
    )
    request.status = status
    request.status_changed_at = change.changed_at
    return change


def manual_statuses_after(status: str) -> tuple[str, ...]:
    """The statuses a manager may set on a request that has `status`: the later ones."""
    position = STATUS_ORDER.index(status)
    return tuple(s for s in MANUAL_STATUSES if STATUS_ORDER.index(s) > position)


def statuses_allowing(status: str) -> tuple[str, ...]:
    """The statuses from which a manager may set `status` (the same rule, read backwards)."""
    return tuple(s for s in STATUS_ORDER if status in manual_statuses_after(s))


@transaction.atomic
def vin_request_create(
    *,
    client: Client,
    lines: list[LineData],
    comment: str = "",
    vehicle_id: int | None = None,
    vin: str = "",
    vehicle_name: str = "",
) -> VinRequest:
    """«Создать VIN-запрос» (seed 004): the request with its rows, «Ожидает обработки».

    «Результатом этого будет отправка уведомления менеджеру интернет-магазина на электронную
    почту» — the letter is written into the core outbox in this transaction and sent after
    commit; while it cannot be sent the request is «Запрос не отправлен». Made from a garage car
    (`vehicle_id`, the car's VIN and name are copied) or from the VIN lookup window (`vin`,
    `vehicle_name`).
    """
    cleaned = _clean_lines(lines)
    vehicle = None
    if vehicle_id:
        vehicle = _own_vehicle(client=client, vehicle_id=vehicle_id)
        vin = vehicle.vin_or_frame
        vehicle_name = vehicle.name
    else:
        checked = check_vin_or_frame(vin)
        vin = checked.value if checked else ""
        vehicle_name = (vehicle_name or "").strip()[:200]
    if not vin and vehicle is None:
        raise ApplicationError(
            "vehicle_required", "Укажите автомобиль из гаража или VIN.", field="vin"
        )
    request = VinRequest(
        client=client,
        vehicle=vehicle,
        vehicle_name=vehicle_name or f"VIN {vin}",
        vin=vin,
        comment=(comment or "").strip()[:2000],
        status=Status.PENDING,
    )
    request.save()
    VinRequestLine.objects.bulk_create(
        VinRequestLine(
            request=request,
            position=position,
            part_name=line.part_name,
            quantity=line.quantity,
            note=line.note,
        )
        for position, line in enumerate(cleaned, start=1)
    )
    history_record(
        VinRequestStatusChange,
        by=client.user,
        request=request,
        status_from="",
        status_to=Status.PENDING,
    )
    _letter_enqueue(request, to=manager_emails())
    return request


def _own_request(*, client: Client, request_id: object, lock: bool = False) -> VinRequest:
    queryset = VinRequest.objects.filter(client=client)
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=int(request_id))
    except (TypeError, ValueError, VinRequest.DoesNotExist):
        raise NotFound("VIN-запрос не найден.") from None


def manager_emails() -> list[str]:
    row = VinSettings.objects.filter(pk=1).first()
    return parse_manager_emails(row.manager_emails) if row else []


# ---- the managers' letter: one per request, in the core outbox ------------------------------


def _letter_enqueue(request: VinRequest, *, to: list[str]) -> OutgoingEmail | None:
    """Write the managers' letter in the current transaction (sent after commit). With no
    address in «Настройки» there is nothing to send: «Запрос не отправлен» at once."""
    if not to:
        if request.status == Status.PENDING:
            _status_change(request, Status.NOT_SENT, by=None, comment=NO_MANAGER_EMAILS)
            request.save(update_fields=["status", "status_changed_at"])
        return None
    path = reverse("admin:garage_vinrequest_change", args=[request.pk])
    context = {
        "request": request,
        "client": request.client,
        "lines": list(request.lines.all()),
        "admin_url": f"{settings.SITE_URL}{path}",
    }
    return outbox.email_enqueue_rendered(
        kind=LETTER_KIND,
        to=to,
        template_base=LETTER_TEMPLATE,
        context=context,
        ref=outbox.ref_for(request),
    )


def vin_request_letter_state(email: OutgoingEmail, state: str) -> None:
    """The outbox listener (registered in `GarageConfig.ready`): the request follows its letter.

    Seed 004: «Первый статус формируется системой автоматически если произошёл какой-то сбой
    при формировании запроса» — a failed or given up letter makes a waiting request «Запрос не
    отправлен»; a letter that went out (a retry, or the client's «Отправить повторно») brings
    it back to «Ожидает обработки». A request the manager has already moved on stays as it is.
    """
    request_id = outbox.ref_id(email.ref, VinRequest._meta.label_lower)
    if request_id is not None:
        _follow_letter(request_id=request_id, sent=state == outbox.SENT, error=email.last_error)


@transaction.atomic
def _follow_letter(*, request_id: int, sent: bool, error: str) -> None:
    request = VinRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        return
    if sent and request.status == Status.NOT_SENT:
        _status_change(request, Status.PENDING, by=None, comment=LETTER_SENT)
    elif not sent and request.status == Status.PENDING:
        _status_change(request, Status.NOT_SENT, by=None, comment=error or "Письмо не отправлено.")
    else:
        return
    request.save(update_fields=["status", "status_changed_at"])


@transaction.atomic
def vin_request_resend(*, client: Client, request_id: int) -> VinRequest:
    """«Отправить повторно»: only a request that is «Запрос не отправлен». Its letter is
    queued again (to the addresses in «Настройки» now); a request without a letter gets one."""
    request = _own_request(client=client, request_id=request_id, lock=True)
    if request.status != Status.NOT_SENT:
        raise ApplicationError("already_sent", "Запрос уже отправлен менеджерам.")
    to = manager_emails()
    if not to:
        raise ApplicationError(
            "no_manager_emails",
            "Магазин ещё не указал адрес для VIN-запросов — попробуйте отправить позже.",
        )
    letter = outbox.email_for_ref(outbox.ref_for(request), kind=LETTER_KIND)
    if letter is None:
        _letter_enqueue(request, to=to)
    elif letter.sent_at is not None:  # it went out, the request missed the news
        _status_change(request, Status.PENDING, by=None, comment=LETTER_SENT)
        request.save(update_fields=["status", "status_changed_at"])
    else:
        outbox.email_requeue(email_ids=[letter.pk], to=to)
    return request


def _manual_status_set(request: VinRequest, status: str, *, by: User) -> None:
    if status not in MANUAL_STATUSES:
        raise ApplicationError("bad_status", "Этот статус выставляет только система.")
    if request.status == status:
        raise ApplicationError(
            "same_status", f"У запроса № {request.pk} уже статус «{request.get_status_display()}»."
        )
    if status not in manual_statuses_after(request.status):
        raise ApplicationError(
            "status_backwards",
            f"Запрос № {request.pk} уже «{request.get_status_display()}»: статус "
            f"«{Status(status).label}» назад не ставится.",
        )
    _status_change(request, status, by=by)
    request.save(update_fields=["status", "status_changed_at"])


@transaction.atomic
def vin_request_status_set(*, request_id: int, status: str, by: User) -> VinRequest:
    """The manager sets «Принят», «Обрабатывается» or «Выполнен» by hand (seed 004), only
    forward (`manual_statuses_after`).

    «Вся ответственность за корректность статусов лежит на нём. На данный момент система не
    контролирует, действительно ли он обработал запрос и дал ответы по всем позициям, если он
    поставил статус “Выполнен”» — so «Выполнен» is not blocked; the back office warns.
    """
    return vin_requests_status_set(request_ids=[request_id], status=status, by=by)[0]


@transaction.atomic
def vin_requests_status_set(*, request_ids: list[int], status: str, by: User) -> list[VinRequest]:
    """`vin_request_status_set` for several requests at once: all or none (locked in pk order)."""
    ids = sorted({int(pk) for pk in request_ids})
    requests = list(VinRequest.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if not ids or len(requests) != len(ids):
        raise NotFound("VIN-запрос не найден.")
    for request in requests:
        _manual_status_set(request, status, by=by)
    return requests


def _product_for_pair(brand_name: str, article: str) -> Product | None:
    from mprating.catalog.services import brand_resolve

    brand = brand_resolve(brand_name)
    if not isinstance(brand, Brand):
        return None
    return Product.objects.filter(
        brand=brand, article_normalized=normalize_article(article)
    ).first()


@dataclass(frozen=True)
class AnswerPair:
    brand_name: str
    article: str
    product: Product | None


def vin_answer_prepare(
    *, line: VinRequestLine, product_id: int | None = None, brand_name: str = "", article: str = ""
) -> AnswerPair:
    """Check a pair «Бренд, Артикул» for a row: a catalog product or typed (no writes).

    A typed pair that names a catalog product (brand through its aliases, article in any
    spelling) is linked to it, so the client can put it in the cart.
    """
    product = None
    if product_id:
        product = Product.objects.select_related("brand").filter(pk=product_id).first()
        if product is None:
            raise NotFound("Товар не найден.", field="product")
        brand_name, article = product.brand.name, product.article
    else:
        brand_name, article = (brand_name or "").strip(), (article or "").strip()
        if not brand_name or not article:
            raise ApplicationError(
                "pair_required",
                "Выберите товар из каталога или укажите бренд и артикул.",
                field="brand_name",
            )
        if not normalize_article(article):
            raise ApplicationError("bad_article", "Артикул пустой.", field="article")
        product = _product_for_pair(brand_name, article)
    if line.answers.filter(brand_name__iexact=brand_name, article__iexact=article).exists():
        raise ApplicationError(
            "answer_exists", f"Пара «{brand_name}, {article}» уже предложена.", field="article"
        )
    return AnswerPair(brand_name[:100], article[:64], product)


@transaction.atomic
def vin_answer_add(
    *,
    line_id: int,
    by: User,
    product_id: int | None = None,
    brand_name: str = "",
    article: str = "",
) -> VinAnswer:
    """Answer a row with «Бренд, Артикул» (seed 004); a row with one answer counts as answered."""
    line = VinRequestLine.objects.select_for_update().filter(pk=line_id).first()
    if line is None:
        raise NotFound("Позиция запроса не найдена.")
    pair = vin_answer_prepare(
        line=line, product_id=product_id, brand_name=brand_name, article=article
    )
    return VinAnswer.objects.create(
        line=line,
        request_id=line.request_id,
        brand_name=pair.brand_name,
        article=pair.article,
        product=pair.product,
        created_by=by,
    )


@transaction.atomic
def vin_answer_delete(*, answer_id: int, by: User) -> None:
    VinAnswer.objects.filter(pk=answer_id).delete()


def vin_answer_to_cart(*, client: Client, answer_id: int):
    """One click from the request: the best offer of the answered product into the cart.

    The quantity is the row's quantity, raised to the offer's minimum order; the cart's own
    rules (stock, minimum, active warehouse) apply through `cart_add`.
    """
    from mprating.cart.services import cart_add

    answer = (
        VinAnswer.objects.select_related("line")
        .filter(pk=answer_id, line__request__client=client)
        .first()
    )
    if answer is None:
        raise NotFound("Предложение не найдено.")
    if answer.product_id is None:
        raise ApplicationError(
            "not_in_catalog", "Этого товара нет в каталоге — уточните у менеджера в чате."
        )
    offer = best_offers_for_products([answer.product_id]).get(answer.product_id)
    if offer is None or offer.quantity <= 0:
        raise ApplicationError("no_offer", "Сейчас этого товара нет в наличии.")
    quantity = max(answer.line.quantity, offer.min_order_quantity)
    return cart_add(
        client=client,
        offer_id=offer.pk,
        quantity=quantity,
        comment=f"VIN-запрос № {answer.line.request_id}",
    )


# ---- chat ----------------------------------------------------------------------------------


@transaction.atomic
def chat_message_post(
    *, request: VinRequest, author: User, from_client: bool, text: str
) -> ChatMessage:
    """«Открыть чат»: plain text up to 2000 characters; shown escaped on both sides."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ApplicationError("empty_message", "Напишите сообщение.", field="text")
    if len(text) > ChatMessage.MAX_LENGTH:
        raise ApplicationError(
            "message_too_long",
            f"Сообщение длиннее {ChatMessage.MAX_LENGTH} знаков ({len(text)}): сократите его "
            "или разбейте на несколько.",
            field="text",
        )
    message = ChatMessage.objects.create(
        request=request, author=author, from_client=from_client, text=text
    )
    if not from_client:
        _chat_unread_add(client_id=request.client_id, delta=1)
    return message


@transaction.atomic
def chat_mark_read(*, request_id: int, reader_is_client: bool) -> int:
    """The reader has seen the other side's messages; returns how many became read. What the
    client has just read leaves the frame's badge in the same transaction (the UPDATE counts
    only the rows it changed: a second tab marking the same messages changes none)."""
    read = ChatMessage.objects.filter(
        request_id=request_id, from_client=not reader_is_client, read_at__isnull=True
    ).update(read_at=timezone.now())
    if read and reader_is_client:
        client_id = VinRequest.objects.filter(pk=request_id).values_list("client_id", flat=True)
        _chat_unread_add(client_id=client_id.get(), delta=-read)
    return read


def _chat_unread_add(*, client_id: int, delta: int) -> None:
    """`UPDATE … SET unread = unread + delta` on the client's row, created at zero first
    when missing (`ON CONFLICT DO NOTHING`: two first messages at once both count)."""
    rows = ClientChatUnread.objects.filter(client_id=client_id)
    if not rows.update(unread=F("unread") + delta):
        ClientChatUnread.objects.bulk_create(
            [ClientChatUnread(client_id=client_id)], ignore_conflicts=True
        )
        rows.update(unread=F("unread") + delta)


def chat_unread_from_messages(client_ids: list[int] | None = None) -> dict[int, int]:
    """The badge as the messages say it should be: the manager's unread messages per client."""
    messages = ChatMessage.objects.filter(from_client=False, read_at__isnull=True)
    if client_ids is not None:
        messages = messages.filter(request__client_id__in=client_ids)
    rows = messages.values("request__client_id").annotate(n=Count("id")).order_by()
    return {row["request__client_id"]: row["n"] for row in rows}


@transaction.atomic
def chat_unread_recount(*, client_ids: list[int] | None = None) -> int:
    """Rebuild the badges from the messages (all clients or the given ones); returns how many
    rows were wrong. On PostgreSQL the counters table is locked against other writers first
    (as `orders.services.counters.counts_recount` does)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {ClientChatUnread._meta.db_table} IN SHARE ROW EXCLUSIVE MODE"
            )
    truth = chat_unread_from_messages(client_ids)
    rows = ClientChatUnread.objects.all()
    if client_ids is not None:
        rows = rows.filter(client_id__in=client_ids)
    stored = {row.client_id: row for row in rows}
    changed = []
    for client_id, row in stored.items():
        if row.unread != truth.get(client_id, 0):
            row.unread = truth.get(client_id, 0)
            changed.append(row)
    ClientChatUnread.objects.bulk_update(changed, ["unread"], batch_size=1000)
    missing = [
        ClientChatUnread(client_id=client_id, unread=n)
        for client_id, n in sorted(truth.items())
        if client_id not in stored
    ]
    ClientChatUnread.objects.bulk_create(missing, batch_size=1000)
    return len(changed) + len(missing)
