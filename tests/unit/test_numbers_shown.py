"""Numbers on pages are written as the page's language writes them (Vietnamese: comma
decimals, dot groups), in templates through the ``decimal`` and ``size`` filters."""
import types

import pytest

from records.views.format import decimal_filter, size_filter

pytestmark = pytest.mark.hardening


def context(locale):
    return {"request": types.SimpleNamespace(locale_name=locale)}


@pytest.mark.parametrize("locale, value, places, shown", [
    ("vi", 4.0, 1, "4,0"), ("vi", 1234.56, 1, "1.234,6"), ("vi", -2.25, 2, "-2,25"),
    ("vi", 93.0, 0, "93"), ("en", 4.0, 1, "4.0"), ("en", 1234.56, 1, "1,234.6"),
    ("vi", None, 1, "–"),
])
def test_decimals_follow_the_language(locale, value, places, shown):
    assert decimal_filter(context(locale), value, places) == shown


def test_sizes_follow_the_language():
    assert size_filter(context("vi"), 1536) == "1,5 KB"
    assert size_filter(context("en"), 1536) == "1.5 KB"
    assert size_filter(context("vi"), 1000) == "1.000 B"
    assert size_filter(context("vi"), 3 * 1024 ** 3) == "3,0 GB"
