"""Short class names for the back office rows, standing for unfold's long Tailwind class lists
(issue 13, target 3: «cut what it costs: … unfold template overhead»).

unfold 0.91 gives every cell of a changelist the same 26 utility classes (~460 characters),
every row checkbox 38 more, every yes/no icon and badge its own: on «Пользователи» (100 rows)
the `class` attributes were 440 KB of the page's 600 KB. Here each such list is one short
class (`STYLES`), and static/css/backoffice-rows.css holds, for each short class, the rules
unfold's prebuilt stylesheet has for its classes — copied from that stylesheet by `build_css`
(same declarations, same media queries — `lg:` below 64rem is the phone's card layout — same
`dark:` variants, same CSS layer, same order), not written by hand. `test_admin_row_styles`
builds it again from the installed unfold and compares, so an unfold upgrade that changes a
class or a rule fails a test. Regenerate with

    .venv/bin/python manage.py shell -c \
        "from mprating.core import admin_row_styles as s; s.write_css()"

`shorten(html)` turns unfold's markup into ours (the tests compare pages through it).
"""

import re
from pathlib import Path

from django.conf import settings
from django.utils.html import escape

# Short class → unfold's classes it stands for (the order here is the order they are matched
# in `shorten`: a longer list before one it contains).
CELL = "mp-c"
CHECKBOX_CELL = "mp-k"
LINK = "mp-a"
CHECKBOX = "mp-x"
ROW_GROUP = "mp-b"
ROW_GROUP_ODD = "mp-z"
ROW = "mp-r"
ICON = "mp-o"
BADGE = "mp-l"
BADGE_MD = "mp-lm"

_CELL = (
    "align-middle flex border-t border-base-200 font-normal gap-4 items-center min-w-0"
    " overflow-hidden px-3 py-1.5 h-[45px] text-left before:flex before:capitalize"
    " before:content-[attr(data-label)] before:items-center before:font-semibold"
    " before:text-font-important-light before:mr-auto first:border-t-0 lg:before:hidden"
    " lg:first:border-t lg:table-cell dark:border-base-800 dark:before:text-font-important-dark"
)
_CHECKBOX_CELL = (
    "align-middle flex items-center px-3 py-2 text-left before:block before:capitalize"
    " before:content-[attr(data-label)] before:font-semibold before:mr-auto"
    " before:text-font-important-light lg:before:hidden lg:border-t lg:border-base-200"
    " lg:table-cell dark:lg:border-base-800 dark:before:text-font-important-dark"
)
_CHECKBOX = (
    "appearance-none bg-white block border border-base-300 h-4 min-w-4 relative rounded-[4px]"
    " shadow-xs w-4 dark:bg-base-900 dark:border-base-700 dark:checked:after:text-white"
    " after:absolute after:content-['check\\_small'] after:flex! after:h-4 after:items-center"
    " after:justify-center after:leading-none after:material-symbols-outlined after:-ml-px"
    " after:-mt-px after:text-white after:w-4 dark:after:text-transparent checked:bg-primary-600"
    " dark:checked:bg-primary-600 checked:border-primary-600 dark:checked:border-primary-600"
)
_ICON = (
    "inline-flex font-semibold items-center justify-center leading-normal h-6 w-6"
    " !rounded-full uppercase whitespace-nowrap"
)
_BADGE = "inline-block font-semibold rounded-default text-[11px] uppercase whitespace-nowrap"

STYLES: dict[str, str] = {
    CELL: _CELL,
    CHECKBOX_CELL: _CHECKBOX_CELL,
    CHECKBOX: _CHECKBOX,
    LINK: "text-font-important-light dark:text-font-important-dark",
    ROW_GROUP: "block relative lg:table-row-group",
    ROW_GROUP_ODD: "bg-base-50 dark:bg-white/[.02]",
    ROW: (
        "block border border-base-200 mb-3 relative rounded-default lg:table-row lg:border-none"
        " lg:mb-0 lg:rounded-none dark:border-base-800"
    ),
    ICON: _ICON,
    BADGE: f"{_BADGE} h-6 leading-6 px-2",
    BADGE_MD: f"{_BADGE} h-5 leading-5 px-1.5",
    # The colours of yes/no icons (grey: unknown) and of badges (unfold's label types).
    "mp-grey": "bg-base-100 text-base-700 dark:bg-base-500/20 dark:text-base-200",
    "mp-green": "bg-green-100 text-green-700 dark:bg-green-500/20 dark:text-green-400",
    "mp-red": "bg-red-100 text-red-700 dark:bg-red-500/20 dark:text-red-400",
    "mp-blue": "bg-blue-100 text-blue-700 dark:bg-blue-500/20 dark:text-blue-400",
    "mp-orange": "bg-orange-100 text-orange-700 dark:bg-orange-500/20 dark:text-orange-400",
    "mp-primary": "bg-primary-100 text-primary-700 dark:bg-primary-500/20 dark:text-primary-400",
    "mp-muted": "bg-base-500/8 text-base-700 dark:bg-base-500/20 dark:text-base-200",
}

