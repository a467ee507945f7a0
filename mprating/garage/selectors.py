"""Reads of the garage: the client's cars, the VIN lookup, VIN requests and their chat.

Every list is shaped for its page with select_related / prefetch_related / annotations, so its
number of queries does not grow with its rows.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from mprating.accounts.models import Client
from mprating.catalog.selectors import best_offers_for_products
from mprating.core import outbox
from mprating.core.models import OutgoingEmail
from mprating.garage.models import (
    ChatMessage,
    ClientChatUnread,
    OriginalCatalogLink,
    Vehicle,
    VinAnswer,
    VinRequest,
    VinRequestLine,
)
from mprating.vehicles.models import Generation, Make, Modification, VehicleModel
from mprating.vehicles.selectors import vin_match
from mprating.vehicles.vin import (
    KIND_VIN,
    VinDecoded,
    check_vin_or_frame,
    decode_vin,
    make_name_keys,
)

# ---- the garage ----------------------------------------------------------------------------


def vehicles_for_client(client: Client) -> QuerySet[Vehicle]:
    return Vehicle.objects.filter(client=client).order_by("name", "id")


def vehicle_for_client(client: Client, vehicle_id: int) -> Vehicle | None:
    return (
        Vehicle.objects.select_related("make", "model", "generation", "modification")
        .filter(client=client, pk=vehicle_id)
        .first()
    )


def selection_query(
    *,
    make_id: int | None = None,
    model_id: int | None = None,
    generation_id: int | None = None,
    modification_id: int | None = None,
) -> str:
    """`?make=..&model=..&generation=..&modification=..` for the catalog's «Подбор по параметрам».

    Seed 004: the garage's button «вызывает “Модуль подбора товара по параметрам” с уже
    зафиксированным выбором марки, модели и модификации вашего автомобиля».
    """
    params = {
        "make": make_id,
        "model": model_id,
        "generation": generation_id,
        "modification": modification_id,
    }
    return urlencode({key: value for key, value in params.items() if value})


def selection_url(**ids: int | None) -> str:
    return f"{reverse('catalog:selection')}?{selection_query(**ids)}"


def vehicle_selection_url(vehicle: Vehicle) -> str:
    return selection_url(
        make_id=vehicle.make_id,
        model_id=vehicle.model_id,
        generation_id=vehicle.generation_id,
        modification_id=vehicle.modification_id,
    )


# ---- «Оригинальный каталог»: the VIN lookup --------------------------------------------------


@dataclass
class VinLookup:
    """What the lookup knows about a VIN or frame number, and where it leads.

    What `vininfo` decodes is matched against the vehicle reference by its rules
    (`vehicles.selectors.VinMatch`: make, model, generation by the model year, modification by
    the engine code and gearbox).

    The car is found when make, model and generation are fixed: «Подбор по параметрам» opens
    with them (and the modification when it is fixed too). Otherwise the window «VIN не найден»
    offers to continue by make, model and modification, pre-filled with what was fixed; when
    nothing is decoded the garage car's own make, model and generation pre-fill it. Special
    original catalogs («В данном случае речь идёт об оригинальном каталоге ВАЗ») are offered
    for the decoded manufacturer and for the car's make.
    """

    number: str
    kind: str
    decoded: VinDecoded | None = None
    make: Make | None = None
    model: VehicleModel | None = None
    generation: Generation | None = None
    modification: Modification | None = None
    year: int | None = None
    catalog_links: list[OriginalCatalogLink] = field(default_factory=list)
    warning: str = ""
    found: bool = False  # make, model and generation fixed by the VIN
    make_found: bool = False  # the decoded make is in our reference
    from_vehicle: bool = False  # the pre-filled choice comes from the garage car

    @property
    def selection_url(self) -> str:
        return selection_url(
            make_id=self.make.pk if self.make else None,
            model_id=self.model.pk if self.model else None,
            generation_id=self.generation.pk if self.generation else None,
            modification_id=self.modification.pk if self.modification else None,
        )

    @property
    def vehicle_name(self) -> str:
        if self.make is not None and not self.from_vehicle:
            parts = [self.make.name, self.model.name if self.model else ""]
            parts.append(self.generation.name if self.generation else "")
            return " ".join(part for part in parts if part)
        if self.decoded is not None:
            names = [self.decoded.brand or self.decoded.manufacturer, *self.decoded.models[:1]]
            return " ".join(name for name in names if name)
        return self.make.name if self.make else ""


def catalog_links_for(names: list[str]) -> list[OriginalCatalogLink]:
    keys: set[str] = set()
    for name in names:
        keys |= make_name_keys(name)
    if not keys:
        return []
    return list(OriginalCatalogLink.objects.filter(make_key__in=keys).order_by("make_name"))


def vin_lookup(number: str, *, vehicle: Vehicle | None = None) -> VinLookup:
    """Look a VIN or frame number up (ApplicationError when it is neither); see `VinLookup`."""
    checked = check_vin_or_frame(number)
    if checked is None:
        from mprating.core.errors import ApplicationError

        raise ApplicationError("vin_required", "Введите VIN или номер кузова.", field="vin")
    result = VinLookup(number=checked.value, kind=checked.kind, warning=checked.warning)
    if checked.kind == KIND_VIN:
        result.decoded = decode_vin(checked.value)
    decoded = result.decoded
    if decoded is not None:
        match = vin_match(decoded)
        result.make, result.model = match.make, match.model
        result.generation, result.modification = match.generation, match.modification
        result.year = match.year
    result.found = result.generation is not None
    result.make_found = result.make is not None
    if result.make is None and vehicle is not None:
        # Nothing decoded: continue from what the client told us about the car.
        result.make, result.model = vehicle.make, vehicle.model
        result.generation, result.modification = vehicle.generation, vehicle.modification
        result.year = vehicle.year
        result.from_vehicle = True
    names = list(decoded.make_names) if decoded else []
    if vehicle is not None:
        names.append(vehicle.make.name)
    result.catalog_links = catalog_links_for(names)
    return result


# ---- VIN requests --------------------------------------------------------------------------


def with_counts(queryset: QuerySet[VinRequest]) -> QuerySet[VinRequest]:
    """Rows, answered rows (seed 004: «количество строк, к которым были даны предложения в виде
    пары “Бренд, Артикул”») and unread chat messages for each side."""
    answered_lines = VinRequestLine.objects.filter(answers__isnull=False)
    return queryset.annotate(
        lines_count=Count("lines", distinct=True),
        answered_count=Count(
            "lines", filter=Q(lines__in=answered_lines.values("pk")), distinct=True
        ),
        unread_for_client=Count(
            "messages",
            filter=Q(messages__from_client=False, messages__read_at__isnull=True),
            distinct=True,
        ),
        unread_for_managers=Count(
            "messages",
            filter=Q(messages__from_client=True, messages__read_at__isnull=True),
            distinct=True,
        ),
    )


def _lines_with_answers() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=VinRequestLine.objects.order_by("position").prefetch_related(
            Prefetch(
                "answers",
                queryset=VinAnswer.objects.select_related("product__brand").order_by("id"),
            )
        ),
    )


def vin_requests_for_client(client: Client) -> QuerySet[VinRequest]:
    """The cabinet list («доступном только клиенту, создавшему VIN-запрос»): blocks with rows."""
    return (
        with_counts(VinRequest.objects.filter(client=client))
        .prefetch_related(_lines_with_answers())
        .order_by("-created_at", "-id")
    )


def vin_request_for_client(client: Client, request_id: int) -> VinRequest | None:
    return vin_requests_for_client(client).filter(pk=request_id).first()


def attach_answer_offers(requests: list[VinRequest]) -> None:
    """Set `answer.offer` — the best offer of an answered catalog product, or None (one query)."""
    answers = [
        answer
        for request in requests
        for line in request.lines.all()
        for answer in line.answers.all()
    ]
    product_ids = sorted({answer.product_id for answer in answers if answer.product_id})
    offers = best_offers_for_products(product_ids) if product_ids else {}
    for answer in answers:
        answer.offer = offers.get(answer.product_id)


def vin_requests_plain_for_backoffice() -> QuerySet[VinRequest]:
    """The back office's VIN requests without their counts: what its list counts, filters and
    searches (the counts are added to the page's rows, `with_counts`)."""
    return VinRequest.objects.select_related("client__user")


def vin_requests_for_backoffice() -> QuerySet[VinRequest]:
    return with_counts(vin_requests_plain_for_backoffice())


def vin_request_letter(request: VinRequest) -> OutgoingEmail | None:
    """The managers' letter of the request in the core outbox (None: no address was set when
    it was made, or it is older than the outbox)."""
    return outbox.email_for_ref(outbox.ref_for(request), kind="vin_request")


def unanswered_lines_counts(request_ids: list[int]) -> dict[int, int]:
    """Rows without any answer «Бренд, Артикул», per request (one query)."""
    rows = (
        VinRequestLine.objects.filter(request_id__in=request_ids, answers__isnull=True)
        .values("request_id")
        .annotate(count=Count("id"))
    )
    return {row["request_id"]: row["count"] for row in rows}


def unread_for_client_total(client: Client) -> int:
    """The manager's messages the client has not read, over all the client's VIN requests:
    one row by primary key (`ClientChatUnread`, kept by the chat services), however many
    requests and messages the client has."""
    value = ClientChatUnread.objects.filter(client=client).values_list("unread", flat=True).first()
    return value or 0


def chat_messages(request_id: int) -> QuerySet[ChatMessage]:
    return ChatMessage.objects.filter(request_id=request_id).select_related("author")


def chat_unread_for(messages: list[ChatMessage], *, reader_is_client: bool) -> bool:
    """Whether the reader has unread messages from the other side among `messages`: the chat
    page then asks, by POST, to mark them read (opening a page never changes anything)."""
    return any(m.read_at is None and m.from_client != reader_is_client for m in messages)


def vin_requests_waiting_rows() -> QuerySet[VinRequest]:
    """VIN requests «Ожидает обработки» (nobody has taken them): the back office home and the
    sidebar badge of «VIN-запросы», over the (status, created) index."""
    return VinRequest.objects.filter(status=VinRequest.Status.PENDING)


def vin_requests_waiting() -> int:
    return vin_requests_waiting_rows().count()
