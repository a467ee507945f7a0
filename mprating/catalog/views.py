"""Cabinet pages of the catalog: the article search and «Подбор по параметрам»."""

import dataclasses

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mprating.accounts.decorators import client_required
from mprating.catalog import hooks, selectors
from mprating.catalog.forms import SearchForm, SelectionForm
from mprating.catalog.search import ANALOG_LIMIT, search
from mprating.core.errors import ApplicationError
from mprating.vehicles import selectors as vehicle_selectors


@client_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    """`?q=&brand=&sort=&in_stock=`; htmx requests get only the results block."""
    form = SearchForm(request.GET if "q" in request.GET else None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            result = search(
                client=request.client,
                query=form.cleaned_data["q"],
                brand_id=form.cleaned_data["brand"],
                sort=form.cleaned_data["sort"],
                in_stock=form.cleaned_data["in_stock"],
            )
            result = dataclasses.replace(
                result, rows=hooks.rows_with_cart(result.rows, client=request.client)
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
    template = "catalog/search.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    context = {"form": form, "result": result, "analog_limit": ANALOG_LIMIT}
    return render(request, template, context, status=422 if form.errors else 200)


def _selection_context(request: HttpRequest) -> dict:
    ids = SelectionForm(request.GET).ids()
    choice = vehicle_selectors.vehicle_choice(
        make_id=ids["make"],
        model_id=ids["model"],
        generation_id=ids["generation"],
        modification_id=ids["modification"],
    )
    context: dict = {"choice": choice, "tree": [], "category": None, "products": None}
    if choice.modification is not None:
        tree = selectors.category_tree_for_modification(choice.modification.pk)
        category = selectors.find_category(tree, ids["category"])
        context.update(tree=tree, category=category)
        if category is not None:
            products = selectors.selection_products(
                modification_id=choice.modification.pk,
                category=category,
                markup_percent=request.client.markup_percent,
            )
            context["products"] = dataclasses.replace(
                products, rows=hooks.rows_with_cart(products.rows, client=request.client)
            )
    return context


@client_required
@require_GET
def selection_page(request: HttpRequest) -> HttpResponse:
    """«Подбор по параметрам»: make → model → generation → modification → category → offers.

    Seed 004: the garage's «Подбор по параметрам» opens this module «с уже зафиксированным
    выбором марки, модели и модификации» — here `?modification=<id>`.
    """
    template = "catalog/selection.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, _selection_context(request))


def _options(request: HttpRequest, *, level: str, items: list, placeholder: str) -> HttpResponse:
    """`<option>`s of the next select; out of band, the selects after it and the results reset."""
    return render(
        request,
        "catalog/selection_options.html",
        {"level": level, "items": items, "placeholder": placeholder, "oob": True},
    )


@client_required
@require_GET
def selection_models(request: HttpRequest) -> HttpResponse:
    make_id = SelectionForm(request.GET).ids()["make"]
    return _options(
        request,
        level="model",
        items=vehicle_selectors.models_for_make(make_id),
        placeholder="Модель" if make_id else "Сначала марка",
    )


@client_required
@require_GET
def selection_generations(request: HttpRequest) -> HttpResponse:
    model_id = SelectionForm(request.GET).ids()["model"]
    return _options(
        request,
        level="generation",
        items=vehicle_selectors.generations_for_model(model_id),
        placeholder="Поколение" if model_id else "Сначала модель",
    )


@client_required
@require_GET
def selection_modifications(request: HttpRequest) -> HttpResponse:
    generation_id = SelectionForm(request.GET).ids()["generation"]
    return _options(
        request,
        level="modification",
        items=vehicle_selectors.modifications_for_generation(generation_id),
        placeholder="Модификация" if generation_id else "Сначала поколение",
    )
