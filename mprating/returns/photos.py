"""Photos of a return: proven to be images before anything is stored.

A file is accepted when it is at most `RETURNS_MAX_PHOTO_MB` megabytes, Pillow decodes it as
JPEG, PNG or WebP (`Image.open` reads the header, `verify()` walks the data), and its picture
is at most `RETURNS_MAX_PHOTO_MEGAPIXELS` — a «decompression bomb» (a tiny file that claims
a gigantic picture) is refused before any pixel is decoded: Pillow's own bomb warning counts
as a refusal here, and our limit is far below its threshold. A return has at most
`RETURNS_MAX_PHOTOS` photos. The bytes are stored as sent, under a random name
(`models.photo_path`); the client's file name is never used.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from PIL import Image, UnidentifiedImageError

from mprating.core.errors import ApplicationError

FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
FIELD = "photos"


@dataclass(frozen=True)
class CheckedPhoto:
    data: bytes
    extension: str
    content_type: str
    width: int
    height: int

    @property
    def size(self) -> int:
        return len(self.data)


def max_photos() -> int:
    return settings.RETURNS_MAX_PHOTOS


def max_bytes() -> int:
    return settings.RETURNS_MAX_PHOTO_MB * 1024 * 1024


def max_pixels() -> int:
    return settings.RETURNS_MAX_PHOTO_MEGAPIXELS * 1_000_000


def _name(upload: UploadedFile) -> str:
    return (getattr(upload, "name", "") or "файл").rsplit("/", 1)[-1][:80]


def _not_image(name: str) -> ApplicationError:
    return ApplicationError(
        "photo_not_image",
        f"«{name}» — не фотография: загрузите снимок в формате JPEG, PNG или WebP.",
        field=FIELD,
    )


def photo_check(upload: UploadedFile) -> CheckedPhoto:
    """One uploaded file → its checked bytes, or `ApplicationError` with the Russian reason."""
    name = _name(upload)
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ApplicationError(
            "photo_too_big",
            f"«{name}» больше {settings.RETURNS_MAX_PHOTO_MB} МБ: уменьшите снимок.",
            field=FIELD,
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(
            "photo_too_big",
            f"«{name}» больше {settings.RETURNS_MAX_PHOTO_MB} МБ: уменьшите снимок.",
            field=FIELD,
        )
    if not data:
        raise _not_image(name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                image_format = image.format
                width, height = image.size
                if width * height > max_pixels():
                    raise _too_many_pixels(name)
                image.verify()
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(name) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _not_image(name) from None
    if image_format not in FORMATS:
        raise _not_image(name)
    extension, content_type = FORMATS[image_format]
    return CheckedPhoto(data, extension, content_type, width, height)


def _too_many_pixels(name: str) -> ApplicationError:
    return ApplicationError(
        "photo_too_large",
        f"«{name}»: слишком большое изображение (больше "
        f"{settings.RETURNS_MAX_PHOTO_MEGAPIXELS} Мп). Уменьшите снимок.",
        field=FIELD,
    )


def photos_check(uploads: list[UploadedFile]) -> list[CheckedPhoto]:
    """All the files of one return: not more than `RETURNS_MAX_PHOTOS`, each an image."""
    uploads = [upload for upload in uploads or [] if upload is not None]
    if len(uploads) > max_photos():
        raise ApplicationError(
            "too_many_photos",
            f"Не больше {max_photos()} фото к одному возврату, выбрано {len(uploads)}.",
            field=FIELD,
        )
    return [photo_check(upload) for upload in uploads]
