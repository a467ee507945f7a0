"""Russian text helpers shared by every app."""

NARROW_NBSP = "\u202f"  # between digit groups, as `core.money.format_rub` writes sums


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """«1 день», «2 дня», «5 дней»; «21 заявка», «12 заявок»."""
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def count_ru(n: int, one: str, few: str, many: str) -> str:
    """The number with its noun: «1 заявка», «5 заявок», «30 дней», «200 000 заявок» (digits
    grouped by a narrow no-break space, as in sums: «1 234,50 ₽»)."""
    return f"{n:,}".replace(",", NARROW_NBSP) + f" {plural_ru(n, one, few, many)}"


def days_ru(n: int) -> str:
    """«1 день», «2 дня», «30 дней»."""
    return count_ru(n, "день", "дня", "дней")
