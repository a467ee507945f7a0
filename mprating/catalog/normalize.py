"""How articles and brands are compared (DESIGN.md §5).

«0 986 452 041», «0986-452-041» and «0986.452/041» are one article: upper case without spaces,
dashes, dots or slashes. Brands also lose diacritics, so «LEMFÖRDER» meets «LEMFORDER»; other
spellings («MB» for «MERCEDES-BENZ») are brand aliases.
"""

import re
import unicodedata

_ARTICLE_DROP = re.compile(r"[\s\-./\\_]+")
_BRAND_DROP = re.compile(r"[^0-9A-ZА-ЯЁ]+")
_GERMAN = str.maketrans({"ß": "SS", "Æ": "AE", "Ø": "O"})


def normalize_article(raw: str) -> str:
    return _ARTICLE_DROP.sub("", (raw or "").upper())


def normalize_brand(raw: str) -> str:
    text = (raw or "").upper().translate(_GERMAN)
    decomposed = unicodedata.normalize("NFKD", text)
    # Drop combining marks (Ö → O) but keep Cyrillic Й and Ё readable as И and Е.
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _BRAND_DROP.sub("", plain)
