"""A small client of 1С's standard OData interface (`<base>/odata/standard.odata/`).

Follows what the platform does: JSON only with `$format=json` (without it 1С answers Atom XML),
Basic authentication in UTF-8 (a Cyrillic login in another encoding is refused), `$top` /
`$skip` paging without `$orderby` (some publications answer 500 to `$orderby` on a register),
literals `guid'…'` and `datetime'…'` in the server's local time, errors as
`{"odata.error": {"code", "message": {"value"}}}`. A body may start with a UTF-8 BOM. Numbers
are read as Decimal, never float. Long `Ref_Key eq … or …` chains are split into batches, since
a long URL is refused by the web server in front of 1С.

Only the standard library: `urllib.request` with a generous timeout (a register balance on a
real database takes seconds, the first request after idle more than 30 s).
"""

import base64
import http.client
import json
import logging
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

logger = logging.getLogger(__name__)

EMPTY_GUID = "00000000-0000-0000-0000-000000000000"
ODATA_PATH = "odata/standard.odata/"
MAX_PAGES = 10_000


class OneCError(Exception):
    """1С could not be asked or answered badly; `message` is Russian, for people."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # timeout, unreachable, auth, forbidden, not_found, server, bad_response
        self.message = message
        self.status = status

    def __str__(self) -> str:
        return self.message


def service_root(base_url: str) -> str:
    """`https://host/trade` or `…/trade/odata/standard.odata` → `…/trade/odata/standard.odata/`."""
    url = base_url.strip().rstrip("/")
    if url.endswith("/$metadata"):
        url = url.removesuffix("/$metadata")
    if not url.endswith("/odata/standard.odata"):
        url = f"{url}/{ODATA_PATH.rstrip('/')}"
    return url + "/"


def string_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def guid_literal(value: str) -> str:
    return f"guid'{value}'"


def datetime_literal(moment: datetime) -> str:
    """1С compares dates in its own local time without a zone: `datetime'2026-01-31T23:59:59'`."""
    return f"datetime'{moment.replace(tzinfo=None, microsecond=0).isoformat()}'"


def any_of(field: str, keys: Iterable[str]) -> str:
    """`(F eq guid'a' or F eq guid'b')` for one batch of keys."""
    return "(" + " or ".join(f"{field} eq {guid_literal(k)}" for k in keys) + ")"


def batches(keys: Iterable[str], size: int) -> Iterator[list[str]]:
    """Distinct, non-empty keys in batches of at most `size` (order kept)."""
    unique = list(dict.fromkeys(k for k in keys if k and k != EMPTY_GUID))
    for start in range(0, len(unique), max(1, size)):
        yield unique[start : start + size]


def parse_datetime(value: Any) -> datetime | None:
    """`"2026-01-15T10:30:00"` → a naive datetime (1С's local time); the empty date → None."""
    if not value or not isinstance(value, str) or value.startswith("0001-01-01"):
        return None
    return datetime.fromisoformat(value[:19])


class ODataClient:
    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        timeout: float,
        page_size: int = 500,
    ) -> None:
        self.root = service_root(base_url)
        self.timeout = timeout
        self.page_size = page_size
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        self._headers = {
            "Authorization": f"Basic {token}",
            "Accept": "application/json",
            "User-Agent": "MP Rating finance/1C",
        }

    # ---- requests ---------------------------------------------------------------------------

    def url(self, resource: str, params: dict[str, Any] | None = None) -> str:
        path = urllib.parse.quote(resource, safe="/()=',$:")
        query = ""
        if params:
            query = "?" + "&".join(
                f"{key}={urllib.parse.quote(str(value), safe=chr(39) + ',()$:')}"
                for key, value in params.items()
                if value is not None
            )
        return self.root + path + query

    def _open(self, url: str) -> bytes:
        # urlopen would also read ftp:// (which the address field accepts) and file://: only
        # the web is ever asked.
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise OneCError(
                "unreachable",
                "Адрес публикации 1С должен начинаться с http:// или https://.",
            )
        request = urllib.request.Request(url, headers=self._headers, method="GET")
        try:
            # bandit B310 (urlopen of any scheme) does not apply: the scheme is checked above.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # nosec B310
                return response.read()
        except urllib.error.HTTPError as exc:
            raise self._http_error(exc, url) from None
        except TimeoutError as exc:
            raise self._timeout(url) from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError | socket.timeout):
                raise self._timeout(url) from exc
            logger.warning("1С unreachable at %s: %s", self._where(url), exc.reason)
            raise OneCError(
                "unreachable", f"Не удалось подключиться к 1С ({self._host()}): {exc.reason}."
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            logger.warning("1С connection broken at %s: %s", self._where(url), exc)
            raise OneCError(
                "unreachable", f"Связь с 1С ({self._host()}) оборвалась: {exc}."
            ) from exc

    def _host(self) -> str:
        return urllib.parse.urlsplit(self.root).netloc

    def _where(self, url: str) -> str:
        """The resource part of a URL for logs (the password is never in URLs)."""
        return urllib.parse.unquote(url.removeprefix(self.root).split("?", 1)[0]) or "/"

    def _timeout(self, url: str) -> OneCError:
        logger.warning("1С timeout after %ss at %s", self.timeout, self._where(url))
        return OneCError(
            "timeout",
            f"1С не ответила за {self.timeout:g}".replace(".", ",")
            + f" с ({self._where(url)}). Расчёт остатков на "
            "большой базе бывает долгим — увеличьте таймаут в настройках подключения.",
        )

    def _http_error(self, exc: urllib.error.HTTPError, url: str) -> OneCError:
        try:
            body = exc.read()
        except OSError:
            body = b""
        detail = _odata_error_text(body)
        where = self._where(url)
        logger.warning("1С answered HTTP %s at %s: %s", exc.code, where, detail or "-")
        suffix = f": {detail}" if detail else "."
        if exc.code == 401:
            return OneCError(
                "auth",
                "1С не приняла логин или пароль (HTTP 401). Проверьте пользователя 1С "
                "и его пароль в настройках подключения.",
                status=401,
            )
        if exc.code == 403:
            return OneCError(
                "forbidden",
                f"У пользователя 1С нет прав на чтение {where} (HTTP 403){suffix}",
                status=403,
            )
        if exc.code == 404:
            return OneCError(
                "not_found",
                f"1С не нашла {where} (HTTP 404){suffix} Проверьте адрес публикации и состав "
                "стандартного интерфейса OData («Проверить подключение»).",
                status=404,
            )
        if exc.code >= 500:
            return OneCError(
                "server",
                f"Ошибка на стороне 1С (HTTP {exc.code}) при запросе {where}{suffix}",
                status=exc.code,
            )
        return OneCError(
            "http", f"1С отказала в запросе {where} (HTTP {exc.code}){suffix}", status=exc.code
        )

    def get_json(self, resource: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        url = self.url(resource, {"$format": "json", **(params or {})})
        body = self._open(url)
        try:
            data = json.loads(body.decode("utf-8-sig"), parse_float=Decimal)
        except (UnicodeDecodeError, ValueError) as exc:
            logger.warning("1С sent a body that is not JSON at %s", self._where(url))
            raise OneCError(
                "bad_response",
                f"1С вернула ответ, который не читается как JSON ({self._where(url)}).",
            ) from exc
        if not isinstance(data, dict):
            raise OneCError("bad_response", f"1С вернула неожиданный ответ ({self._where(url)}).")
        return data

    def rows(self, resource: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The `value` array of one response (a function call such as `…/Balance(…)`)."""
        value = self.get_json(resource, params).get("value")
        if not isinstance(value, list):
            raise OneCError(
                "bad_response", f"В ответе 1С нет списка value ({self._where(resource)})."
            )
        return value

    def iterate(
        self,
        entity_set: str,
        *,
        filter: str | None = None,
        select: Iterable[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every row of a set, page by page with `$top` / `$skip`."""
        params: dict[str, Any] = {"$filter": filter, "$select": ",".join(select or []) or None}
        for page in range(MAX_PAGES):
            rows = self.rows(
                entity_set, {**params, "$top": self.page_size, "$skip": page * self.page_size}
            )
            yield from rows
            if len(rows) != self.page_size:
                return  # the last page, or a server that ignores $top and sent everything
        raise OneCError(
            "bad_response", f"1С отдаёт {entity_set} без конца: не работает $skip постранично."
        )

    def iterate_by_keys(
        self,
        entity_set: str,
        *,
        field: str,
        keys: Iterable[str],
        batch_size: int,
        filter: str | None = None,
        select: Iterable[str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Rows whose `field` is one of `keys`: one `or` chain of at most `batch_size` keys
        per request (a URL with hundreds of keys is refused in front of 1С)."""
        for batch in batches(keys, batch_size):
            condition = any_of(field, batch)
            yield from self.iterate(
                entity_set,
                filter=f"{filter} and {condition}" if filter else condition,
                select=select,
            )

    def metadata(self) -> bytes:
        body = self._open(self.url("$metadata"))
        return body.removeprefix(b"\xef\xbb\xbf")


def _odata_error_text(body: bytes) -> str:
    """The message of 1С's `{"odata.error": …}` (JSON) or of its XML twin; '' if none."""
    text = body.decode("utf-8-sig", errors="replace").strip()
    if not text:
        return ""
    try:
        data = json.loads(text)
    except ValueError:
        import re

        match = re.search(r"<(?:\w+:)?message[^>]*>(.*?)</(?:\w+:)?message>", text, re.S)
        return match.group(1).strip()[:300] if match else ""
    error = data.get("odata.error") or data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return ""
    message = error.get("message")
    if isinstance(message, dict):
        message = message.get("value")
    return str(message or "").strip()[:300]
