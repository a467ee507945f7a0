"""`field__any_of=[…]`: a long list as one parameter, the same rows as `__in` (core/lookups.py)."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from mprating.core.lookups import array_literal

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    wanted = list(ContentType.objects.order_by("pk").values_list("pk", flat=True)[:3])
    models = ["permission", 'no"such\\model', "contenttype"]

    by_pk = ContentType.objects.filter(pk__any_of=[*wanted, 10**9])
    by_name = ContentType.objects.filter(model__any_of=models)
    by_relation = Permission.objects.filter(content_type_id__any_of=wanted)

    assert sorted(c.pk for c in by_pk) == wanted
    assert set(by_name) == set(ContentType.objects.filter(model__in=models))
    assert by_name.count() == 2
    assert set(by_relation) == set(Permission.objects.filter(content_type_id__in=wanted))
    assert not ContentType.objects.filter(pk__any_of=[]).exists()


def test_array_literal_quotes_every_string():
    assert array_literal([3, 1, 2]) == "{3,1,2}"
    assert array_literal(["A", 'B"C', "D\\E", "", "Ё,{}"]) == '{"A","B\\"C","D\\\\E","","Ё,{}"}'
    with pytest.raises(AttributeError):
        array_literal(["A", None])
