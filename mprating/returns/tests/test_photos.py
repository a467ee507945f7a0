"""Photos of a return: images only (decoded by Pillow), at most 5 MB each, at most 5 per
return, no decompression bombs; stored under a random name; nothing stored when refused."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from mprating.accounts.tests.factories import make_client
from mprating.core.errors import ApplicationError
from mprating.returns import photos
from mprating.returns.models import ReturnPhoto, ReturnRequest
from mprating.returns.services import create
from mprating.returns.tests.factories import bomb_png, image_bytes, make_return, photo, shipped_line

pytestmark = pytest.mark.django_db


def _stored_files(media_root: Path) -> list[Path]:
    folder = Path(media_root) / "returns"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_photos_are_stored_under_random_names_with_their_real_format(media_root):
    buyer = make_client()
    line = shipped_line(buyer)

    created = make_return(
        buyer,
        line,
        uploads=[
            photo("мой снимок.png"),
            photo("IMG_0001.jpeg", fmt="JPEG"),
            photo("x.webp", "WEBP"),
        ],
    )

    rows = list(created.photos.order_by("pk"))
    assert [row.content_type for row in rows] == ["image/png", "image/jpeg", "image/webp"]
    assert [(row.width, row.height) for row in rows] == [(64, 48)] * 3
    names = [row.file.name for row in rows]
    assert all(
        name.startswith("returns/") and len(name.split("/")[1].split(".")[0]) == 32
        for name in names
    )
    assert [name.rsplit(".", 1)[1] for name in names] == ["png", "jpg", "webp"]
    assert not any("снимок" in name or "IMG" in name for name in names)
    assert len(_stored_files(media_root)) == 3


def test_a_file_named_like_a_photo_that_is_not_an_image_is_refused(media_root):
    buyer = make_client()
    line = shipped_line(buyer)
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>", content_type="image/jpeg")

    with pytest.raises(ApplicationError) as error:
        make_return(buyer, line, uploads=[photo(), fake])

    assert error.value.code == "photo_not_image"
    assert error.value.field == "photos"
    assert (
        error.value.message
        == "«photo.jpg» — не фотография: загрузите снимок в формате JPEG, PNG или WebP."
    )
    assert not ReturnRequest.objects.exists() and not ReturnPhoto.objects.exists()
    assert _stored_files(media_root) == []


def test_a_truncated_image_is_refused():
    data = image_bytes("PNG", size=(300, 200))
    broken = SimpleUploadedFile("half.png", data[: len(data) // 2], content_type="image/png")

    with pytest.raises(ApplicationError) as error:
        photos.photo_check(broken)

    assert error.value.code == "photo_not_image"


def test_a_gif_is_not_one_of_the_accepted_formats():
    gif = SimpleUploadedFile("anim.gif", image_bytes("GIF"), content_type="image/gif")

    with pytest.raises(ApplicationError) as error:
        photos.photo_check(gif)

    assert error.value.code == "photo_not_image"


def test_a_file_over_the_limit_is_refused_before_it_is_decoded(settings):
    settings.RETURNS_MAX_PHOTO_MB = 1
    big = SimpleUploadedFile("big.png", image_bytes("PNG") + b"\0" * (1024 * 1024), "image/png")

    with pytest.raises(ApplicationError) as error:
        photos.photo_check(big)

    assert error.value.code == "photo_too_big"
    assert error.value.message == "«big.png» больше 1 МБ: уменьшите снимок."


def test_five_megabytes_is_the_default_limit():
    just_over = SimpleUploadedFile("big.jpg", b"\xff" * (5 * 1024 * 1024 + 1), "image/jpeg")

    with pytest.raises(ApplicationError) as error:
        photos.photo_check(just_over)

    assert error.value.code == "photo_too_big"


def test_more_than_five_photos_are_refused_and_nothing_is_stored(media_root):
    buyer = make_client()
    line = shipped_line(buyer)

    with pytest.raises(ApplicationError) as error:
        make_return(buyer, line, uploads=[photo(f"{n}.png") for n in range(6)])

    assert error.value.code == "too_many_photos"
    assert error.value.message == "Не больше 5 фото к одному возврату, выбрано 6."
    assert not ReturnRequest.objects.exists()
    assert _stored_files(media_root) == []


def test_five_photos_are_accepted():
    buyer = make_client()
    line = shipped_line(buyer)

    created = make_return(buyer, line, uploads=[photo(f"{n}.png") for n in range(5)])

    assert created.photos.count() == 5


@pytest.mark.parametrize("size", [(60_000, 60_000), (8_000, 6_000)])
def test_a_decompression_bomb_is_refused_without_decoding_it(size):
    # 3.6 gigapixels (past Pillow's own limit) and 48 megapixels (past ours, 40)
    bomb = SimpleUploadedFile("bomb.png", bomb_png(*size), content_type="image/png")
    assert bomb.size < 1000

    with pytest.raises(ApplicationError) as error:
        photos.photo_check(bomb)

    assert error.value.code == "photo_too_large"
    assert "слишком большое изображение" in error.value.message


def test_a_refused_return_removes_the_photos_it_stored(media_root, monkeypatch):
    # the rule is checked again under the line lock: a twin may have taken the last piece
    buyer = make_client()
    line = shipped_line(buyer, quantity=1)
    real_check = create._check
    calls = []

    def second_check_fails(line, quantity):
        calls.append(line.pk)
        if len(calls) == 2:
            raise ApplicationError("quantity_too_big", "Вернуть можно не больше 0 шт.")
        return real_check(line, quantity)

    monkeypatch.setattr(create, "_check", second_check_fails)

    with pytest.raises(ApplicationError):
        make_return(buyer, line, uploads=[photo(), photo("b.png")])

    assert not ReturnPhoto.objects.exists()
    assert _stored_files(media_root) == []
