"""«Проверить подключение»: the mapping against the server's $metadata, said in Russian."""

import pytest

from mprating.core.errors import ApplicationError
from mprating.finance.onec import services
from mprating.finance.onec.mapping import Mapping, mapping_from_json
from mprating.finance.onec.metadata import check_mapping, parse_metadata
from mprating.finance.onec.models import OneCChange, OneCConnection
from mprating.finance.onec.odata import OneCError
from mprating.finance.onec.tests.fake_onec import REGISTER, SALE, FakeOneC

pytestmark = pytest.mark.django_db


def test_everything_published_passes(connection, admin_user):
    result = services.connection_check(by=admin_user)

    assert result.ok, result.problems
    assert result.warnings == []
    row = OneCConnection.objects.get()
    assert row.check_ok is True
    assert OneCChange.objects.filter(action="check", comment="успешно").exists()


def test_a_register_field_the_mapping_names_is_missing(connection, admin_user):
    # given: a configuration whose register calls the amount «СуммаВзаиморасчетов»
    services.connection_update(
        base_url=connection.base_url,
        username=connection.username,
        password=None,
        timeout_seconds=None,
        mapping={"register_amount": "СуммаВзаиморасчетов"},
        by=admin_user,
    )

    # when
    result = services.connection_check(by=admin_user)

    # then
    assert not result.ok
    assert result.problems[0].startswith(
        f"У регистра {REGISTER} нет поля СуммаВзаиморасчетов. Есть поля: Recorder, "
    )
    assert "Сумма" in result.problems[0]
    assert OneCConnection.objects.get().check_problems == result.problems


def test_an_unpublished_register_says_how_to_publish_it(connection, admin_user, onec):
    onec.unpublished.update({REGISTER, f"{REGISTER}_RecordType"})

    result = services.connection_check(by=admin_user)

    assert result.problems == [
        f"В опубликованных объектах нет {REGISTER} — добавьте его в состав стандартного "
        "интерфейса OData: в 1С откройте «Администрирование» → «Синхронизация данных» → "
        "«Настройка стандартного интерфейса OData», отметьте объект и нажмите «Сохранить» "
        "(или программно: УстановитьСоставСтандартногоИнтерфейсаOData)."
    ]


def test_an_unpublished_document_is_only_a_warning(connection, admin_user, onec):
    onec.unpublished.add(SALE)

    result = services.connection_check(by=admin_user)

    assert result.ok
    assert result.warnings == [
        f"Не опубликованы документы {SALE}: движения по ним клиент увидит без номера и даты "
        "документа. Опубликуйте те из них, что проводятся по расчётам с клиентами."
    ]


def test_a_wrong_password_is_reported(connection, admin_user):
    services.connection_update(
        base_url=connection.base_url,
        username=connection.username,
        password="неверный",
        timeout_seconds=None,
        mapping=None,
        by=admin_user,
    )

    result = services.connection_check(by=admin_user)

    assert not result.ok
    assert "не приняла логин или пароль" in result.problems[0]


def test_nothing_configured(db, admin_user):
    result = services.connection_check(by=admin_user)

    assert result.problems == ["Не заданы адрес публикации и пользователь 1С — сохраните их."]


def test_a_register_without_balance_is_not_a_balance_register():
    fake = FakeOneC()
    metadata = parse_metadata(fake.metadata().encode().replace(b'Name="Balance"', b'Name="X"'))

    result = check_mapping(Mapping(), metadata)

    assert result.problems == [
        f"У регистра {REGISTER} не опубликована виртуальная таблица остатков (Balance): нужен "
        "регистр накопления остатков, опубликованный целиком."
    ]


def test_metadata_that_is_not_xml():
    with pytest.raises(OneCError) as error:
        parse_metadata(b"<html>Bad gateway")

    assert error.value.message == "Описание $metadata от 1С не читается как XML (EDMX)."


def test_metadata_with_an_entity_bomb_is_refused():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'

    with pytest.raises(OneCError):
        parse_metadata(bomb)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ("{", "не JSON"),
        ('["a"]', "JSON-объектом"),
        ('{"nope": "x"}', "Неизвестные ключи в соответствии полей: nope"),
        ('{"register": "Bad name"}', "«Bad name» — не имя 1С"),
        ('{"register_amount": ""}', "не может быть пустым"),
        ('{"receipt_is_debit": "yes"}', "true или false"),
        ('{"documents": {"Catalog_X": "Y"}}', "не имя набора документов"),
        ('{"analytics_counterparty": ""}', "не задано его поле с контрагентом"),
    ],
)
def test_a_bad_mapping_is_refused_in_russian(raw, words):
    with pytest.raises(ApplicationError) as error:
        mapping_from_json(raw)

    assert words in error.value.message


def test_missing_mapping_keys_keep_their_defaults():
    mapping = mapping_from_json('{"analytics_set": "", "register_counterparty": "Контрагент_Key"}')

    assert mapping.uses_analytics is False
    assert mapping.register_amount == "Сумма"
    assert mapping.document_title("Document_АвансовыйОтчет") == "Авансовый отчет"
