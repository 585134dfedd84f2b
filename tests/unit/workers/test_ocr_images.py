"""Page-image helpers without Tesseract: skew estimation, point mapping, rule erasing."""
import pymupdf
import pytest
from PIL import Image, ImageDraw, ImageFont

from records.workers.ocr import regions, render

pytestmark = pytest.mark.digitization

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _text_page(width=1240, height=1754):
    """A grey page of text lines (150 dpi A4)."""
    image = Image.new("L", (width, height), 245)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 22)
    for row in range(40):
        draw.text((90, 100 + row * 38), "Căn cứ Luật Tổ chức chính quyền địa phương " * 2,
                  font=font, fill=20)
    return image


@pytest.mark.parametrize("skew", [-2.7, -1.0, 0.0, 0.6, 2.4])
def test_skew_angle_finds_the_rotation_that_straightens_the_lines(skew):
    page = _text_page().rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=245)
    assert render.skew_angle(page) == pytest.approx(-skew, abs=0.25)


def test_blank_page_has_no_skew():
    assert render.skew_angle(Image.new("L", (1240, 1754), 250)) == 0.0


def test_prepare_page_straightens_a_skewed_page_only_past_the_threshold():
    page = _text_page()
    _, angle = render.prepare_page(page.rotate(2.0, fillcolor=245), 150)
    assert angle == pytest.approx(-2.0, abs=0.25)
    _, angle = render.prepare_page(page.rotate(0.15, fillcolor=245), 150)
    assert angle == 0.0


def test_rotate_point_undoes_a_pil_rotation():
    image = Image.new("L", (400, 600), 0)
    ImageDraw.Draw(image).rectangle((300, 100, 304, 104), fill=255)
    x0, y0, x1, y1 = image.rotate(10, resample=Image.Resampling.NEAREST).getbbox()
    x, y = render.rotate_point((x0 + x1) / 2, (y0 + y1) / 2, 10, 400, 600)
    assert (x, y) == pytest.approx((302, 102), abs=1.5)


def test_rules_are_erased_and_the_strokes_they_crossed_healed():
    doc = pymupdf.open()
    page = doc.new_page(width=200, height=100)
    page.draw_line((20, 50), (180, 50), width=0.6)          # the rule
    page.draw_line((100, 40), (100, 60), width=2, color=(0.1, 0.2, 0.7))  # a pen stroke
    clip = pymupdf.Rect(10, 30, 190, 70)
    rules = regions._rules(page, clip)
    assert len(rules) == 1 and rules[0][0].width == pytest.approx(160)
    pix = page.get_pixmap(dpi=200, clip=clip, alpha=False)
    image = Image.frombytes("RGB", (pix.width, pix.height), pix.samples)
    out = regions._erase_rules(image, clip, 200, rules)
    k = 200 / 72
    rule_y = round((50 - 30) * k)
    assert sum(out.getpixel((round((60 - 10) * k), rule_y))) > 600      # rule gone
    assert sum(out.getpixel((round((100 - 10) * k), rule_y))) < 500     # stroke kept whole
