"""`reverse_fixed`: `reverse()` remembered per URLconf and script prefix (issue 13)."""

from django.urls import reverse, set_script_prefix

from mprating.core.fixed_urls import reverse_fixed


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
