"""`core.text.count_ru`: the number with its Russian noun."""

import pytest

from mprating.core.text import count_ru


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 заявка"),
        (3, "3 заявки"),
        (11, "11 заявок"),
        (1234, "1\u202f234 заявки"),
        (200000, "200\u202f000 заявок"),
        (1000001, "1\u202f000\u202f001 заявка"),
    ],
)
def test_counts_are_grouped_like_sums_and_take_the_right_noun(n, expected):
    assert count_ru(n, "заявка", "заявки", "заявок") == expected
