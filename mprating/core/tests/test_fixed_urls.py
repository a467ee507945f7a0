"""`reverse_fixed`, `url_around`, `reverse_object`: `reverse()` remembered per URLconf and script
prefix (issue 13)."""

from django.urls import reverse, set_script_prefix

from mprating.core.fixed_urls import reverse_fixed, reverse_object, url_around


def test_reverse_fixed_is_reverse():
    assert reverse_fixed("cart:detail") == reverse("cart:detail")


def test_reverse_fixed_follows_the_script_prefix():
    plain = reverse_fixed("cart:detail")
    set_script_prefix("/shop/")
    try:
        mounted = reverse_fixed("cart:detail")
    finally:
        set_script_prefix("/")

    assert mounted == "/shop" + plain
    assert reverse_fixed("cart:detail") == plain


def test_an_address_around_its_argument_is_reverse_with_the_argument():
    # One home for «reverse once with a marker, fill in per row» (the cabinet's order rows
    # and the back office's row links both call it).
    for pk in (1, 42, 987654321):
        assert reverse_object("orders:line_history", pk) == reverse(
            "orders:line_history", args=[pk]
        )
    head, tail = url_around("orders:placed", "MP-987654321")
    assert f"{head}MP-000042{tail}" == reverse("orders:placed", args=["MP-000042"])


def test_an_address_around_its_argument_follows_the_script_prefix():
    plain = reverse_object("orders:line_history", 7)
    set_script_prefix("/shop/")
    try:
        mounted = reverse_object("orders:line_history", 7)
    finally:
        set_script_prefix("/")

    assert mounted == "/shop" + plain
