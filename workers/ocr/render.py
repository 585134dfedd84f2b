"""Page images for OCR: rendered from a PDF page, or taken out of it when that is cheaper,
and prepared so Tesseract sees dark ink on white.

Taking a full-page embedded JPEG out (~2 ms) is 50x cheaper than rendering it at 300 dpi;
we do it when the page is one upright image covering the page at an adequate resolution.
"""
import math

import pymupdf
from PIL import Image, ImageFilter

from records.i18n import _

from .errors import ReadError
from .sources import PIXEL_LIMIT, load_image_bytes

MIN_EMBEDDED_DPI = 200   # below this a render at the target dpi reads better
COLOUR_SHARE = 0.1       # a colour image smaller than this share of the page is a logo
MIN_OCR_DPI = 250        # images below this are upscaled (to at most 2x) before OCR
MIN_SEPARATION = 60      # grey levels between ink and paper below which there is no ink
MAX_SKEW = 5.0           # degrees: the largest skew looked for
MIN_SKEW = 0.3           # degrees: below this a page of MIN_OCR_DPI+ is not rotated
MIN_SKEW_LOW_DPI = 1.0   # degrees: the same below MIN_OCR_DPI
SKEW_WIDTH = 500         # pixels: the width the skew is estimated at


def _xref_of(page, info):
    """The xref of the image ``info`` (of ``page.get_image_info()``) describes; 0 for none.

    NB: ``get_image_info(xrefs=True)`` finds xrefs by decoding every image twice and
    hashing the pixels: for a scanned page that was as costly as rendering it at 300 dpi.
    When the page uses one image XObject of the drawn image's pixel size, that is it (the
    list comes from the resources, nothing decoded); only otherwise are pixels compared.
    """
    images = page.get_images(full=True)
    if len(images) == 1 and tuple(images[0][2:4]) == (info["width"], info["height"]):
        return images[0][0]
    infos = page.get_image_info(xrefs=True)
    return infos[0].get("xref") or 0 if len(infos) == 1 else 0


def full_page_image(page, min_dpi=MIN_EMBEDDED_DPI):
    """``(xref, dpi)`` of the single upright image covering ``page``, or ``None``."""
    if page.rotation:
        return None
    infos = page.get_image_info()
    if len(infos) != 1:
        return None
    info = dict(infos[0], xref=_xref_of(page, infos[0]))
    if not info["xref"]:
        return None
    rect = page.rect
    bbox = pymupdf.Rect(info["bbox"])
    if abs(bbox.x0 - rect.x0) > 2 or abs(bbox.y0 - rect.y0) > 2 or \
            abs(bbox.x1 - rect.x1) > 2 or abs(bbox.y1 - rect.y1) > 2:
        return None
    a, b, c, d, _, _ = info["transform"]
    if abs(b) > 1e-3 or abs(c) > 1e-3 or a <= 0 or d <= 0:
        return None  # rotated or mirrored placement: render instead
    dpi = info["width"] / (bbox.width / 72.0)
    if dpi < min_dpi:
        return None
    return info["xref"], dpi


def page_image(page, dpi=300, pixel_limit=PIXEL_LIMIT):
    """``(PIL image, dpi)`` of ``page`` for OCR; the image spans exactly the page rectangle.

    A page too large for ``pixel_limit`` at ``dpi`` is rendered at a lower dpi; a page whose
    images are grey (a colour logo or seal of under :data:`COLOUR_SHARE` of the page aside)
    is rendered grey.
    """
    found = full_page_image(page)
    if found:
        xref, image_dpi = found
        image = embedded_image(page.parent, xref, pixel_limit)
        if image is not None:
            return image, image_dpi
    area_in2 = (page.rect.width / 72.0) * (page.rect.height / 72.0)
    if area_in2 * dpi * dpi > pixel_limit:
        dpi = int((pixel_limit / area_in2) ** 0.5)
    # NB: grey is a third of the pixels to render and convert (and prepare_page takes a
    # colour page's red channel anyway).
    colour = pymupdf.csRGB if _has_colour(page) else pymupdf.csGRAY
    pix = page.get_pixmap(dpi=dpi, alpha=False, annots=True, colorspace=colour)
    mode = "L" if pix.n == 1 else "RGB"
    return Image.frombytes(mode, (pix.width, pix.height), pix.samples), dpi


