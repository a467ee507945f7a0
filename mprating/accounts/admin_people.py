"""A person's name and e-mail on a back office list row, read as plain values of the row's own
query (issue 13): a list naming a client or a staff member on every row joined their `User`
(and `Client`) and made one or two more model objects per row, the larger part of the rows'
cost.

`person_values("client__user", "client")` annotates the row's queryset with the user's
`last_name`, `first_name`, `middle_name` and `email` (and the `extra` fields asked for);
`listed_person(row, "client")` gives them back as an object with `get_full_name()` — `User`'s
own method, so the name is written by the one rule — or None when the row was not annotated
(the object's page, an export): the caller then reads the related user as before.
`ListedRowsChangeList` reads a list's page that way."""

from django.db.models import F
from unfold.views import ChangeList

from mprating.accounts.models import User
from mprating.core.admin_rows import put_page_urls

PERSON_FIELDS = ("last_name", "first_name", "middle_name", "email")


class ListedPerson:
    """The annotated fields of a row's user, with `User`'s own name and phone display."""

    __slots__ = ("email", "first_name", "is_active", "last_name", "middle_name", "phone")

    get_full_name = User.get_full_name
    phone_display = User.phone_display


def person_values(path: str, name: str, extra: tuple[str, ...] = ()) -> dict[str, F]:
    """The annotations for `listed_person(row, name)`: the fields of the user at `path`."""
    return {f"listed_{name}_{field}": F(f"{path}__{field}") for field in PERSON_FIELDS + extra}


def listed_person(row, name: str) -> ListedPerson | None:
    """The person annotated on `row` by `person_values(…, name)` (made once a row); None when
    the row was not annotated."""
    values = row.__dict__
    kept = f"_listed_{name}"
    person = values.get(kept)
    if person is not None:
        return person
    prefix = f"listed_{name}_"
    if f"{prefix}email" not in values:
        return None
    person = values[kept] = ListedPerson()
    for field in ListedPerson.__slots__:
        key = prefix + field
        if key in values:
            setattr(person, field, values[key])
    return person


class ListedRowsChangeList(ChangeList):
    """A list whose page is read with `listed_values` annotated instead of the related rows
    its queryset joins (`select_related`), and only the `listed_fields` of its own model when
    it names them (the fields its cells read; another field would be read row by row, which
    the lists' query-count tests catch): the cells read the annotations (`listed_person`).
    The actions and the export still get the admin's queryset."""

    listed_values: dict[str, F] = {}
    listed_fields: tuple[str, ...] = ()

    def get_results(self, request):
        super().get_results(request)
        self.result_list = listed_rows(
            self.result_list,
            self.listed_values,
            self.listed_fields,
            then=lambda rows: self.rows_read(rows, request),
        )

    def rows_read(self, rows: list, request) -> None:
        """What a list adds to its page's rows once they are read (e.g. their lines)."""


def listed_rows(queryset, values: dict[str, F], fields: tuple[str, ...] = (), *, then=None):
    """The page's rows: `queryset` without its joins and prefetches, with `values` annotated
    (and only `fields` of the model, when given), sharing one `PageUrls` for their links and
    given to `then` once read. Still a queryset, read when the page is shown (an action's POST
    builds the list and never shows it)."""
    queryset = queryset.select_related(None).prefetch_related(None).annotate(**values)
    if fields:
        queryset = queryset.only(*fields)

    class ListedIterable(queryset._iterable_class):
        def __iter__(self):
            rows = list(super().__iter__())
            put_page_urls(rows)
            if then is not None:
                then(rows)
            return iter(rows)

    queryset._iterable_class = ListedIterable
    return queryset
