"""How many records a back office list holds, in Russian: «41 клиент», «6 заявок», «9 писем».

Unfold prints the number before the model's plural name («41 клиенты»); Russian needs the
noun in one of three forms, which Django's model options do not carry. The forms live here, one
line per model the back office lists (a test keeps the table complete for every registered
model and paginated inline)."""

from mprating.core.text import count_ru

NOUN_FORMS: dict[str, tuple[str, str, str]] = {
    "accounts.client": ("клиент", "клиента", "клиентов"),
    "accounts.user": ("пользователь", "пользователя", "пользователей"),
    "accounts.deletionrequest": (
        "запрос на удаление",
        "запроса на удаление",
        "запросов на удаление",
    ),
    "accounts.personaldataview": ("просмотр", "просмотра", "просмотров"),
    "accounts.apitoken": ("API-токен", "API-токена", "API-токенов"),
    "auth.group": ("группа", "группы", "групп"),
    "axes.accessattempt": ("попытка доступа", "попытки доступа", "попыток доступа"),
    "axes.accesslog": ("запись о доступе", "записи о доступе", "записей о доступе"),
    "axes.accessfailurelog": ("ошибка доступа", "ошибки доступа", "ошибок доступа"),
    "core.outgoingemail": ("письмо", "письма", "писем"),
    "vehicles.make": ("марка", "марки", "марок"),
    "vehicles.vehiclemodel": ("модель", "модели", "моделей"),
    "vehicles.generation": ("поколение", "поколения", "поколений"),
    "vehicles.modification": ("модификация", "модификации", "модификаций"),
    "catalog.brand": ("бренд", "бренда", "брендов"),
    "catalog.category": ("категория", "категории", "категорий"),
    "catalog.warehouse": ("склад", "склада", "складов"),
    "catalog.crosslink": ("кросс-связь", "кросс-связи", "кросс-связей"),
    "catalog.applicability": ("запись применимости", "записи применимости", "записей применимости"),
    "catalog.product": ("товар", "товара", "товаров"),
    "catalog.offer": ("предложение", "предложения", "предложений"),
    "catalog.importjob": ("импорт", "импорта", "импортов"),
    "pickup_points.pickuppoint": ("пункт выдачи", "пункта выдачи", "пунктов выдачи"),
    "finance.ledgerentry": ("операция", "операции", "операций"),
    "finance.statement": ("акт сверки", "акта сверки", "актов сверки"),
    "finance.clientaccount": ("баланс клиента", "баланса клиентов", "балансов клиентов"),
    "finance.oneccounterpartylink": ("сопоставление", "сопоставления", "сопоставлений"),
    "finance.onecclientstate": ("клиент", "клиента", "клиентов"),
    "finance.onecchange": ("изменение", "изменения", "изменений"),
    "finance.onecconnection": ("подключение", "подключения", "подключений"),
    "billing.package": ("пакет", "пакета", "пакетов"),
    "billing.packagepurchase": ("покупка", "покупки", "покупок"),
    "orders.order": ("заявка", "заявки", "заявок"),
    "orders.orderline": ("позиция", "позиции", "позиций"),
    "orders.orderstatus": ("статус", "статуса", "статусов"),
    "garage.vinrequest": ("VIN-запрос", "VIN-запроса", "VIN-запросов"),
    "garage.vinsettings": ("запись", "записи", "записей"),
    "garage.originalcataloglink": ("каталог", "каталога", "каталогов"),
    "marketplaces.marketplaceaccount": ("аккаунт", "аккаунта", "аккаунтов"),
    "marketplaces.buyout": ("выкуп", "выкупа", "выкупов"),
    "marketplaces.accounthistory": ("событие", "события", "событий"),
    "marketplaces.marketplacesettings": ("запись", "записи", "записей"),
    "marketplaces.buyoutlinestatus": ("статус", "статуса", "статусов"),
    "returns.returnreason": ("причина", "причины", "причин"),
    "returns.returnrequest": ("возврат", "возврата", "возвратов"),
    "partners.partnerapplication": ("заявка партнёра", "заявки партнёров", "заявок партнёров"),
    "partners.partnersettings": ("запись", "записи", "записей"),
    "partners.pointstatistics": ("пункт выдачи", "пункта выдачи", "пунктов выдачи"),
    "django_tasks_database.dbtaskresult": ("задача", "задачи", "задач"),
}


def records_ru(label_lower: str, count: int) -> str:
    """«41 клиент» for a model of the table, «41 запись» for any other."""
    one, few, many = NOUN_FORMS.get(label_lower, ("запись", "записи", "записей"))
    return count_ru(count, one, few, many)
