"""Every page of the seeded demo, opened by every demo role: no server error, no template
marker printed, and no English in the back office. The URLs come from one map
(`crawl.demo_urls`, on the demo of `conftest.demo`), so a new page is crawled as soon as it
exists — or the map fails naming it."""

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from mprating.demo.tests.crawl import Visit, demo_urls, visible_text
from mprating.demo.tests.crawl_objects import ROLES, SUPERUSER

TEMPLATE_MARKERS = ("{#", "#}", "{%", "{{")

# English a person could meet in the back office: Django admin's, unfold's and django-tasks'
# own words, as they appear on untranslated pages. Matched as whole words, case-sensitively
# (a lower-case "go" inside a Latin article or e-mail is not a word of the UI).
ENGLISH_UI = [
    "Welcome",
    "Axes",  # django-axes' app name (breadcrumbs of its logs)
    "User Agent",  # a column of django-axes' logs
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Return to site",
    "Choose file",
    "Task name",
    "Task Result",
    "Enqueued",
    "Successful",
    "Ready",
    "Running",
    "Failed",
    "Filter",
    "Filters",
    "Search",
    "Save",
    "Delete",
    "Add another",
    "Add",
    "Change",
    "History",
    "Action",
    "Actions",
    "Go",
    "of",
    "Select",
    "selected",
    "Show all",
    "Clear",
    "Previous",
    "Next",
    "Yes",
    "No",
    "Unknown",
    "Today",
    "Past 7 days",
    "This month",
    "This year",
    "Any date",
    "All",
    "None",
    "Home",
    "Log out",
    "Logout",
    "Password",
    "Close",
    "Cancel",
    "Submit",
    "Apply",
    "Reset",
    "Export",
    "Import",
    "View site",
    "Dashboard",
    "Required",
    "results",
    "result",
    "Please correct",
    "Date",
    "Time",
    "Now",
    "Priority",
    "Queue",
    "Status",
    "Run after",
    "traceback",
    "Summary",
    "Objects",
    "Are you sure",
    "Database error",
    "Page not found",
    "Light",
    "Dark",
    "System",
    "Theme",
    "Sign in",
    "Log in",
    "Username",
    "Email",
    "Forgot",
    "Recent actions",
    "My actions",
    "Toggle",
    "Expand",
    "Collapse",
    "Loading",
    "empty",
]
ENGLISH_PATTERN = re.compile(
    r"(?<![\w@.-])(" + "|".join(re.escape(word) for word in ENGLISH_UI) + r")(?![\w@-])"
)
# Latin text on our pages that is not UI: brands, article numbers, e-mail addresses, VINs and
# the store's name never equal a whole English UI word, so the pattern skips them. The only
# data that does is a vehicle model of the reference (ГАЗель Next), cut out before matching.
# Nothing is excluded by page; only HTML is read (the admin's JavaScript catalog, jsi18n,
# holds the English originals as its keys by design).
DATA_WITH_ENGLISH_WORDS = ["ГАЗель Next"]


def english_words(text: str) -> list[str]:
    for name in DATA_WITH_ENGLISH_WORDS:
        text = text.replace(name, "")
    return sorted(set(ENGLISH_PATTERN.findall(text)))


@pytest.fixture(scope="module")
def visits(demo) -> list[Visit]:
    return demo_urls(demo)


@dataclass(frozen=True)
class Page:
    visit: Visit
    status: int
    markers: list[str]
    english: list[str]


def _crawl(email: str, visits: list[Visit]) -> list[Page]:
    """GET every visit signed in as `email`; what each page shows that it should not."""
    from mprating.accounts.models import User

    browser = Client(raise_request_exception=False)
    browser.force_login(User.objects.get(email=email))
    pages = []
    for visit in visits:
        headers = {"HX-Request": "true"} if visit.htmx else {}
        response = browser.get(visit.url, headers=headers)
        kind = response.get("Content-Type", "").split(";")[0]
        is_text = kind.startswith("text/") or kind == "application/json"
        body = response.content.decode() if is_text and not response.streaming else ""
        markers = [marker for marker in TEMPLATE_MARKERS if marker in body]
        english = english_words(visible_text(body)) if kind == "text/html" else []
        pages.append(Page(visit, response.status_code, markers, english))
    return pages


@pytest.fixture(scope="module")
def crawled(demo, visits):
    """The crawl of each role, made once for both tests (the superuser's is the longest)."""
    done: dict[str, list[Page]] = {}

    def pages(email: str) -> list[Page]:
        if email not in done:
            done[email] = _crawl(email, visits)
        return done[email]

    return pages


@pytest.mark.django_db
@pytest.mark.parametrize("email", ROLES)
def test_every_page_opens_for_every_role_without_error_or_template_marker(crawled, email):
    broken = [
        f"{page.visit.url}{' (htmx)' if page.visit.htmx else ''}: {page.status} {page.markers}"
        for page in crawled(email)
        if page.status >= 500 or page.markers
    ]

    assert broken == [], "\n".join(broken)


@pytest.mark.django_db
def test_the_back_office_has_no_english_words(crawled):
    english = [
        f"{page.visit.url} ({page.status}): {', '.join(page.english)}"
        for page in crawled(SUPERUSER)
        if page.visit.url.startswith("/backoffice/") and page.english
    ]
    # unfold's sign-in page, which only a visitor who is not signed in sees
    for url in ["/backoffice/login/", "/backoffice/"]:
        response = Client().get(url, follow=True)
        found = english_words(visible_text(response.content.decode()))
        if found:
            english.append(f"{url} (anonymous): {', '.join(found)}")

    assert english == [], "\n".join(english)


@pytest.mark.django_db
def test_a_page_whose_parameters_nobody_fills_fails_the_map(demo, monkeypatch):
    from mprating.demo.tests import crawl

    monkeypatch.delitem(crawl.KWARGS, "orders:line_history")

    with pytest.raises(AssertionError, match="orders:line_history"):
        crawl.demo_urls(demo)
