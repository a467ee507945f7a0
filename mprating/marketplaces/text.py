"""Russian wording of the section: plurals and the seed's expiry message."""


def ru_plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a noun after `n`: 1 день, 2 дня, 5 дней, 11 дней, 21 день, 22 дня."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def days_phrase(n: int) -> str:
    return f"{n} {ru_plural(n, 'день', 'дня', 'дней')}"


def expiry_message(days: int) -> str:
    """Seed 000: «Система должна в явном виде, дать информацию о том, что через 30 дней,
    учетная запись перейдёт из статуса Активен в Не активен».

    `days` is `selectors.days_until_inactive`: 1 — tomorrow (today is the last day of service),
    0 — it already has.
    """
    if days <= 0:
        return "Срок службы истёк: учётная запись перешла из статуса «Активен» в «Неактивен»."
    if days == 1:
        return (
            "Сегодня последний день срока службы: завтра учётная запись перейдёт "
            "из статуса «Активен» в «Неактивен»."
        )
    return f"Через {days_phrase(days)} учётная запись перейдёт из статуса «Активен» в «Неактивен»."
