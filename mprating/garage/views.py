"""Cabinet pages of the garage (seed 004 «Автомобили»): cars, «Оригинальный каталог»,
VIN requests and their chat. Every object is looked up through `request.client`."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mprating.accounts.decorators import client_required
from mprating.core import ratelimits
from mprating.core.errors import ApplicationError, NotFound
from mprating.garage import selectors, services
from mprating.garage.forms import ChatForm, PartRow, VehicleForm, VinLookupForm, VinRequestForm
from mprating.garage.models import VinRequest
from mprating.vehicles.selectors import (
    generation_years,
    generations_for_model,
    models_for_make,
    modifications_for_generation,
)

VIN_REQUESTS_PER_PAGE = 20


def _id(value: object) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _own_vehicle(request: HttpRequest, pk: int):
    vehicle = selectors.vehicle_for_client(request.client, pk)
    if vehicle is None:
        raise Http404("Автомобиль не найден.")
    return vehicle


def _own_request(request: HttpRequest, pk: int) -> VinRequest:
    vin_request = selectors.vin_request_for_client(request.client, pk)
    if vin_request is None:
        raise Http404("VIN-запрос не найден.")
    return vin_request


# ---- cars ----------------------------------------------------------------------------------


@client_required
@require_GET
def vehicles(request: HttpRequest) -> HttpResponse:
    """The garage: «Список автомобилей» with the seed's buttons on every car."""
    cars = list(selectors.vehicles_for_client(request.client))
    rows = [(car, selectors.vehicle_selection_url(car)) for car in cars]
    return render(request, "garage/vehicles.html", {"rows": rows})


def _vehicle_form_page(request: HttpRequest, vehicle=None) -> HttpResponse:
    form = VehicleForm(request.POST or None, vehicle=vehicle)
    if request.method == "POST" and form.is_valid():
        try:
            if vehicle is None:
                saved, warning = services.vehicle_create(
                    client=request.client, data=form.vehicle_data()
                )
                messages.success(request, f"Автомобиль «{saved.name}» добавлен в гараж.")
            else:
                saved, warning = services.vehicle_update(
                    client=request.client, vehicle_id=vehicle.pk, data=form.vehicle_data()
                )
                messages.success(request, f"Автомобиль «{saved.name}» сохранён.")
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if warning:
                messages.warning(request, warning)
            return redirect("garage:vehicles")
    status = 422 if form.errors else 200
    context = {"form": form, "vehicle": vehicle}
    return render(request, "garage/vehicle_form.html", context, status=status)


@client_required
@require_http_methods(["GET", "POST"])
def vehicle_add(request: HttpRequest) -> HttpResponse:
    return _vehicle_form_page(request)


@client_required
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _vehicle_form_page(request, _own_vehicle(request, pk))


@client_required
@require_http_methods(["GET", "POST"])
def vehicle_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """The bin asks first; seed 004: «Удаление происходит безвозвратно»."""
    vehicle = _own_vehicle(request, pk)
    if request.method == "POST":
        services.vehicle_delete(client=request.client, vehicle_id=vehicle.pk)
        messages.success(request, f"Автомобиль «{vehicle.name}» удалён из гаража.")
        return redirect("garage:vehicles")
    return render(request, "garage/vehicle_delete.html", {"vehicle": vehicle})


def _options(request: HttpRequest, *, level: str, items: list, placeholder: str, **extra):
    context = {"level": level, "items": items, "placeholder": placeholder, **extra}
    return render(request, "garage/_options.html", context)


@client_required
@require_GET
def options_models(request: HttpRequest) -> HttpResponse:
    make_id = _id(request.GET.get("make"))
    items = [(m.pk, m.name) for m in models_for_make(make_id)]
    return _options(
        request,
        level="model",
        items=items,
        placeholder="Модель" if make_id else "Сначала выберите марку",
    )


