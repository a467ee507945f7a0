"""Reading a client's settlements out of 1С (network only; nothing here writes the database).

Seed 004: «Информация получается путём запроса и выгрузки её с учётной системы интернет-магазина,
например такой как, “1С:Управление торговлей”». The steps, each a plain OData query built from
the `Mapping`:

1. the counterparty: `Catalog_Контрагенты` by ИНН (not marked for deletion; a company with
   branches may have several), or by the Ref_Key / code linked in the back office;
2. the register's keys for it: in УТ 11 the analytics keys that name this counterparty
   (`Catalog_КлючиАналитикиУчетаПоПартнерам`), or the counterparty itself;
3. the balance: `AccumulationRegister_…/Balance(Period=datetime'…',Condition='…')`, summed over
   batches of keys; records at the moment itself are not counted (1С's «на начало момента»);
4. the movements of a window: `AccumulationRegister_…_RecordType` filtered by `Period` and keys,
   page by page, grouped by document (`Recorder`), checked against
   `Turnovers(StartPeriod=…,EndPeriod=…)` so a page lost while 1С was posting is noticed;
5. document labels: `Document_…` by `Ref_Key` in batches → «Реализация товаров и услуг № … от
   ДД.ММ.ГГГГ».

Dates go to 1С and come back in its local time (`FINANCE_ONEC_TIMEZONE`, Moscow by default) and
are aware datetimes everywhere else.
"""

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from mprating.core.money import to_money
from mprating.finance.gateway import Movement
from mprating.finance.onec.mapping import Mapping
from mprating.finance.onec.odata import (
    ODataClient,
    OneCError,
    any_of,
    batches,
    datetime_literal,
    guid_literal,
    parse_datetime,
    string_literal,
)

logger = logging.getLogger(__name__)

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ZERO = Decimal("0.00")