def _has_colour(page):
    """True when an image of ``page`` covering :data:`COLOUR_SHARE` of it or more is in
    colour (or its colour space is unknown), or some of its text or drawings are."""
    area = abs(page.rect) or 1.0
    for info in page.get_image_info():
        if info.get("colorspace", 3) != 1 and \
                abs(page.rect & pymupdf.Rect(info["bbox"])) >= COLOUR_SHARE * area:
            return True
    # NB: text and drawings may be coloured too (a red stamp's text, a seal drawn as
    # vectors), and the red channel is what hides them.
    spans = (span.get("color") for span in page.get_texttrace())
    paths = (c for d in page.get_drawings() for c in (d.get("color"), d.get("fill")))
    return any(_coloured(c) for c in spans) or any(_coloured(c) for c in paths)


def _coloured(colour):
    return bool(colour) and len(colour) >= 3 and max(colour[:3]) - min(colour[:3]) > 0.05


def embedded_image(doc, xref, pixel_limit=PIXEL_LIMIT):
    """The image ``xref`` of ``doc`` decoded (grey or RGB), or None for one with a soft mask.

    NB: ``extract_image`` hands a JPEG's stream over as it is, but re-encodes any other image
    (a 1-bit fax scan, a Flate one) as PNG for us to decode again: 0.2-0.5 s a page, more
    than the rest of the page's preparation. Those are decoded into a pixmap directly.
    """
    if doc.xref_get_key(xref, "SMask")[0] != "null":
        return None
    width = int(doc.xref_get_key(xref, "Width")[1] or 0)
    height = int(doc.xref_get_key(xref, "Height")[1] or 0)
    if width * height > pixel_limit:
        raise ReadError(_("An image in the PDF is too large to read safely."))
    filters = doc.xref_get_key(xref, "Filter")[1]
    if filters in ("/DCTDecode", "/JPXDecode"):
        extracted = doc.extract_image(xref)
        if not extracted:
            return None
        image = load_image_bytes(extracted["image"], pixel_limit)
        return image.convert("RGB") if image.mode == "CMYK" else image
    try:
        pix = pymupdf.Pixmap(doc, xref)
    except Exception:  # an image MuPDF cannot decode alone: render the page instead
        return None
    if pix.alpha or pix.colorspace is None or pix.colorspace.n not in (1, 3):
        pix = pymupdf.Pixmap(pymupdf.csRGB, pix)
    mode = "L" if pix.n == 1 else "RGB"
    return Image.frombytes(mode, (pix.width, pix.height), pix.samples)


def clip_image(page, clip, dpi=400):
    """``clip`` (a page rectangle) rendered at ``dpi``, annotations and stamps included."""
    pix = page.get_pixmap(dpi=dpi, clip=clip, alpha=False, annots=True)
    mode = "L" if pix.n == 1 else "RGB"
    return Image.frombytes(mode, (pix.width, pix.height), pix.samples)


def prepare(image, dpi):
    """Black-and-white image for OCR (see :func:`prepare_page`)."""
    return prepare_page(image, dpi)[0]


def prepare_page(image, dpi, deskew=True):
    """``(image, angle)``: a black-and-white image for OCR and the rotation (degrees,
    counter-clockwise) applied to straighten it. Colour scans keep their red channel, low dpi
    is upscaled, a skew over :data:`MIN_SKEW` is undone (:func:`skew_angle`), noise is
    smoothed and the page thresholded (:func:`binarise`).

    NB: the red channel turns red seals and stamps nearly white while black and blue ink
    stay dark, so a seal over the signer's name or the number stops hiding them.
    """
    if image.mode in ("RGB", "RGBA", "P", "CMYK", "LA", "PA"):
        image = image.convert("RGB").getchannel("R")
    elif image.mode != "L":
        image = image.convert("L")
    angle = skew_angle(image) if deskew else 0.0
    # NB: straightening a small skew helps a 300-dpi page a little (CER 2.1 -> 1.9 % on four
    # 0.6-0.9 degree scans) but hurts a 150-dpi one (2.1 -> 3.0 % on six): the rotation's
    # interpolation blurs letters only a few pixels wide. Tesseract copes with under a degree.
    if abs(angle) <= (MIN_SKEW if not dpi or dpi >= MIN_OCR_DPI else MIN_SKEW_LOW_DPI):
        angle = 0.0
    if angle:
        # NB: the grey page, bilinear: rotating the black-and-white one (nearest neighbour,
        # a third of the cost) leaves jagged letters that read worse than no deskew at all
        # (CER 2.8 % vs 2.1 % on four 0.6-0.9 degree scans; bilinear 1.9 %).
        image = image.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    if dpi and dpi < MIN_OCR_DPI:
        factor = min(2.0, 300.0 / dpi)
        image = image.resize((round(image.width * factor), round(image.height * factor)),
                             Image.Resampling.LANCZOS)
    return binarise(image.filter(ImageFilter.BoxBlur(1))), angle


