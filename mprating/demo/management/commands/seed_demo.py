"""`manage.py seed_demo`: deterministic demo data, safe to run again.

One login per role (printed with its password) and a few dozen clients with realistic
Russian names, phones and companies, some of them blocked with a recorded reason; then each
app's own `demo.seed` (pickup points, the searchable catalog, …) in dependency order.

It lives in its own app `demo`, one floor above the cabinet, the partner area and the back
office, because it calls every app's demo module and only the top floor may import them all.
"""

import random
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from stdnum.ru import inn as stdnum_inn

from mprating.accounts import personal_data, roles, services
from mprating.accounts.models import Client, DeletionRequest, PersonalDataView, User
from mprating.accounts.services import PersonalData
from mprating.billing import demo as billing_demo
from mprating.catalog import demo as catalog_demo
from mprating.finance import demo as finance_demo
from mprating.garage import demo as garage_demo
from mprating.marketplaces import demo as marketplaces_demo
from mprating.notifications import demo as notifications_demo
from mprating.orders import demo as orders_demo
from mprating.partners import demo as partners_demo
from mprating.pickup_points import demo as pickup_points_demo
from mprating.returns import demo as returns_demo

SEED = 20261122
# Each app's demo data, in dependency order; each `seed(stdout=...)` is idempotent.
# Billing before orders: the demo orders take their requests from the demo client's package.
APP_DEMOS = [
    pickup_points_demo,
    catalog_demo,
    garage_demo,
    billing_demo,
    orders_demo,
    notifications_demo,
    finance_demo,
    marketplaces_demo,
    returns_demo,
    partners_demo,
]

MALE_FIRST = [
    "Александр",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Алексей",
    "Максим",
    "Иван",
    "Михаил",
    "Николай",
    "Евгений",
    "Владимир",
    "Павел",
    "Роман",
    "Олег",
    "Игорь",
    "Артём",
]
FEMALE_FIRST = [
    "Елена",
    "Ольга",
    "Наталья",
    "Анна",
    "Мария",
    "Татьяна",
    "Ирина",
    "Екатерина",
    "Светлана",
    "Юлия",
    "Дарья",
    "Анастасия",
]
FATHER_NAMES = [
    "Александр",
    "Дмитрий",
    "Сергей",
    "Андрей",
    "Алексей",
    "Иван",
    "Михаил",
    "Николай",
    "Владимир",
    "Павел",
    "Пётр",
    "Виктор",
    "Юрий",
    "Анатолий",
]
LAST_NAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
]
COMPANIES = [
    "ООО «Автодеталь»",
    "ИП {last} {initials}",
    "ООО «Мотор-Сервис»",
    "ООО «СТО Гараж 77»",
    "ООО «Запчасть-Логистик»",
    "ИП {last} {initials}",
    "ООО «ТехЦентр Север»",
    "ООО «Колесо»",
]
PATRONYMIC_EXCEPTIONS = {
    "Пётр": "Петров",
    "Юрий": "Юрьев",
    "Николай": "Николаев",
    "Андрей": "Андреев",
    "Алексей": "Алексеев",
    "Сергей": "Сергеев",
    "Анатолий": "Анатольев",
    "Дмитрий": "Дмитриев",
}
BLOCK_REASONS = [
    "Многократные неоплаченные заказы",
    "Запрос клиента на закрытие учётной записи",
    "Подозрение на мошенничество с возвратами",
]
MAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"]


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    phone: str
    last_name: str
    first_name: str
    middle_name: str


DEMO_CLIENT = DemoLogin(
    "Клиент",
    "client@demo.mprating.ru",
    "Klient-2026!",
    "+79161000001",
    "Соколова",
    "Анна",
    "Сергеевна",
)
DEMO_STAFF = [
    DemoLogin(
        "Оператор бэкофиса",
        "operator@demo.mprating.ru",
        "Operator-2026!",
        "+79161000002",
        "Белов",
        "Игорь",
        "Петрович",
    ),
    DemoLogin(
        "Менеджер магазина",
        "manager@demo.mprating.ru",
        "Manager-2026!",
        "+79161000003",
        "Крылова",
        "Марина",
        "Андреевна",
    ),
    DemoLogin(
        "Владелец ПВЗ",
        "pvz@demo.mprating.ru",
        "Pvz-owner-2026!",
        "+79161000004",
        "Гусев",
        "Олег",
        "Николаевич",
    ),
    DemoLogin(
        "Суперпользователь",
        "admin@demo.mprating.ru",
        "Admin-2026!",
        "+79161000005",
        "Администратор",
        "Главный",
        "",
    ),
]
STAFF_GROUPS = {
    "Оператор бэкофиса": roles.OPERATOR,
    "Менеджер магазина": roles.MANAGER,
    "Владелец ПВЗ": roles.PICKUP_POINT_OWNER,
}
TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "g",
        "д": "d",
        "е": "e",
        "ё": "e",
        "ж": "zh",
        "з": "z",
        "и": "i",
        "й": "y",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "sch",
        "ъ": "",
        "ы": "y",
        "ь": "",
        "э": "e",
        "ю": "yu",
        "я": "ya",
    }
)


def _patronymic(father: str, female: bool) -> str:
    stem = PATRONYMIC_EXCEPTIONS.get(father, father + "ов")
    if father.endswith("й") and father not in PATRONYMIC_EXCEPTIONS:
        stem = father[:-1] + "ев"
    return stem + ("на" if female else "ич")


def _company_inn(rng: random.Random) -> str:
    body = "77" + "".join(str(rng.randint(0, 9)) for _ in range(7))
    return body + stdnum_inn.calc_company_check_digit(body)


