"""The textnorm additions the search layer relies on."""
import unicodedata

import pytest

from records.textnorm import _SPACE, fold, strip_marks, symbol_key, words

pytestmark = pytest.mark.search


def reference_fold(text):
    """fold() as first written: the fast path must give exactly this."""
    if not text:
        return ""
    return _SPACE.sub(" ", strip_marks(unicodedata.normalize("NFC", text)).casefold()).strip()


@pytest.mark.parametrize("text", [
    "Căn cứ Luật Tổ chức chính quyền địa phương; Quyết định số 15/QĐ-UBND",
    "NGUYỄN  VĂN  ẤN\t\n", "Đặng Thị Ðào", "Nguye\u0302\u0303n", "Straße ﬁ Ǆ Ångström",
    "e\u0301\u0328 ḍ 日本 ǘ", "a\u00a0b\u2003c", "", "   ",
])
def test_fold_matches_the_reference(text):
    assert fold(text) == reference_fold(text)


def test_symbol_key():
    assert symbol_key("15/QĐ-UBND") == symbol_key(" 15 / qđ - ubnd ") == "15/qd-ubnd"
    assert symbol_key(None) == ""


def test_words():
    assert words("Số: 15/QĐ-UBND, snake_case") == ["Số", "15", "QĐ", "UBND", "snake", "case"]
    assert words(None) == []