@client_required
@require_GET
def options_generations(request: HttpRequest) -> HttpResponse:
    model_id = _id(request.GET.get("model"))
    items = [(g.pk, f"{g.name} ({g.years})") for g in generations_for_model(model_id)]
    placeholder = "Поколение" if model_id else "Сначала выберите модель"
    return _options(request, level="generation", items=items, placeholder=placeholder)


@client_required
@require_GET
def options_modifications(request: HttpRequest) -> HttpResponse:
    generation_id = _id(request.GET.get("generation"))
    items = [(m.pk, m.name) for m in modifications_for_generation(generation_id)]
    years = generation_years(generation_id)
    placeholder = "Не знаю / не важно" if generation_id else "Сначала выберите поколение"
    return _options(
        request, level="modification", items=items, placeholder=placeholder, years=years
    )


# ---- «Оригинальный каталог» ----------------------------------------------------------------


def _lookup_page(request: HttpRequest, *, number: str, vehicle=None) -> HttpResponse:
    form = VinLookupForm({"vin": number} if number else None)
    lookup = None
    if form.is_bound and form.is_valid():
        try:
            lookup = selectors.vin_lookup(form.cleaned_data["vin"], vehicle=vehicle)
        except ApplicationError as error:
            form.add_error("vin", error.message)
        else:
            if lookup.found:
                # Seed 004: «по кнопке “Оригинальный каталог” мы сразу переходим …»
                messages.info(request, f"VIN {lookup.number}: {lookup.vehicle_name}.")
                return redirect(lookup.selection_url)
    context = {"form": form, "lookup": lookup, "vehicle": vehicle}
    return render(request, "garage/lookup.html", context, status=422 if form.errors else 200)


@client_required
@require_GET
def vin_lookup(request: HttpRequest) -> HttpResponse:
    """Search by VIN or frame number; not found → the window «VIN не найден»."""
    return _lookup_page(request, number=request.GET.get("vin", "").strip())


@client_required
@require_GET
def vehicle_catalog(request: HttpRequest, pk: int) -> HttpResponse:
    """«Оригинальный каталог» of a garage car: the lookup of its VIN or frame number."""
    vehicle = _own_vehicle(request, pk)
    if not vehicle.vin_or_frame:
        messages.warning(
            request, "У автомобиля не указан VIN или номер кузова — введите его для поиска."
        )
    return _lookup_page(request, number=vehicle.vin_or_frame, vehicle=vehicle)


# ---- VIN requests --------------------------------------------------------------------------


@client_required
@require_GET
def vin_requests(request: HttpRequest) -> HttpResponse:
    """Blocks: number, date, car, rows, answered rows, status; «Скрыть» folds to headers.

    Paged (`VIN_REQUESTS_PER_PAGE`, newest first): a client who has sent hundreds of requests
    gets a page of the same size and cost as one who sent a few."""
    paginator = Paginator(selectors.vin_requests_for_client(request.client), VIN_REQUESTS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))  # a bad or too big number: first/last
    items = list(page.object_list)
    selectors.attach_answer_offers(items)
    return render(request, "garage/requests.html", {"items": items, "page": page})


