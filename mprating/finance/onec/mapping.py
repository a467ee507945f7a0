"""Where the data lives in 1С: entity set and field names, with validated defaults.

Names differ between 1С:Управление торговлей 11.4 and 11.5 and with local changes, so none of
them is written into the queries: every query is built from a `Mapping`, which the back office
keeps as JSON on the connection settings and checks against the server's `$metadata`
(«Проверить подключение»).

The defaults follow a typical УТ 11: settlements with clients are the balance register
«Расчеты с клиентами» whose dimension is the analytics key «Ключи аналитики учета по
партнерам» (which holds the counterparty); its resource «Сумма» grows with a sale (record type
Receipt, «приход») and falls with a payment (Expense, «расход»), so a positive register balance
is the client's debt. A configuration whose register has the counterparty as a dimension
itself leaves `analytics_set` empty and names that dimension in `register_counterparty`.
"""

import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from mprating.core.errors import ApplicationError

DOCUMENT_TITLES: dict[str, str] = {
    "Document_РеализацияТоваровУслуг": "Реализация товаров и услуг",
    "Document_ПоступлениеБезналичныхДенежныхСредств": "Поступление безналичных денежных средств",
    "Document_ПриходныйКассовыйОрдер": "Приходный кассовый ордер",
    "Document_ОперацияПоПлатежнойКарте": "Операция по платёжной карте",
    "Document_ВозвратТоваровОтКлиента": "Возврат товаров от клиента",
    "Document_КорректировкаРеализации": "Корректировка реализации",
    "Document_ВзаимозачетЗадолженности": "Взаимозачёт задолженности",
    "Document_СписаниеЗадолженности": "Списание задолженности",
    "Document_РасходныйКассовыйОрдер": "Расходный кассовый ордер",
    "Document_СписаниеБезналичныхДенежныхСредств": "Списание безналичных денежных средств",
    "Document_ВводОстатков": "Ввод остатков",
}

# Names are put into $filter and URL paths: only letters, digits and «_» (1С identifiers).
_NAME = re.compile(r"^[^\W\d]\w*$")


@dataclass(frozen=True)
class Mapping:
    """Entity sets and field names of one 1С configuration (see the module docstring)."""

    counterparty_set: str = "Catalog_Контрагенты"
    counterparty_inn: str = "ИНН"
    counterparty_code: str = "Code"
    counterparty_name: str = "Description"
    analytics_set: str = "Catalog_КлючиАналитикиУчетаПоПартнерам"
    analytics_counterparty: str = "Контрагент_Key"
    register: str = "AccumulationRegister_РасчетыСКлиентами"
    register_counterparty: str = "АналитикаУчетаПоПартнерам_Key"
    register_amount: str = "Сумма"
    register_period: str = "Period"
    register_recorder: str = "Recorder"
    register_recorder_type: str = "Recorder_Type"
    register_record_type: str = "RecordType"
    receipt_is_debit: bool = True
    document_number: str = "Number"
    document_date: str = "Date"
    documents: dict[str, str] = field(default_factory=lambda: dict(DOCUMENT_TITLES))

    @property
    def records_set(self) -> str:
        """The register's records one by one (`Period` and dimensions at the top level)."""
        return f"{self.register}_RecordType"

    @property
    def uses_analytics(self) -> bool:
        return bool(self.analytics_set)

    def document_title(self, entity_set: str) -> str:
        """«Реализация товаров и услуг» for a document set; an unmapped one is spelt out from
        its name («Document_АвансовыйОтчет» → «Авансовый отчет»)."""
        if entity_set in self.documents:
            return self.documents[entity_set]
        name = entity_set.removeprefix("Document_")
        words = re.findall(r"[А-ЯЁA-Z][а-яёa-z0-9]*|[а-яёa-z0-9]+", name)
        if not words:
            return name
        return " ".join([words[0], *(w.lower() for w in words[1:])])

    def as_json(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


_OPTIONAL = {"analytics_set", "analytics_counterparty", "counterparty_code"}
_LABELS = {
    "counterparty_set": "справочник контрагентов",
    "counterparty_inn": "поле ИНН контрагента",
    "counterparty_code": "поле кода контрагента",
    "counterparty_name": "поле наименования контрагента",
    "analytics_set": "справочник ключей аналитики",
    "analytics_counterparty": "поле контрагента в ключе аналитики",
    "register": "регистр расчётов с клиентами",
    "register_counterparty": "измерение регистра с контрагентом или ключом аналитики",
    "register_amount": "ресурс суммы регистра",
    "register_period": "поле периода регистра",
    "register_recorder": "поле регистратора",
    "register_recorder_type": "поле типа регистратора",
    "register_record_type": "поле вида движения",
    "document_number": "поле номера документа",
    "document_date": "поле даты документа",
}


def _invalid(message: str) -> ApplicationError:
    return ApplicationError("onec_mapping_invalid", message, field="mapping")


def mapping_from_json(raw: Any) -> Mapping:
    """The mapping saved in the back office (a dict, or JSON text) over the defaults.

    Missing keys keep their defaults, so a mapping saved before a new key appeared still
    works; an unknown key or a malformed name is an `ApplicationError` with a Russian message.
    """
    if raw in (None, "", {}):
        return Mapping()
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise _invalid(
                f"Соответствие полей — не JSON: {exc.msg} (строка {exc.lineno})."
            ) from exc
    if not isinstance(raw, dict):
        raise _invalid('Соответствие полей должно быть JSON-объектом: {"ключ": "значение"}.')
    known = {f.name for f in fields(Mapping)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _invalid(
            f"Неизвестные ключи в соответствии полей: {', '.join(unknown)}. "
            f"Допустимые: {', '.join(sorted(known))}."
        )
    values: dict[str, Any] = {}
    for name, value in raw.items():
        if name == "receipt_is_debit":
            if not isinstance(value, bool):
                raise _invalid("«receipt_is_debit» должно быть true или false.")
            values[name] = value
        elif name == "documents":
            values[name] = _documents(value)
        else:
            values[name] = _name(name, value)
    mapping = Mapping(**values)
    if mapping.analytics_set and not mapping.analytics_counterparty:
        raise _invalid(
            "Задан справочник ключей аналитики (analytics_set), но не задано его поле "
            "с контрагентом (analytics_counterparty)."
        )
    return mapping


def _name(key: str, value: Any) -> str:
    label = _LABELS.get(key, key)
    if not isinstance(value, str):
        raise _invalid(f"«{key}» ({label}) должно быть строкой.")
    value = value.strip()
    if not value:
        if key in _OPTIONAL:
            return ""
        raise _invalid(f"«{key}» ({label}) не может быть пустым.")
    if not _NAME.match(value):
        raise _invalid(f"«{key}» ({label}): «{value}» — не имя 1С; допустимы буквы, цифры и «_».")
    return value


def _documents(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _invalid('«documents» должно быть объектом {"Document_Имя": "Название для клиента"}.')
    result = {}
    for name, title in value.items():
        if not isinstance(name, str) or not _NAME.match(name) or not name.startswith("Document_"):
            raise _invalid(f"«documents»: «{name}» — не имя набора документов (Document_…).")
        if not isinstance(title, str) or not title.strip():
            raise _invalid(f"«documents»: у «{name}» не задано название.")
        result[name] = title.strip()
    return result


def mapping_to_text(mapping: Mapping) -> str:
    """JSON for the back office form: Cyrillic as is, one key a line."""
    return json.dumps(mapping.as_json(), ensure_ascii=False, indent=2)
