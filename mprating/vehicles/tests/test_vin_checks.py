"""VIN and frame numbers (vehicles/vin.py): checks and what vininfo decodes."""

import pytest

from mprating.core.errors import ApplicationError
from mprating.vehicles.tests.factories import (
    FRAME_NUMBER,
    HONDA_VIN,
    LADA_VESTA_VIN,
    LADA_VESTA_VIN_BAD_CHECK,
    UNKNOWN_WMI_VIN,
)
from mprating.vehicles.vin import (
    KIND_FRAME,
    KIND_VIN,
    MSG_CHECK_DIGIT,
    check_vin_or_frame,
    decode_vin,
    make_name_keys,
)


def test_valid_vin_is_accepted_without_warning():
    checked = check_vin_or_frame(" 1hgcm82633a004352 ")

    assert checked.value == HONDA_VIN
    assert checked.kind == KIND_VIN
    assert checked.warning == ""


def test_bad_check_digit_only_warns():
    checked = check_vin_or_frame(LADA_VESTA_VIN_BAD_CHECK)

    assert checked.value == LADA_VESTA_VIN_BAD_CHECK
    assert checked.warning == MSG_CHECK_DIGIT


@pytest.mark.parametrize("vin", ["XTAGFL11OJY123456", "1HGCM82633A0O4352", "IHGCM82633A004352"])
def test_letters_i_o_q_are_refused_with_a_clear_message(vin):
    with pytest.raises(ApplicationError) as error:
        check_vin_or_frame(vin)

    assert error.value.code == "vin_bad_letters"
    assert "I, O и Q" in error.value.message
    assert error.value.field == "vin_or_frame"


def test_q_is_named_in_the_message():
    with pytest.raises(ApplicationError) as error:
        check_vin_or_frame("XTAGFL11QJY123456")

    assert "(Q)" in error.value.message


@pytest.mark.parametrize(
    "frame", [FRAME_NUMBER, "jzx100-0123456", "NZE141 -9012345", "GRX120-3012345"]
)
def test_japanese_frame_numbers_are_accepted(frame):
    checked = check_vin_or_frame(frame)

    assert checked.kind == KIND_FRAME
    assert checked.value == frame.upper().replace(" ", "")


@pytest.mark.parametrize(
    "text", ["XTA123", "12345678901234567890", "ВАЗ-2107", "GX110", "-6012345"]
)
def test_other_text_is_refused(text):
    with pytest.raises(ApplicationError) as error:
        check_vin_or_frame(text)

    assert error.value.code == "vin_bad_format"


def test_empty_is_no_number():
    assert check_vin_or_frame("  ") is None


def test_cyrillic_lookalikes_are_read_as_latin():
    # «Х», «Т», «А» typed in Russian layout
    assert check_vin_or_frame("ХТАGFL115JY123456").value == LADA_VESTA_VIN


def test_decode_avtovaz_details():
    decoded = decode_vin(LADA_VESTA_VIN)

    assert decoded.manufacturer == "AvtoVAZ"
    assert decoded.country == "Россия"
    assert 2018 in decoded.years
    assert decoded.models == ["Vesta"]
    assert decoded.engine == "21129"
    assert ("Модель", "Vesta") in decoded.details


def test_decode_unknown_maker_gives_country_and_years_only():
    decoded = decode_vin(UNKNOWN_WMI_VIN)

    assert decoded.manufacturer == ""
    assert decoded.make_names == []
    assert decoded.country == "Россия"
    assert 2016 in decoded.years


def test_make_spellings_are_one_make():
    assert make_name_keys("AvtoVAZ") & make_name_keys("Lada (ВАЗ)")
    assert make_name_keys("ВАЗ") & make_name_keys("Lada")
    assert not make_name_keys("Kia") & make_name_keys("Lada")
