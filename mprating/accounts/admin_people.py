"""A person's name and e-mail on a back office list row, read as plain values of the row's own
query (issue 13): a list naming a client or a staff member on every row joined their `User`
(and `Client`) and made one or two more model objects per row, the larger part of the rows'
cost.

`person_values("client__user", "client")` annotates the row's queryset with the user's
`last_name`, `first_name`, `middle_name` and `email` (and the `extra` fields asked for);
`listed_person(row, "client")` gives them back as an object with `get_full_name()` — `User`'s
own method, so the name is written by the one rule — or None when the row was not annotated
(the object's page, an export): the caller then reads the related user as before.
`ListedRowsChangeList` reads a list's page that way; a list whose rows statement is made from
the URL alone (`rows_from_url`) has it compiled once per exact query state and its rows built
from plain values (`kept_listed_page`)."""

from django.db.models import F
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.translation import get_language
from unfold.views import ChangeList

from mprating.accounts.models import User
from mprating.core.admin_rows import put_page_urls
from mprating.core.kept_queries import kept_page

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
    # True for a list whose rows statement is made from the URL alone: its admin's queryset,
    # filters and search read nothing else (not the user, not the clock, not the data). Its
    # page is then read through a statement kept per exact query state (`kept_listed_page`).
    rows_from_url = False

    def get_results(self, request):
        super().get_results(request)

        def then(rows):
            self.rows_read(rows, request)

        if self.rows_from_url:
            page = kept_listed_page(self, self.result_list, then=then)
            if page is not None:
                self.result_list = page
                return
        self.result_list = listed_rows(
            self.result_list, self.listed_values, self.listed_fields, then=then
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


# ---- the page's statement kept per exact query state (`rows_from_url`) ----------------------
#
# Compiling a list's page (its joins, the annotated names, the ordering) and building a model
# object per row from it cost ~1,200 and ~30 Python calls a row. A list whose statement is made
# from the URL alone runs the same statement for the same URL, so the statement is compiled once
# under everything it is made of — the changelist class (its listed values and fields) and its
# admin, the database, the query string (filters, search, sorting; the page number is the slice
# below), the language and time zone (dates typed into a filter are read in them), the query's
# ordering and slice (whether the page is sliced depends on the count) — and kept
# (`core.kept_queries.kept_page`; its rows are built without `Model.__init__` when nothing can
# tell, `core.compiled`).


def _page_key(changelist, queryset) -> tuple | None:
    query = queryset.query
    params = changelist.filter_params  # the query string but the page number
    try:
        key = (
            type(changelist),
            changelist.model_admin,
            queryset.db,
            tuple(sorted((name, tuple(values)) for name, values in params.items())),
            get_language(),
            timezone.get_current_timezone_name(),
            query.order_by,
            query.low_mark,
            query.high_mark,
            query.distinct,
        )
        hash(key)
    except TypeError:  # something unhashable in the ordering: compiled as Django compiles it
        return None
    return key


def kept_listed_page(changelist, queryset, *, then):
    """`queryset` (the changelist's page) shaped as `listed_rows` shapes it and read through
    the statement kept for its query state, or None when it cannot be named: the caller reads
    it as `listed_rows` does. Still a queryset, read when the page is shown."""
    if (
        not issubclass(queryset._iterable_class, ModelIterable)  # core.kept_queries' too
        or queryset._result_cache is not None
        or queryset._known_related_objects
    ):
        return None
    key = _page_key(changelist, queryset)
    if key is None:
        return None

    def shape(page):
        return listed_rows(page, changelist.listed_values, changelist.listed_fields)

    def read(rows):
        put_page_urls(rows)
        then(rows)

    return kept_page(queryset, ("accounts.listed", *key), shape=shape, then=read)