CSS_FILE = Path(settings.BASE_DIR) / "static" / "css" / "backoffice-rows.css"
CSS_STATIC = "css/backoffice-rows.css"


def _css_name(name: str) -> str:
    """A class name as a CSS selector writes it (Tailwind escapes every other character)."""
    return "".join(ch if ch.isalnum() or ch in "-_" or ord(ch) > 127 else f"\\{ch}" for ch in name)


def _parse(css: str, start: int = 0) -> tuple[list, int]:
    """Minified CSS → [(prelude, declarations or children)], to the closing brace."""
    items: list = []
    i = start
    prelude_start = i
    while i < len(css):
        ch = css[i]
        if ch in "\"'":
            i = css.index(ch, i + 1) + 1
            continue
        if ch == "/" and css.startswith("/*", i):
            i = css.index("*/", i) + 2
            prelude_start = i
            continue
        if ch == ";":  # a statement (@layer components;) at this level
            prelude_start = i + 1
        elif ch == "{":
            prelude = css[prelude_start:i].strip()
            if prelude.startswith("@"):
                children, i = _parse(css, i + 1)
                items.append((prelude, children))
            else:
                end = _block_end(css, i + 1)
                items.append((prelude, css[i + 1 : end]))
                i = end
            prelude_start = i + 1
        elif ch == "}":
            return items, i
        i += 1
    return items, i


def _block_end(css: str, i: int) -> int:
    depth = 0
    while True:
        ch = css[i]
        if ch in "\"'":
            i = css.index(ch, i + 1)
        elif ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1


def _selectors(prelude: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in prelude:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return [*parts, current]


def build_css(tailwind_css: str) -> tuple[str, set[str]]:
    """The rules of `tailwind_css` for the classes in STYLES with each class replaced by its
    short class, in the stylesheet's order and at-rules; and the classes with no rule."""
    wanted: dict[str, list[str]] = {}
    for short, classes in STYLES.items():
        for name in classes.split():
            wanted.setdefault(_css_name(name), []).append(short)
    pattern = re.compile(
        r"^\.(" + "|".join(re.escape(n) for n in sorted(wanted, key=len, reverse=True)) + r")"
        r"(?![\w\-\\])"
    )
    found: set[str] = set()
    out: list[str] = []

    def walk(items, wrappers):
        for prelude, body in items:
            if isinstance(body, list):
                walk(body, [*wrappers, prelude])
                continue
            kept = []
            for selector in _selectors(prelude):
                match = pattern.match(selector)
                if match:
                    found.add(match.group(1))
                    rest = selector[match.end() :]
                    kept.extend(f".{short}{rest}" for short in wanted[match.group(1)])
            if kept:
                rule = ",".join(kept) + "{" + body + "}"
                for wrapper in reversed(wrappers):
                    rule = wrapper + "{" + rule + "}"
                out.append(rule)

    walk(_parse(tailwind_css)[0], [])
    missing = {name for name in wanted if name not in found}
    return "\n".join(out) + "\n", missing


HEADER = """/* Generated by mprating/core/admin_row_styles.py from unfold's static/unfold/css/
   styles.css: the back office rows' short classes, each with the rules of the unfold classes it
   stands for (same declarations, breakpoints, dark variants, CSS layer and order).
   Do not edit by hand. */
@layer properties,theme,base,components,utilities;
"""


def unfold_css() -> str:
    import unfold

    return (Path(unfold.__file__).parent / "static" / "unfold" / "css" / "styles.css").read_text()


def css_text() -> str:
    return HEADER + build_css(unfold_css())[0]


def write_css() -> None:
    CSS_FILE.write_text(css_text())


# Longest first: a list is replaced before any list it contains.
_SHORTEN = sorted(
    ((escape(classes).split(), short) for short, classes in STYLES.items()),
    key=lambda pair: len(pair[0]),
    reverse=True,
)
_CLASS_ATTR = re.compile(r'class="([^"]*)"')


def _short_classes(match) -> str:
    tokens = match.group(1).split()
    for classes, short in _SHORTEN:
        size = len(classes)
        for i in range(len(tokens) - size + 1):
            if tokens[i : i + size] == classes:
                tokens[i : i + size] = [short]
                break
    return 'class="' + " ".join(tokens) + '"'


def shorten(html: str) -> str:
    """unfold's markup with our short classes: in every class attribute, each run of unfold's
    classes that a short class stands for is replaced by it (spacing normalised)."""
    return _CLASS_ATTR.sub(_short_classes, html)
