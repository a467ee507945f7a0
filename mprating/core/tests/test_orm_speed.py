"""`core.orm_speed`: a column's identity built directly is Django's own identity."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, F
from django.db.models.expressions import Col

from mprating.core import orm_speed
from mprating.core.models import OutgoingEmail


def _columns(queryset):
    compiler = queryset.query.get_compiler(using=queryset.db)
    compiler.as_sql()
    return [expr for expr, _, _ in compiler.select if isinstance(expr, Col)]


@pytest.mark.parametrize(
    "queryset",
    [
        lambda: get_user_model().objects.select_related("client").filter(pk=1).order_by("-pk"),
        lambda: Group.objects.annotate(n=Count("user")).order_by("name"),
        lambda: OutgoingEmail.objects.order_by("-created_at", F("id").desc()),
    ],
)
def test_col_identity_is_djangos(queryset):
    assert "identity" in Col.__dict__  # installed
    columns = _columns(queryset())
    assert len(columns) >= 2
    for column in columns:
        ours = orm_speed.col_identity(column)
        assert ours == orm_speed._django_identity(column)
        assert hash(column) == hash(ours)
    assert len(set(columns)) == len({orm_speed._django_identity(c) for c in columns})


def test_odd_columns_take_djangos_path():
    target = Group._meta.get_field("name")
    for column in (Col("auth_group", target), Col("t", target, output_field=target)):
        assert orm_speed.col_identity(column) == orm_speed._django_identity(column)
    keyword = Col(alias="x", target=target)
    assert orm_speed.col_identity(keyword) == orm_speed._django_identity(keyword)
    assert Col("a", target) != Col("b", target)
    assert Col("a", target) == Col("a", target)