class CounterpartyNotFound(Exception):
    """The client has no counterparty in 1С: a state to show, not a failure."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Counterparty:
    keys: tuple[str, ...]  # Ref_Key of the counterparty (several for one ИНН)
    name: str
    register_keys: tuple[str, ...]  # values of the register's counterparty dimension


@dataclass(frozen=True)
class Snapshot:
    counterparty: Counterparty
    balance: Decimal
    window_start: datetime
    window_end: datetime
    movements: list[Movement]


@dataclass
class _Totals:
    receipt: Decimal = ZERO
    expense: Decimal = ZERO


class OneCReader:
    def __init__(
        self, client: ODataClient, mapping: Mapping, *, timezone: str, batch_size: int
    ) -> None:
        self.client = client
        self.mapping = mapping
        self.zone = ZoneInfo(timezone)
        self.batch_size = batch_size

    # ---- time -------------------------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone).replace(tzinfo=None, microsecond=0)

    def _aware(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone)

    # ---- 1. counterparty --------------------------------------------------------------------

    def find_counterparty(self, *, inn: str = "", reference: str = "") -> Counterparty:
        m = self.mapping
        select = ["Ref_Key", m.counterparty_name]
        reference = reference.strip()
        if reference and GUID.match(reference):
            condition = f"Ref_Key eq {guid_literal(reference.lower())}"
            missing = f"Контрагент с ключом {reference} не найден в 1С."
        elif reference:
            if not m.counterparty_code:
                raise CounterpartyNotFound(
                    f"Контрагент указан кодом «{reference}», но поиск по коду выключен в "
                    "соответствии полей (counterparty_code) — укажите Ref_Key."
                )
            condition = f"{m.counterparty_code} eq {string_literal(reference)}"
            missing = f"Контрагент с кодом «{reference}» не найден в 1С."
        elif inn:
            condition = f"{m.counterparty_inn} eq {string_literal(inn)} and DeletionMark eq false"
            missing = f"Контрагент не найден в 1С по ИНН {inn}."
        else:
            raise CounterpartyNotFound(
                "У клиента не указан ИНН, и он не сопоставлен с контрагентом 1С вручную."
            )
        rows = list(self.client.iterate(m.counterparty_set, filter=condition, select=select))
        if not rows:
            raise CounterpartyNotFound(missing)
        keys = tuple(dict.fromkeys(str(row["Ref_Key"]) for row in rows))
        name = "; ".join(dict.fromkeys(str(row.get(m.counterparty_name) or "") for row in rows))
        return Counterparty(
            keys=keys, name=name.strip("; "), register_keys=self._register_keys(keys)
        )

    def _register_keys(self, counterparty_keys: tuple[str, ...]) -> tuple[str, ...]:
        m = self.mapping
        if not m.uses_analytics:
            return counterparty_keys
        rows = self.client.iterate_by_keys(
            m.analytics_set,
            field=m.analytics_counterparty,
            keys=counterparty_keys,
            batch_size=self.batch_size,
            select=["Ref_Key"],
        )
        return tuple(dict.fromkeys(str(row["Ref_Key"]) for row in rows))

    # ---- 3. balance -------------------------------------------------------------------------

    def _condition(self, keys: list[str]) -> str:
        # 1С reads the condition up to the closing quote of the parameter, guid literals inside.
        return f"Condition='{any_of(self.mapping.register_counterparty, keys)}'"

    def balance(self, counterparty: Counterparty, *, at: datetime | None = None) -> Decimal:
        """The client's balance before the moment `at` (now if None): credits − debits,
        positive when the store owes the client."""
        m = self.mapping
        total = ZERO
        for batch in batches(counterparty.register_keys, self.batch_size):
            params = [self._condition(batch)]
            if at is not None:
                params.insert(0, f"Period={datetime_literal(self._local(at))}")
            for row in self.client.rows(f"{m.register}/Balance({','.join(params)})"):
                total += _amount(row.get(f"{m.register_amount}Balance"))
        balance = -total if m.receipt_is_debit else total
        return to_money(balance) if balance else ZERO

    # ---- 4. movements -----------------------------------------------------------------------

    def _turnovers(self, counterparty: Counterparty, start: datetime, end: datetime) -> _Totals:
        m = self.mapping
        totals = _Totals()
        # Turnovers count both ends; the window is [start, end).
        last = self._local(end) - timedelta(seconds=1)
        for batch in batches(counterparty.register_keys, self.batch_size):
            call = (
                f"{m.register}/Turnovers(StartPeriod={datetime_literal(self._local(start))},"
                f"EndPeriod={datetime_literal(last)},{self._condition(batch)})"
            )
            for row in self.client.rows(call):
                totals.receipt += _amount(row.get(f"{m.register_amount}Receipt"))
                totals.expense += _amount(row.get(f"{m.register_amount}Expense"))
        return totals

    def _records(
        self, counterparty: Counterparty, start: datetime, end: datetime
    ) -> tuple[list[dict[str, Any]], _Totals]:
        m = self.mapping
        period = (
            f"{m.register_period} ge {datetime_literal(self._local(start))} and "
            f"{m.register_period} lt {datetime_literal(self._local(end))}"
        )
        rows = []
        totals = _Totals()
        for row in self.client.iterate_by_keys(
            m.records_set,
            field=m.register_counterparty,
            keys=counterparty.register_keys,
            batch_size=self.batch_size,
            filter=period,
            select=[
                m.register_recorder,
                m.register_recorder_type,
                m.register_period,
                m.register_record_type,
                m.register_amount,
                "Active",
            ],
        ):
            if row.get("Active") is False:
                continue
            rows.append(row)
            if row.get(m.register_record_type) == "Receipt":
                totals.receipt += _amount(row.get(m.register_amount))
            else:
                totals.expense += _amount(row.get(m.register_amount))
        return rows, totals

    def movements(
        self, counterparty: Counterparty, *, start: datetime, end: datetime
    ) -> list[Movement]:
        """Movements in [start, end), one per document, oldest first."""
        if not counterparty.register_keys:
            return []
        rows, totals = self._records(counterparty, start, end)
        expected = self._turnovers(counterparty, start, end)
        if (totals.receipt, totals.expense) != (expected.receipt, expected.expense):
            logger.warning("1С records and turnovers differ; reading the period again")
            rows, totals = self._records(counterparty, start, end)
            expected = self._turnovers(counterparty, start, end)
            if (totals.receipt, totals.expense) != (expected.receipt, expected.expense):
                raise OneCError(
                    "inconsistent",
                    "Движения из 1С не сходятся с оборотами регистра за тот же период — "
                    "вероятно, документы проводились во время загрузки. Синхронизация "
                    "повторится в следующий раз.",
                )
        return self._by_document(rows)

    def _by_document(self, rows: list[dict[str, Any]]) -> list[Movement]:
        m = self.mapping
        grouped: dict[tuple[str, str], dict[str, Any]] = {}
        for row in rows:
            set_name = str(row.get(m.register_recorder_type) or "").rsplit(".", 1)[-1]
            key = (set_name, str(row.get(m.register_recorder) or ""))
            moment = parse_datetime(row.get(m.register_period))
            entry = grouped.setdefault(key, {"at": moment, "debit": ZERO, "credit": ZERO})
            if moment and (entry["at"] is None or moment < entry["at"]):
                entry["at"] = moment
            amount = _amount(row.get(m.register_amount))
            is_receipt = row.get(m.register_record_type) == "Receipt"
            charge = amount if is_receipt == m.receipt_is_debit else -amount
            if charge >= 0:
                entry["debit"] += charge
            else:
                entry["credit"] -= charge
        labels = self._labels(list(grouped))
        movements = [
            Movement(
                occurred_at=self._aware(entry["at"]),
                document=labels.get(key) or self._fallback_label(key[0], entry["at"]),
                debit=to_money(entry["debit"]),
                credit=to_money(entry["credit"]),
                ref=key[1],
            )
            for key, entry in grouped.items()
            if entry["at"] is not None
        ]
        return sorted(movements, key=lambda mv: (mv.occurred_at, mv.document, mv.ref))

    # ---- 5. document labels -----------------------------------------------------------------

    def _fallback_label(self, set_name: str, moment: datetime) -> str:
        return f"{self.mapping.document_title(set_name)} от {moment:%d.%m.%Y}"

    def _labels(self, recorders: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
        m = self.mapping
        by_set: dict[str, list[str]] = defaultdict(list)
        for set_name, ref in recorders:
            if set_name.startswith("Document_") and GUID.match(ref):
                by_set[set_name].append(ref)
        labels = {}
        for set_name, refs in by_set.items():
            title = m.document_title(set_name)
            try:
                rows = list(
                    self.client.iterate_by_keys(
                        set_name,
                        field="Ref_Key",
                        keys=refs,
                        batch_size=self.batch_size,
                        select=["Ref_Key", m.document_number, m.document_date],
                    )
                )
            except OneCError as error:
                if error.kind in ("not_found", "http", "forbidden"):
                    # Not published or not readable: the movement keeps a label without number.
                    logger.warning("1С documents %s unavailable: %s", set_name, error.kind)
                    continue
                raise
            for row in rows:
                number = str(row.get(m.document_number) or "").strip()
                date = parse_datetime(row.get(m.document_date))
                label = title + (f" № {number}" if number else "")
                if date:
                    label += f" от {date:%d.%m.%Y}"
                labels[(set_name, str(row["Ref_Key"]))] = label[:255]
        return labels

    # ---- everything for one client ----------------------------------------------------------

    def snapshot(self, *, inn: str, reference: str, start: datetime, end: datetime) -> Snapshot:
        counterparty = self.find_counterparty(inn=inn, reference=reference)
        movements = self.movements(counterparty, start=start, end=end)
        balance = self.balance(counterparty, at=end) if counterparty.register_keys else ZERO
        return Snapshot(
            counterparty=counterparty,
            balance=balance,
            window_start=start,
            window_end=end,
            movements=movements,
        )


def _amount(value: Any) -> Decimal:
    """Amounts arrive as JSON numbers (read as Decimal) or, rarely, strings."""
    if value is None or value == "":
        return ZERO
    if isinstance(value, float):  # never produced by our parser; guard anyway
        value = repr(value)
    try:
        return Decimal(value)
    except ArithmeticError as exc:
        raise OneCError("bad_response", f"1С прислала сумму «{value}», а не число.") from exc
