"""A small real OData server on localhost that answers like 1С's standard interface.

It is a true boundary double: the adapter talks to it over HTTP exactly as to 1С. It serves
`$metadata` (EDMX built from what is «published»), entity sets with `$filter` (`eq ne gt ge lt
le and or`, `guid'…'`, `datetime'…'`, strings, booleans), `$select` (an unknown field is
`400`, code 6 «Сегмент пути … не найден!», as 1С answers), `$top` / `$skip`, the register's
virtual tables `Balance(Period=…,Condition=…)` and `Turnovers(StartPeriod=…,EndPeriod=…,
Condition=…)`, and Basic authentication in UTF-8. A set that is not published answers `404`
with `odata.error`. It can be told to fail: `timeout` (sleeps), `500`, `bad_json`, `bom` (a
UTF-8 BOM before valid JSON), for all requests or the next N.
"""

import base64
import json
import re
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from mprating.finance.onec.mapping import DOCUMENT_TITLES

USER = "Обмен"
PASSWORD = "Секрет-1С-pass"
PREFIX = "/trade/odata/standard.odata/"
REGISTER = "AccumulationRegister_РасчетыСКлиентами"
SALE = "Document_РеализацияТоваровУслуг"
PAYMENT = "Document_ПоступлениеБезналичныхДенежныхСредств"
COUNTERPARTIES = "Catalog_Контрагенты"
ANALYTICS = "Catalog_КлючиАналитикиУчетаПоПартнерам"


def new_guid() -> str:
    return str(uuid.uuid4())


# ---- $filter ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<lit>(?:guid|datetime)?'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)"
    r"|(?P<paren>[()])|(?P<word>[^\W\d][\w/]*))",
    re.UNICODE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    result, position = [], 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"bad filter near {text[position:]!r}")
        kind = match.lastgroup or ""
        result.append((kind, match.group(kind)))
        position = match.end()
    return result


def _literal(kind: str, raw: str) -> Any:
    if kind == "num":
        return Decimal(raw)
    if raw in ("true", "false"):
        return raw == "true"
    body = raw[raw.index("'") + 1 : -1].replace("''", "'")
    return body.lower() if raw.startswith("guid") else body


class _Filter:
    """Recursive descent over the tokens: or → and → comparison | ( or )."""

    OPS = {
        "eq": lambda a, b: a == b,
        "ne": lambda a, b: a != b,
        "gt": lambda a, b: a is not None and a > b,
        "ge": lambda a, b: a is not None and a >= b,
        "lt": lambda a, b: a is not None and a < b,
        "le": lambda a, b: a is not None and a <= b,
    }

    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.tree = self._or()
        if self.position != len(self.tokens):
            raise ValueError("trailing tokens in filter")

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> tuple[str, str]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _or(self):
        parts = [self._and()]
        while self._peek() == ("word", "or"):
            self._take()
            parts.append(self._and())
        return ("or", parts)

    def _and(self):
        parts = [self._atom()]
        while self._peek() == ("word", "and"):
            self._take()
            parts.append(self._atom())
        return ("and", parts)

    def _atom(self):
        if self._peek() == ("paren", "("):
            self._take()
            inner = self._or()
            if self._take() != ("paren", ")"):
                raise ValueError("unbalanced parentheses")
            return inner
        _, field = self._take()
        _, op = self._take()
        kind, raw = self._take()
        return ("cmp", field, op, _literal(kind, raw))

    def matches(self, row: dict[str, Any], node=None) -> bool:
        kind, *rest = node or self.tree
        if kind == "or":
            return any(self.matches(row, part) for part in rest[0])
        if kind == "and":
            return all(self.matches(row, part) for part in rest[0])
        field, op, value = rest
        actual = row.get(field)
        if (
            isinstance(actual, str)
            and isinstance(value, str)
            and re.match(r"^[0-9a-f-]{36}$", value)
        ):
            actual = actual.lower()
        return self.OPS[op](actual, value)


# ---- the server ---------------------------------------------------------------------------------


