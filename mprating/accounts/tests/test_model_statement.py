"""`core.compiled.ModelStatement` and `core.kept_queries.kept_page`, on accounts' models: a
queryset's rows built from its kept statement are the instances Django's `ModelIterable` builds
(fields, deferred fields, related rows, annotations, `_state`), with or without `Model.__init__`."""

import pytest
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.db.models.signals import post_init

from mprating.accounts.models import Client, User
from mprating.accounts.tests.factories import make_client
from mprating.core.compiled import ModelStatement, _plain_model

pytestmark = pytest.mark.django_db


def _ours(queryset, **kwargs) -> list:
    statement = ModelStatement(queryset, None, "default", **kwargs)
    return statement.objects("default", statement.params)


def _same(ours, theirs, names) -> None:
    assert [type(o) for o in ours] == [type(t) for t in theirs]
    for mine, django in zip(ours, theirs, strict=True):
        assert (mine._state.adding, mine._state.db) == (django._state.adding, django._state.db)
        assert mine.get_deferred_fields() == django.get_deferred_fields()
        for name in names:
            assert getattr(mine, name) == getattr(django, name), name


def test_rows_with_related_rows_deferred_fields_and_annotations_are_djangos():
    make_client(last_name="Иванов", first_name="Пётр")
    make_client(last_name="Сидорова", first_name="Анна")
    queryset = (
        Client.objects.select_related("user")
        .only("id", "inn", "user__email", "user__last_name")
        .annotate(shown=Concat(F("user__last_name"), Value("!")), one=Value(1))
        .order_by("pk")
    )
    ours, theirs = _ours(queryset, annotations=True), list(queryset)
    assert len(ours) == 2
    _same(ours, theirs, ("pk", "inn", "shown", "one"))
    _same([o.user for o in ours], [t.user for t in theirs], ("pk", "email", "last_name"))
    assert ours[0].shown == "Иванов!" and "shown" in ours[0].__dict__
    with pytest.raises(ValueError, match="model rows"):
        _ours(queryset)  # annotations only when asked for


def test_a_deferred_field_is_read_on_use_as_django_reads_it():
    make_client(last_name="Петров", first_name="Иван")
    (user,) = _ours(User.objects.only("id", "email").order_by("pk"))
    assert user.get_deferred_fields() >= {"last_name", "phone"}
    assert user.last_name == "Петров"  # read by one more query, as Django reads it
    user.last_name = "Петрова"
    user.save(update_fields=["last_name"])
    assert User.objects.get(pk=user.pk).last_name == "Петрова"


def test_instances_skip_init_only_when_nothing_listens_to_it():
    make_client(last_name="Орлов", first_name="Олег")
    assert _plain_model(User)
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=User)
    try:
        assert not _plain_model(User)
        (user,) = _ours(User.objects.order_by("pk"))
    finally:
        post_init.disconnect(listener, sender=User)
    assert seen == [user]  # built through Model.__init__, its signal sent
    assert _plain_model(User)


def test_a_kept_page_is_compiled_once_and_read_anew_each_time(monkeypatch):
    from mprating.core.kept_queries import kept_page, plain_key
    from mprating.core.testing import record_compiled_models

    first = make_client(last_name="Абрамов", first_name="Илья")
    make_client(last_name="Белова", first_name="Ася")
    compiled = record_compiled_models(monkeypatch)
    read = []

    def page():
        rows = Client.objects.select_related("user").order_by("pk")[:10]
        key = ("test-page", *plain_key(rows.query, rows.db))
        return kept_page(
            rows,
            key,
            shape=lambda queryset: queryset.annotate(surname=F("user__last_name")),
            then=read.append,
        )

    assert [c.surname for c in page()] == ["Абрамов", "Белова"]
    assert compiled == [Client]
    User.objects.filter(pk=first.user_id).update(last_name="Абрамова")
    assert [(c.surname, c.user.last_name) for c in page()] == [
        ("Абрамова", "Абрамова"),
        ("Белова", "Белова"),
    ]
    assert compiled == [Client]  # the page's statement was kept
    assert [len(objects) for objects in read] == [2, 2]
    # a clone of the page is another query: read as Django reads it, unshaped
    cloned = list(page().all())
    assert [c.pk for c in cloned] == [first.pk, first.pk + 1] or len(cloned) == 2
    assert not any(hasattr(c, "surname") for c in cloned)
    assert compiled == [Client, Client] and len(read) == 2