def _random_client(rng: random.Random, index: int) -> PersonalData:
    female = rng.random() < 0.35
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    last = rng.choice(LAST_NAMES) + ("а" if female else "")
    middle = _patronymic(rng.choice(FATHER_NAMES), female)
    login = f"{last.lower().translate(TRANSLIT)}.{first[0].lower().translate(TRANSLIT)}{index}"
    company, inn = "", ""
    if rng.random() < 0.3:
        company = rng.choice(COMPANIES).format(last=last, initials=f"{first[0]}. {middle[0]}.")
        inn = _company_inn(rng) if company.startswith("ООО") else ""
    return PersonalData(
        last_name=last,
        first_name=first,
        middle_name=middle,
        email=f"{login}@{rng.choice(MAIL_DOMAINS)}",
        phone=f"+79{rng.choice(['03', '05', '09', '15', '16', '26', '77', '85', '99'])}"
        f"{rng.randint(1000000, 9999999)}",
        company_name=company,
        inn=inn,
    )


class Command(BaseCommand):
    help = "Загрузить демонстрационные данные (повторный запуск ничего не дублирует)."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=40, help="сколько клиентов создать")

    @transaction.atomic
    def handle(self, *args, clients: int, **options):
        # Demo data drawn from a fixed seed so every run is the same: nothing secret.
        rng = random.Random(SEED)  # nosec B311
        operator = self._staff_logins()
        demo_token = self._demo_client()
        created = 0
        for index in range(1, clients + 1):
            data = _random_client(rng, index)
            blocked = rng.random() < 0.12
            reason = rng.choice(BLOCK_REASONS)
            if (
                User.objects.filter(email__iexact=data.email).exists()
                or User.objects.filter(phone=data.phone).exists()
            ):
                continue
            client = services.client_register(
                data=data, password=f"Demo-{index:03d}-pass", consent_given=True
            )
            if blocked:
                services.client_set_active(
                    client_id=client.pk, active=False, reason=reason, actor=operator
                )
            created += 1
        self.stdout.write(f"Клиентов создано: {created}, всего: {Client.objects.count()}.")
        self._personal_data(operator)
        for demo in APP_DEMOS:
            demo.seed(stdout=self.stdout)
        self._print_logins(demo_token)

    def _demo_client(self) -> str | None:
        """The demo client, with one personal API token («Демо-скрипт»); the token itself is
        returned to be printed once, as the cabinet shows it once (None on a second run)."""
        if User.objects.filter(email=DEMO_CLIENT.email).exists():
            return None
        client = services.client_register(
            data=PersonalData(
                last_name=DEMO_CLIENT.last_name,
                first_name=DEMO_CLIENT.first_name,
                middle_name=DEMO_CLIENT.middle_name,
                email=DEMO_CLIENT.email,
                phone=DEMO_CLIENT.phone,
                company_name="ИП Соколова А. С.",
                inn="",
            ),
            password=DEMO_CLIENT.password,
            consent_given=True,
        )
        services.client_update_search_settings(
            client=client, markup_percent=client.markup_percent, cross_scheme=2
        )
        issued = services.api_token_create(client=client, name="Демо-скрипт", expires_at=None)
        return issued.plain

    def _personal_data(self, operator: User) -> None:
        """152-ФЗ (issue 12): the operator has looked at the demo client's card (the journal of
        views), and one demo client asked to delete their data (waits in «Запросы на удаление
        данных»; confirming it erases that client, never the demo client)."""
        demo = Client.objects.get(user__email=DEMO_CLIENT.email)
        if not PersonalDataView.objects.exists():
            personal_data.personal_data_view_record(
                viewer=operator, client_id=demo.pk, what=PersonalDataView.What.CARD
            )
        asking = Client.objects.exclude(pk=demo.pk).order_by("pk").first()
        if asking is not None and not DeletionRequest.objects.exists():
            DeletionRequest.objects.create(client=asking)

    def _staff_logins(self) -> User:
        operator = None
        for login in DEMO_STAFF:
            user = User.objects.filter(email=login.email).first()
            if user is None:
                superuser = login.role == "Суперпользователь"
                user = User.objects.create_user(
                    email=login.email,
                    password=login.password,
                    phone=login.phone,
                    last_name=login.last_name,
                    first_name=login.first_name,
                    middle_name=login.middle_name,
                    is_staff=login.role != "Владелец ПВЗ",
                    is_superuser=superuser,
                )
                if login.role in STAFF_GROUPS:
                    user.groups.add(Group.objects.get(name=STAFF_GROUPS[login.role]))
            if login.role == "Оператор бэкофиса":
                operator = user
        return operator

    def _print_logins(self, demo_token: str | None) -> None:
        self.stdout.write("")
        self.stdout.write(f"Демо-входы ({settings.SITE_URL}):")
        for login in [DEMO_CLIENT, *DEMO_STAFF]:
            place = "/cabinet/" if login is DEMO_CLIENT else "/backoffice/"
            if login.role == "Владелец ПВЗ":
                place = "/partner/"
            self.stdout.write(f"  {login.role:<20} {login.email:<28} {login.password:<16} {place}")
        if demo_token:
            # Shown this once, like a token made in the cabinet: only its hash is kept.
            self.stdout.write("")
            self.stdout.write(f"API-токен демо-клиента (показан один раз): {demo_token}")
            self.stdout.write(
                f'  curl -H "Authorization: Bearer {demo_token}" {settings.SITE_URL}/api/v1/profile'
            )
