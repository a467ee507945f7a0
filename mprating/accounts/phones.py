"""Phone numbers: parsed with `phonenumbers` (region RU), stored as E.164 (+79161234567)."""

from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError

INVALID_PHONE = "Введите номер телефона полностью, например +7 916 123-45-67."


def normalize_phone(raw: str) -> str:
    """Return the E.164 form of a Russian-style phone input or raise ValidationError.

    «8 (916) 123-45-67», «+7 916 1234567» and «9161234567» all give «+79161234567».
    """
    text = (raw or "").strip()
    if not text:
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    try:
        number = phonenumbers.parse(text, "RU")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(INVALID_PHONE, code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID_PHONE, code="invalid_phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str) -> str | None:
    try:
        return normalize_phone(raw)
    except ValidationError:
        return None


@lru_cache(maxsize=4096)
def format_phone(e164: str) -> str:
    """«+7 916 123-45-67» for display (cached: a back office list formats one per row, and
    `phonenumbers.parse` costs ~0.5 ms)."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
