"""Clients are made through the registration service, as in production."""

import factory

from mprating.accounts import services
from mprating.accounts.models import Client, User
from mprating.accounts.services import PersonalData

PASSWORD = "Tovar-2026-pass"


class PersonalDataFactory(factory.Factory):
    class Meta:
        model = PersonalData

    last_name = factory.Iterator(["Иванов", "Петрова", "Сидоров", "Кузнецова"])
    first_name = factory.Iterator(["Иван", "Мария", "Пётр", "Ольга"])
    middle_name = "Сергеевич"
    email = factory.Sequence(lambda n: f"client{n}@example.ru")
    phone = factory.Sequence(lambda n: f"+7916{n:07d}")
    company_name = ""
    inn = ""


def make_client(password: str = PASSWORD, **fields) -> Client:
    return services.client_register(
        data=PersonalDataFactory(**fields), password=password, consent_given=True
    )


def make_staff(*groups: str, email: str = "staff@example.ru", superuser: bool = False) -> User:
    from django.contrib.auth.models import Group

    if superuser:
        return User.objects.create_superuser(email=email, password=PASSWORD)
    user = User.objects.create_user(email=email, password=PASSWORD, is_staff=True)
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user
