"""The API's one pagination shape: keyset pages behind a signed cursor (core.api_paging)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mprating.core.api_paging import InvalidCursor, encode_cursor, keyset_page
from mprating.core.models import OutgoingEmail

pytestmark = pytest.mark.django_db


def _walk(ordering, limit):
    seen, cursor = [], None
    for _ in range(100):
        page = keyset_page(
            OutgoingEmail.objects.all(), ordering=ordering, cursor=cursor, limit=limit
        )
        seen += [row.pk for row in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("pagination did not end")


def _expected(ordering):
    rows = list(OutgoingEmail.objects.all())

    def key(row):
        parts = []
        for name in ordering:
            field = name.removeprefix("-")
            value = getattr(row, field)
            missing = value is None
            if name.startswith("-") and not missing:
                value = -value.timestamp() if hasattr(value, "timestamp") else -value
            parts.append((missing, value if not missing else 0))
        return parts

    return [row.pk for row in sorted(rows, key=key)]


@pytest.fixture
def letters():
    now = timezone.now()
    for index in range(23):
        OutgoingEmail.objects.create(
            kind="k",
            to="a@example.com",
            subject=str(index),
            attempts=index % 4,
            sent_at=None if index % 3 == 0 else now - timedelta(minutes=index % 5),
        )


@pytest.mark.parametrize(
    "ordering",
    [
        ("-id",),
        ("id",),
        ("attempts", "id"),
        ("-attempts", "-id"),
        ("-sent_at", "id"),
        ("sent_at", "-id"),
    ],
)
@pytest.mark.parametrize("limit", [1, 4, 50])
def test_pages_walk_every_row_once_in_order_nulls_last(letters, ordering, limit):
    assert _walk(ordering, limit) == _expected(ordering)


def test_last_page_has_no_cursor(letters):
    page = keyset_page(OutgoingEmail.objects.all(), ordering=("-id",), cursor=None, limit=23)
    assert len(page["items"]) == 23 and page["next_cursor"] is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjpbIi1pZCJdLCJ2IjpbMV19:forged"])
def test_a_damaged_cursor_is_a_russian_error_on_the_cursor_field(letters, cursor):
    with pytest.raises(InvalidCursor) as error:
        keyset_page(OutgoingEmail.objects.all(), ordering=("-id",), cursor=cursor, limit=5)
    assert error.value.code == "invalid_cursor" and error.value.field == "cursor"
    assert "Курсор" in error.value.message


def test_a_cursor_of_another_ordering_is_refused(letters):
    cursor = encode_cursor(("-id",), [5])
    with pytest.raises(InvalidCursor):
        keyset_page(OutgoingEmail.objects.all(), ordering=("id",), cursor=cursor, limit=5)