@client_required
@require_http_methods(["GET", "POST"])
def vin_request_new(request: HttpRequest) -> HttpResponse:
    """The form of seed 004: part rows («Добавить деталь») and a comment → «Создать VIN-запрос».

    From a garage car (`?vehicle=<id>`) or from the lookup window (`?vin=&name=`).
    """
    source = request.POST if request.method == "POST" else request.GET
    vehicle_id = _id(source.get("vehicle"))
    vehicle = _own_vehicle(request, vehicle_id) if vehicle_id else None
    vin = (source.get("vin") or "").strip()
    name = (source.get("name") or "").strip()[:200]
    if vehicle is None and not vin:
        messages.info(request, "Выберите автомобиль из гаража или найдите автомобиль по VIN.")
        return redirect("garage:vehicles")
    form = VinRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.vin_request_create(
                client=request.client,
                lines=form.lines(),
                comment=form.comment,
                vehicle_id=vehicle.pk if vehicle else None,
                vin=vin,
                vehicle_name=name,
            )
        except ApplicationError as error:
            form.errors.append(error.message)
        else:
            if created.status == VinRequest.Status.NOT_SENT:
                messages.warning(
                    request,
                    f"VIN-запрос № {created.pk} создан, но пока не отправлен менеджерам: магазин "
                    "не указал адрес для VIN-запросов. Нажмите «Отправить повторно» позже.",
                )
            else:
                messages.success(request, f"VIN-запрос № {created.pk} создан и передан менеджерам.")
            return redirect(f"{reverse('garage:requests')}#request-{created.pk}")
    context = {"form": form, "vehicle": vehicle, "vin": vin, "name": name}
    has_errors = form.is_bound and (form.errors or any(r.errors for r in form.rows))
    return render(request, "garage/request_form.html", context, status=422 if has_errors else 200)


@client_required
@require_GET
def vin_request_row(request: HttpRequest) -> HttpResponse:
    """«Добавить деталь»: one more empty row, appended without a reload."""
    return render(request, "garage/request_form.html#row", {"row": PartRow()})


@client_required
@require_POST
def vin_request_resend(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.vin_request_resend(client=request.client, request_id=_own_request(request, pk).pk)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"VIN-запрос № {pk} снова отправляется менеджерам.")
    return redirect(f"{reverse('garage:requests')}#request-{pk}")


@client_required
@require_POST
def answer_to_cart(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the best offer of the answered product into the cart."""
    try:
        line = services.vin_answer_to_cart(client=request.client, answer_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    except ApplicationError as error:
        ok, text = False, error.message
    else:
        ok, text = True, f"В корзине: {line.quantity} шт."
    if request.htmx:
        context = {"ok": ok, "text": text}
        return render(request, "garage/requests.html#cart-result", context)
    (messages.success if ok else messages.error)(request, text)
    return redirect("garage:requests")


# ---- chat ----------------------------------------------------------------------------------


def _chat_context(request: HttpRequest, vin_request: VinRequest) -> dict:
    chat = list(selectors.chat_messages(vin_request.pk))
    return {
        "vin_request": vin_request,
        "chat": chat,
        "has_unread": selectors.chat_unread_for(chat, reader_is_client=True),
    }


@client_required
@require_http_methods(["GET", "POST"])
@ratelimits.limit("chat", "RATELIMIT_CHAT", key=ratelimits.BY_USER)
def chat(request: HttpRequest, pk: int) -> HttpResponse:
    """«Открыть чат»: the conversation with the managers about this request."""
    vin_request = _own_request(request, pk)
    form = ChatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.chat_message_post(
                request=vin_request,
                author=request.user,
                from_client=True,
                text=form.cleaned_data["text"],
            )
        except ApplicationError as error:
            form.add_error("text", error.message)
        else:
            form = ChatForm()
    context = {**_chat_context(request, vin_request), "form": form}
    status = 422 if form.errors else 200
    if request.htmx:
        return render(request, "garage/chat.html#chat-box", context, status=status)
    return render(request, "garage/chat.html", context, status=status)


@client_required
@require_POST
def chat_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The managers' messages shown on the chat page are read: the page posts here when it
    shows unread ones (a GET of the page changes nothing)."""
    vin_request = _own_request(request, pk)
    services.chat_mark_read(request_id=vin_request.pk, reader_is_client=True)
    return HttpResponse(status=204)


@client_required
@require_GET
def chat_messages(request: HttpRequest, pk: int) -> HttpResponse:
    """The messages only: polled every few seconds, so new ones appear without a reload."""
    vin_request = _own_request(request, pk)
    return render(request, "garage/chat.html#messages", _chat_context(request, vin_request))
