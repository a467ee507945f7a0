"""The Russian wording of the seed's expiry message."""

import pytest

from mprating.core.text import days_ru
from mprating.marketplaces.admin.common import expiry_message


@pytest.mark.parametrize(
    ("n", "phrase"),
    [
        (1, "1 день"),
        (2, "2 дня"),
        (4, "4 дня"),
        (5, "5 дней"),
        (11, "11 дней"),
        (12, "12 дней"),
        (14, "14 дней"),
        (21, "21 день"),
        (22, "22 дня"),
        (25, "25 дней"),
        (30, "30 дней"),
        (101, "101 день"),
        (111, "111 дней"),
    ],
)
def test_days_plural(n, phrase):
    assert days_ru(n) == phrase


def test_the_seed_message_names_the_days_and_both_statuses():
    # Seed 000: «через 30 дней, учетная запись перейдёт из статуса Активен в Не активен».
    assert expiry_message(30) == (
        "Через 30 дней учётная запись перейдёт из статуса «Активен» в «Неактивен»."
    )
    assert expiry_message(21).startswith("Через 21 день ")
    assert expiry_message(2).startswith("Через 2 дня ")


def test_tomorrow_and_today():
    assert expiry_message(1) == (
        "Сегодня последний день срока службы: завтра учётная запись перейдёт "
        "из статуса «Активен» в «Неактивен»."
    )
    assert expiry_message(0).startswith("Срок службы истёк")
