"""ИНН (taxpayer number) checks with python-stdnum: 10 digits for a company, 12 for a person."""

from django.core.exceptions import ValidationError
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.ru import inn as stdnum_inn


def normalize_inn(raw: str) -> str:
    """Return the validated ИНН (digits only) or raise ValidationError in Russian."""
    try:
        return stdnum_inn.validate(raw)
    except InvalidLength as exc:
        raise ValidationError(
            "ИНН должен состоять из 10 цифр (организация) или 12 цифр (ИП, физлицо).",
            code="inn_length",
        ) from exc
    except InvalidFormat as exc:
        raise ValidationError("ИНН может содержать только цифры.", code="inn_format") from exc
    except InvalidChecksum as exc:
        raise ValidationError(
            "ИНН не прошёл проверку контрольных цифр: проверьте, нет ли опечатки.",
            code="inn_checksum",
        ) from exc