class FakeOneC:
    def __init__(self) -> None:
        self.counterparties: list[dict[str, Any]] = []
        self.analytics: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        # every document set of the default mapping is published, most of them empty
        self.documents: dict[str, list[dict[str, Any]]] = {name: [] for name in DOCUMENT_TITLES}
        self.register_fields = [
            "Recorder",
            "Recorder_Type",
            "Period",
            "LineNumber",
            "Active",
            "RecordType",
            "АналитикаУчетаПоПартнерам_Key",
            "ЗаказКлиента",
            "Валюта_Key",
            "Сумма",
            "КОплате",
            "ЗаказКлиента_Type",
        ]
        self.unpublished: set[str] = set()
        self.failure: str | None = None
        self.failures_left: int | None = None  # None: every request fails
        self.sleep_seconds = 2.0
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # ---- data helpers ----------------------------------------------------------------------

    def add_counterparty(self, *, inn: str, name: str, code: str = "", deleted: bool = False):
        ref = new_guid()
        self.counterparties.append(
            {
                "Ref_Key": ref,
                "DeletionMark": deleted,
                "Code": code,
                "Description": name,
                "ИНН": inn,
                "КПП": "770701001",
            }
        )
        return ref

    def add_analytics_key(self, counterparty: str) -> str:
        ref = new_guid()
        self.analytics.append(
            {
                "Ref_Key": ref,
                "Description": "ключ аналитики",
                "Контрагент_Key": counterparty,
                "Партнер_Key": new_guid(),
                "Организация_Key": new_guid(),
            }
        )
        return ref

    def add_document(self, entity_set: str, *, number: str, date: str) -> str:
        ref = new_guid()
        self.documents.setdefault(entity_set, []).append(
            {"Ref_Key": ref, "Number": number, "Date": date, "Posted": True, "DeletionMark": False}
        )
        return ref

    def add_record(
        self,
        *,
        key: str,
        recorder: str,
        recorder_set: str,
        period: str,
        record_type: str,
        amount: str,
        active: bool = True,
    ) -> None:
        line = 1 + sum(1 for r in self.records if r["Recorder"] == recorder)
        self.records.append(
            {
                "Recorder": recorder,
                "Recorder_Type": f"StandardODATA.{recorder_set}",
                "Period": period,
                "LineNumber": line,
                "Active": active,
                "RecordType": record_type,
                "АналитикаУчетаПоПартнерам_Key": key,
                "ЗаказКлиента": new_guid(),
                "ЗаказКлиента_Type": "StandardODATA.Document_ЗаказКлиента",
                "Валюта_Key": new_guid(),
                "Сумма": Decimal(amount),
                "КОплате": Decimal("0"),
            }
        )

    def fail(self, failure: str | None, *, times: int | None = None) -> None:
        self.failure = failure
        self.failures_left = times

    def requests_to(self, resource: str) -> list[str]:
        return [r for r in self.requests if r.split("?", 1)[0] == resource]

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/trade"

    def start(self) -> "FakeOneC":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self)

            def log_message(self, *args) -> None:
                pass

        self._server = _QuietServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ---- sets as 1С publishes them ---------------------------------------------------------

    def _sets(self) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
        sets = {
            COUNTERPARTIES: (
                ["Ref_Key", "DeletionMark", "Code", "Description", "ИНН", "КПП"],
                self.counterparties,
            ),
            ANALYTICS: (
                ["Ref_Key", "Description", "Контрагент_Key", "Партнер_Key", "Организация_Key"],
                self.analytics,
            ),
            f"{REGISTER}_RecordType": (self.register_fields, self.records),
        }
        for name, rows in self.documents.items():
            sets[name] = (["Ref_Key", "Number", "Date", "Posted", "DeletionMark"], rows)
        return {name: value for name, value in sets.items() if name not in self.unpublished}

    def _register_published(self) -> bool:
        return REGISTER not in self.unpublished and f"{REGISTER}_RecordType" in self._sets()

    def metadata(self) -> str:
        types, entity_sets, functions = [], [], []
        for name, (fields, _) in self._sets().items():
            props = "".join(f'<Property Name="{f}" Type="Edm.String"/>' for f in fields)
            types.append(f'<EntityType Name="{name}">{props}</EntityType>')
            entity_sets.append(f'<EntitySet Name="{name}" EntityType="StandardODATA.{name}"/>')
        if self._register_published():
            types.append(
                f'<EntityType Name="{REGISTER}"><Property Name="Recorder" Type="Edm.String"/>'
                f'<Property Name="RecordSet" Type="Collection(StandardODATA.{REGISTER}_RowType)"/>'
                "</EntityType>"
            )
            entity_sets.append(
                f'<EntitySet Name="{REGISTER}" EntityType="StandardODATA.{REGISTER}"/>'
            )
            amounts = [f for f in self.register_fields if f in ("Сумма", "КОплате")]
            balance = "".join(f'<Property Name="{a}Balance" Type="Edm.Double"/>' for a in amounts)
            turnover = "".join(
                f'<Property Name="{a}{kind}" Type="Edm.Double"/>'
                for a in amounts
                for kind in ("Receipt", "Expense", "Turnover")
            )
            dims = '<Property Name="АналитикаУчетаПоПартнерам_Key" Type="Edm.Guid"/>'
            types.append(f'<ComplexType Name="{REGISTER}_Balance">{dims}{balance}</ComplexType>')
            types.append(f'<ComplexType Name="{REGISTER}_Turnover">{dims}{turnover}</ComplexType>')
            for function, row, params in (
                ("Balance", "Balance", ("Condition", "Dimensions", "Period")),
                ("Turnovers", "Turnover", ("Condition", "Dimensions", "EndPeriod", "StartPeriod")),
            ):
                parameters = "".join(f'<Parameter Name="{p}" Type="Edm.String"/>' for p in params)
                functions.append(
                    f'<FunctionImport Name="{function}" IsBindable="true" IsSideEffecting="false" '
                    f'ReturnType="Collection(StandardODATA.{REGISTER}_{row})">'
                    f'<Parameter Name="bindingParameter" Type="StandardODATA.{REGISTER}"/>'
                    f"{parameters}</FunctionImport>"
                )
        return (
            "<?xml version='1.0' encoding='UTF-8'?>"
            '<edmx:Edmx xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx" Version="1.0">'
            '<edmx:DataServices xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/'
            'metadata" m:DataServiceVersion="3.0">'
            '<Schema xmlns="http://schemas.microsoft.com/ado/2009/11/edm" '
            'Namespace="StandardODATA">'
            + "".join(types)
            + '<EntityContainer Name="StandardODATA" m:IsDefaultEntityContainer="true">'
            + "".join(entity_sets)
            + "".join(functions)
            + "</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"
        )

    # ---- request handling ------------------------------------------------------------------

    def _send(self, handler, status: int, body: bytes, content_type: str) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        if status == 401:
            handler.send_header("WWW-Authenticate", 'Basic realm="1C"')
        handler.end_headers()
        handler.wfile.write(body)

    def _json(self, handler, status: int, payload: dict[str, Any], *, bom: bool = False) -> None:
        body = json.dumps(payload, ensure_ascii=False, default=_number).encode()
        self._send(handler, status, (b"\xef\xbb\xbf" if bom else b"") + body, "application/json")

    def _error(self, handler, status: int, code: str, message: str) -> None:
        payload = {"odata.error": {"code": code, "message": {"lang": "ru", "value": message}}}
        self._json(handler, status, payload)

    def _handle(self, handler) -> None:
        expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if handler.headers.get("Authorization") != expected:
            self._send(handler, 401, b"", "text/plain")
            return
        parts = urlsplit(handler.path)
        resource = unquote(parts.path).removeprefix(PREFIX)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.requests.append(resource + ("?" + unquote(parts.query) if parts.query else ""))
            failure = self.failure
            if failure and self.failures_left is not None:
                self.failures_left -= 1
                if self.failures_left <= 0:
                    self.failure = None
        if failure == "timeout":
            time.sleep(self.sleep_seconds)
        elif failure == "500":
            self._error(handler, 500, "-1", "Произошла внутренняя ошибка OData сервиса.")
            return
        elif failure == "bad_json":
            self._send(handler, 200, b'{"odata.metadata": "x", "value": [', "application/json")
            return
        if resource == "$metadata":
            self._send(handler, 200, self.metadata().encode(), "application/xml")
            return
        if query.get("$format") != "json":
            self._send(handler, 200, b"<feed/>", "application/atom+xml")  # 1С's default
            return
        try:
            rows = self._rows(resource, query)
        except _UnknownField as field:
            self._error(handler, 400, "6", f"Сегмент пути {field.args[0]} не найден!")
            return
        except _NotPublished as missing:
            self._error(handler, 404, "9", f"Не найден ресурс {missing.args[0]}")
            return
        except ValueError as bad:
            self._error(handler, 400, "14", f"Ошибка при разборе опции запроса $filter: {bad}")
            return
        payload = {"odata.metadata": f"http://127.0.0.1{PREFIX}$metadata#{resource}", "value": rows}
        self._json(handler, 200, payload, bom=failure == "bom")

    def _rows(self, resource: str, query: dict[str, str]) -> list[dict[str, Any]]:
        virtual = re.match(rf"^{REGISTER}/(Balance|Turnovers)\((.*)\)$", resource, re.S)
        if virtual:
            if not self._register_published():
                raise _NotPublished(REGISTER)
            return self._virtual(virtual.group(1), virtual.group(2))
        sets = self._sets()
        if resource not in sets:
            raise _NotPublished(resource)
        fields, rows = sets[resource]
        selected = [f for f in query.get("$select", "").split(",") if f] or fields
        for name in selected:
            if name not in fields:
                raise _UnknownField(name)
        if "$filter" in query:
            condition = _Filter(query["$filter"])
            rows = [row for row in rows if condition.matches(row)]
        skip = int(query.get("$skip", 0))
        top = int(query["$top"]) if "$top" in query else None
        page = rows[skip : skip + top if top is not None else None]
        return [{name: row.get(name) for name in selected} for row in page]

    def _virtual(self, function: str, arguments: str) -> list[dict[str, Any]]:
        condition_match = re.search(r"Condition='(.*)'\s*$", arguments, re.S)
        condition = _Filter(condition_match.group(1)) if condition_match else None
        dates = dict(re.findall(r"(\w+)=datetime'([^']*)'", arguments))
        dimension = "АналитикаУчетаПоПартнерам_Key"
        amounts = [f for f in self.register_fields if f in ("Сумма", "КОплате")]
        totals: dict[str, dict[str, Decimal]] = {}
        for record in self.records:
            if not record["Active"] or (condition and not condition.matches(record)):
                continue
            period = record["Period"]
            if function == "Balance" and "Period" in dates and not period < dates["Period"]:
                continue
            if function == "Turnovers" and not (
                dates.get("StartPeriod", "") <= period <= dates.get("EndPeriod", "9999")
            ):
                continue
            bucket = totals.setdefault(record[dimension], {})
            for amount in amounts:
                value = record[amount]
                if function == "Balance":
                    key = f"{amount}Balance"
                    sign = 1 if record["RecordType"] == "Receipt" else -1
                    bucket[key] = bucket.get(key, Decimal(0)) + sign * value
                else:
                    kind = "Receipt" if record["RecordType"] == "Receipt" else "Expense"
                    bucket[f"{amount}{kind}"] = bucket.get(f"{amount}{kind}", Decimal(0)) + value
        return [{dimension: key, **values} for key, values in totals.items()]


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A client that gave up (a timeout test) breaks the pipe; that is expected."""


class _UnknownField(Exception):
    pass


class _NotPublished(Exception):
    pass


def _number(value: Any) -> Any:
    """Decimals go out as JSON numbers, as 1С sends Edm.Double."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(type(value))
