"""Cabinet «Финансы» (seed 004): the balance, the operations of a period, the акт сверки.

«простейшее информационное окно, позволяющее увидеть баланс клиента в интернет-магазине на
данный момент времени, а также раскрыть подробности в виде транзакций за последние две
недели … Также по отдельной кнопке можно запросить акт сверки за определённый период».

Every figure comes through `get_gateway()`, so the page is the same for the embedded ledger
and for 1С. Statements and their files are looked up through `request.client`: another
client's id is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mprating.accounts.decorators import client_required
from mprating.core.errors import ApplicationError, NotFound
from mprating.core.money import ZERO
from mprating.finance import selectors, services
from mprating.finance.forms import PeriodForm
from mprating.finance.gateway import GatewayUnavailable, freshness, get_gateway
from mprating.finance.models import Statement
from mprating.finance.reports import period_report, recent_period
from mprating.finance.selectors import FILE_TYPES

ROWS_PER_PAGE = 100
STATEMENTS_PER_PAGE = 10


def plural_days(count: int) -> str:
    if count % 10 == 1 and count % 100 != 11:
        return f"{count} день"
    if count % 10 in (2, 3, 4) and count % 100 not in (12, 13, 14):
        return f"{count} дня"
    return f"{count} дней"


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


def _statement_form(data=None) -> PeriodForm:
    today = timezone.localdate()
    return PeriodForm(
        data,
        prefix="akt",
        max_days=settings.FINANCE_STATEMENT_MAX_DAYS,
        what="акта сверки",
        initial={"date_from": today.replace(month=1, day=1), "date_to": today},
    )


def _statements_context(request: HttpRequest) -> dict:
    paginator = Paginator(selectors.statements_for_client(request.client.pk), STATEMENTS_PER_PAGE)
    page = paginator.get_page(_page_number(request.GET.get("spage")))
    statements = list(page.object_list)
    return {
        "statements": statements,
        "statements_page": page,
        "statements_pending": any(not s.is_finished for s in statements),
    }


def _page_context(request: HttpRequest, statement_form: PeriodForm | None = None) -> dict:
    client = request.client
    recent_start, recent_end = recent_period()
    custom = "date_from" in request.GET or "date_to" in request.GET
    form = PeriodForm(
        request.GET if custom else None,
        max_days=settings.FINANCE_PAGE_MAX_DAYS,
        what="выписки",
        initial={"date_from": recent_start, "date_to": recent_end},
    )
    start, end = form.period() if custom and form.is_valid() else (recent_start, recent_end)
    context = {
        "form": form,
        "custom_period": custom and form.is_valid(),
        "recent_days": plural_days(settings.FINANCE_RECENT_DAYS),
        "period_start": start,
        "period_end": end,
        "statement_form": statement_form or _statement_form(),
        "info": selectors.balance_info(client.pk),
        **_statements_context(request),
    }
    gateway = get_gateway()
    try:
        balance = gateway.balance(client)
        report = period_report(gateway, client, start=start, end=end)
    except GatewayUnavailable as error:
        context.update(unavailable=error.message, fresh=freshness(gateway, client))
        return context
    paginator = Paginator(report.rows, ROWS_PER_PAGE)
    rows_page = paginator.get_page(_page_number(request.GET.get("page")))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        balance=balance,
        available=max(balance + context["info"].credit_limit, ZERO),
        report=report,
        fresh=report.freshness,
        rows_page=rows_page,
        page_query=query.urlencode(),
    )
    return context


@client_required
@require_GET
def finance_page(request: HttpRequest) -> HttpResponse:
    return render(request, "finance/page.html", _page_context(request))


@client_required
@require_POST
def statement_request(request: HttpRequest) -> HttpResponse:
    form = _statement_form(request.POST)
    if form.is_valid():
        start, end = form.period()
        try:
            statement = services.statement_request(
                client_id=request.client.pk, start=start, end=end, by=request.user
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            statement.refresh_from_db(fields=["status"])  # a worker may have made it already
            if statement.status == Statement.Status.DONE:
                messages.success(request, f"Акт сверки {statement.period_label} готов.")
            else:
                messages.success(
                    request,
                    f"Акт сверки {statement.period_label} формируется: "
                    "он появится в списке ниже, страницу можно не обновлять.",
                )
            return redirect(reverse("finance:page") + "#statements")
    return render(request, "finance/page.html", _page_context(request, form), status=422)


@client_required
@require_GET
def statements_partial(request: HttpRequest) -> HttpResponse:
    """The list of the client's statements (htmx polls it while one is being made)."""
    return render(request, "finance/page.html#statements", _statements_context(request))


@client_required
@require_GET
def statement_file(request: HttpRequest, statement_id: int, kind: str) -> HttpResponse:
    try:
        statement, stored = selectors.statement_file_for_client(
            client_id=request.client.pk, statement_id=statement_id, kind=kind
        )
    except NotFound as error:
        raise Http404(error.message) from error
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=statement.file_name(kind),
        content_type=FILE_TYPES[kind],
    )