def _profile_score(ink, angle):
    """How sharp the rows of ``ink`` (white on black) are once rotated by ``angle``: the sum
    of squared differences between neighbouring row means (text lines and the gaps between
    them make it large when they lie horizontal)."""
    rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST) if angle else ink
    rows = rotated.resize((1, rotated.height), Image.Resampling.BOX).tobytes()
    return sum((a - b) * (a - b) for a, b in zip(rows, rows[1:]))


def skew_angle(image, max_angle=MAX_SKEW):
    """The rotation (degrees, counter-clockwise, within ``max_angle``) that makes the text
    lines of ``image`` (grey) horizontal; 0.0 for a page with no ink.

    A projection profile: coarse steps of 0.5 degree on a ~25-dpi copy, then steps of 0.1
    around the best on a ~50-dpi copy. ~15 ms a page; accurate to about 0.1-0.2 degree on
    text pages.
    """
    factor = max(1, image.width // SKEW_WIDTH)
    small = image.reduce(factor) if factor > 1 else image
    threshold, separation = otsu(small.histogram())
    if separation < MIN_SEPARATION:
        return 0.0
    ink = small.point([255 if v <= threshold else 0 for v in range(256)])
    coarse = ink.reduce(2) if ink.width >= 2 * SKEW_WIDTH // 2 else ink
    steps = int(max_angle * 2)
    scores = {a / 2: _profile_score(coarse, a / 2) for a in range(-steps, steps + 1)}
    best = max(scores, key=scores.get)
    if scores[best] <= scores[0.0] * 1.02:
        return 0.0  # no clear gain: not worth a rotation
    fine = {round(best + d / 10, 2): 0 for d in range(-4, 5)}
    for angle in fine:
        fine[angle] = _profile_score(ink, angle)
    return max(fine, key=fine.get)


def rotate_point(x, y, angle, width, height):
    """Where the point ``(x, y)`` of an image rotated by ``angle`` (degrees, as
    :meth:`PIL.Image.Image.rotate`, about the centre) was in the image before."""
    if not angle:
        return x, y
    theta = math.radians(angle)
    cx, cy = width / 2, height / 2
    dx, dy = x - cx, y - cy
    return (cx + dx * math.cos(theta) - dy * math.sin(theta),
            cy + dx * math.sin(theta) + dy * math.cos(theta))


def otsu(histogram):
    """``(threshold, separation)``: Otsu's threshold of a 256-bin histogram and the distance
    between the mean grey levels of the two classes it makes."""
    total = sum(histogram)
    sum_all = sum(i * c for i, c in enumerate(histogram))
    below = sum_below = 0
    best, best_t, best_sep = -1.0, 128, 0.0
    for t in range(256):
        below += histogram[t]
        if not below:
            continue
        above = total - below
        if not above:
            break
        sum_below += t * histogram[t]
        mean_below, mean_above = sum_below / below, (sum_all - sum_below) / above
        variance = below * above * (mean_below - mean_above) ** 2
        if variance > best:
            best, best_t, best_sep = variance, t, mean_above - mean_below
    return best_t, best_sep


def binarise(image, min_separation=MIN_SEPARATION):
    """Black and white by Otsu's threshold, unless the page has no ink to separate.

    NB: a light box blur then one global threshold of our own cuts scan noise that
    Tesseract's own binarisation keeps: CER 3.9 % -> 2.4 % on the generated noisy scans, for
    ~80 ms a page (a median filter did as well but costs 0.7 s). A blank page (noise only)
    has no two classes of grey far apart and is left as it is, or its noise would turn into
    letters.
    """
    threshold, separation = otsu(image.histogram())
    if separation < min_separation:
        return image
    return image.point(lambda v: 255 if v > threshold else 0)
