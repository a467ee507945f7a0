"""Back office «Возвраты»: the filter «причина» reads the reasons through a kept statement
(`admin.requests.ReasonFilter`, issue 13) and offers them as Django's filter of the foreign key
would: every reason, in the reasons admin's order, a new or renamed one on the next visit."""

import pytest
from django.contrib.admin import RelatedFieldListFilter

from mprating.core.testing import record_compiled_models
from mprating.returns.admin.requests import ReasonFilter
from mprating.returns.models import ReturnReason
from mprating.returns.tests.factories import manager

pytestmark = pytest.mark.django_db
LIST = "/backoffice/returns/returnrequest/"


@pytest.fixture
def boss(client):
    client.force_login(manager())
    return client


def _choices(response) -> list:
    spec = next(
        spec
        for spec in response.context["cl"].filter_specs
        if isinstance(spec, RelatedFieldListFilter)
    )
    return list(spec.lookup_choices)


def test_the_reasons_are_django_s_choices_and_follow_a_change(boss, monkeypatch):
    first = _choices(boss.get(LIST))
    monkeypatch.setattr(ReasonFilter, "field_choices", RelatedFieldListFilter.field_choices)
    assert _choices(boss.get(LIST)) == first

    monkeypatch.undo()
    reason = ReturnReason.objects.order_by("pk").first()
    ReturnReason.objects.filter(pk=reason.pk).update(name="Переименована", sort_order=0)
    ReturnReason.objects.create(name="Новая", sort_order=30_000)

    again = _choices(boss.get(LIST))
    assert again[0] == (reason.pk, "Переименована")
    assert again[-1][1] == "Новая"
    assert len(again) == len(first) + 1


def test_a_second_visit_compiles_no_query_of_the_reasons(boss, monkeypatch):
    boss.get(LIST)
    compiled = record_compiled_models(monkeypatch)

    assert boss.get(LIST).status_code == 200

    assert ReturnReason not in compiled
