import pytest

from records.textnorm import clean, fold, lower, nfc

pytestmark = pytest.mark.foundation


def test_fold_removes_marks_and_d_stroke():
    assert fold("Nguyễn Văn An") == "nguyen van an"
    assert fold("ĐỖ ĐỨC ĐẠT") == "do duc dat"
    assert fold("  Quyết   định ") == "quyet dinh"


def test_nfc_joins_decomposed_input():
    decomposed = "Nguye\u0302\u0303n"  # e + circumflex + tilde, as some keyboards send it
    assert nfc(decomposed) == "Nguyễn"
    assert fold(decomposed) == "nguyen"


def test_lower_keeps_marks_and_clean_collapses_space():
    assert lower("NGUYỄN Văn") == "nguyễn văn"
    assert clean(" Trần \t Thị\nBình ") == "Trần Thị Bình"
    assert nfc(None) is None and fold("") == ""
