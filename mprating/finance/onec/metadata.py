"""The server's `$metadata` (EDMX) and what the mapping needs from it, in Russian.

1С publishes only the objects chosen in the composition of its standard OData interface; every
other set is missing from `$metadata`. Virtual tables of a register (`Balance`, `Turnovers`) are
not sets but bound `FunctionImport`s whose `bindingParameter` is the register's type; their
rows are `ComplexType`s (`…_Balance` with `<resource>Balance`). Records of a register one by
one are the set `<register>_RecordType`.
"""

from dataclasses import dataclass, field

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from mprating.finance.onec.mapping import Mapping
from mprating.finance.onec.odata import OneCError

PUBLISH_HINT = (
    "добавьте его в состав стандартного интерфейса OData: в 1С откройте «Администрирование» → "
    "«Синхронизация данных» → «Настройка стандартного интерфейса OData», отметьте объект и "
    "нажмите «Сохранить» (или программно: УстановитьСоставСтандартногоИнтерфейсаOData)"
)


@dataclass
class Metadata:
    entity_sets: dict[str, str] = field(default_factory=dict)  # set → type (no namespace)
    types: dict[str, list[str]] = field(default_factory=dict)  # type → property names
    # (function, bound type) → result row type
    functions: dict[tuple[str, str], str] = field(default_factory=dict)

    def fields_of(self, entity_set: str) -> list[str] | None:
        type_name = self.entity_sets.get(entity_set)
        return None if type_name is None else self.types.get(type_name, [])

    def function_row(self, function: str, entity_set: str) -> list[str] | None:
        """Properties of the rows of `entity_set/function(…)`, or None if not published."""
        type_name = self.entity_sets.get(entity_set)
        if type_name is None or (function, type_name) not in self.functions:
            return None
        return self.types.get(self.functions[(function, type_name)], [])


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _strip_namespace(type_name: str) -> str:
    if type_name.startswith("Collection(") and type_name.endswith(")"):
        type_name = type_name[len("Collection(") : -1]
    return type_name.rsplit(".", 1)[-1]


def parse_metadata(body: bytes) -> Metadata:
    try:
        root = ElementTree.fromstring(body)
    except (ElementTree.ParseError, DefusedXmlException, ValueError) as exc:
        raise OneCError(
            "bad_response", "Описание $metadata от 1С не читается как XML (EDMX)."
        ) from exc
    metadata = Metadata()
    for element in root.iter():
        kind = _local(element.tag)
        if kind in ("EntityType", "ComplexType"):
            metadata.types[element.get("Name", "")] = [
                child.get("Name", "")
                for child in element
                if _local(child.tag) in ("Property", "NavigationProperty")
            ]
        elif kind == "EntitySet":
            metadata.entity_sets[element.get("Name", "")] = _strip_namespace(
                element.get("EntityType", "")
            )
        elif kind == "FunctionImport":
            bound = next(
                (
                    _strip_namespace(p.get("Type", ""))
                    for p in element
                    if _local(p.tag) == "Parameter" and p.get("Name") == "bindingParameter"
                ),
                None,
            )
            if bound:
                metadata.functions[(element.get("Name", ""), bound)] = _strip_namespace(
                    element.get("ReturnType", "")
                )
    return metadata


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _missing_set(entity_set: str) -> str:
    return f"В опубликованных объектах нет {entity_set} — {PUBLISH_HINT}."


def _missing_field(what: str, entity_set: str, name: str, available: list[str]) -> str:
    hint = [f for f in available if not f.endswith("_Type")][:12]
    tail = f" Есть поля: {', '.join(hint)}." if hint else ""
    return f"У {what} {entity_set} нет поля {name}.{tail}"


def check_mapping(mapping: Mapping, metadata: Metadata) -> CheckResult:
    """Everything the mapping names, looked up in `$metadata`; missing pieces in Russian."""
    result = CheckResult()

    def need(what: str, entity_set: str, names: list[str]) -> None:
        available = metadata.fields_of(entity_set)
        if available is None:
            result.problems.append(_missing_set(entity_set))
            return
        for name in names:
            if name and name not in available:
                result.problems.append(_missing_field(what, entity_set, name, available))

    need(
        "справочника",
        mapping.counterparty_set,
        ["Ref_Key", mapping.counterparty_inn, mapping.counterparty_name, "DeletionMark"],
    )
    counterparty_fields = metadata.fields_of(mapping.counterparty_set)
    if (
        counterparty_fields is not None
        and mapping.counterparty_code
        and mapping.counterparty_code not in counterparty_fields
    ):
        result.warnings.append(
            f"У справочника {mapping.counterparty_set} нет поля {mapping.counterparty_code}: "
            "сопоставляйте клиентов с контрагентами по ИНН или по Ref_Key, а не по коду."
        )
    if mapping.uses_analytics:
        need("справочника", mapping.analytics_set, ["Ref_Key", mapping.analytics_counterparty])

    register_fields = metadata.fields_of(mapping.records_set)
    if register_fields is None:
        result.problems.append(_missing_set(mapping.register))
    else:
        for name in (
            mapping.register_counterparty,
            mapping.register_amount,
            mapping.register_period,
            mapping.register_recorder,
            mapping.register_recorder_type,
            mapping.register_record_type,
            "Active",
        ):
            if name not in register_fields:
                result.problems.append(
                    _missing_field("регистра", mapping.register, name, register_fields)
                )
        balance_row = metadata.function_row("Balance", mapping.register)
        if balance_row is None:
            result.problems.append(
                f"У регистра {mapping.register} не опубликована виртуальная таблица остатков "
                "(Balance): нужен регистр накопления остатков, опубликованный целиком."
            )
        elif balance_row and f"{mapping.register_amount}Balance" not in balance_row:
            result.problems.append(
                f"В остатках регистра {mapping.register} нет поля "
                f"{mapping.register_amount}Balance: проверьте ресурс суммы (register_amount)."
            )
        if metadata.function_row("Turnovers", mapping.register) is None:
            result.problems.append(
                f"У регистра {mapping.register} не опубликована виртуальная таблица оборотов "
                "(Turnovers)."
            )

    unpublished = []
    for entity_set in mapping.documents:
        available = metadata.fields_of(entity_set)
        if available is None:
            unpublished.append(entity_set)
            continue
        for name in (mapping.document_number, mapping.document_date):
            if name not in available:
                result.warnings.append(_missing_field("документа", entity_set, name, available))
    if unpublished:
        result.warnings.append(
            f"Не опубликованы документы {', '.join(unpublished)}: движения по ним клиент увидит "
            "без номера и даты документа. Опубликуйте те из них, что проводятся по расчётам "
            "с клиентами."
        )
    return result
