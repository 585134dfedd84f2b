"""The handwritten digits of a header blank's crop, one glyph each, and what their shape says.

Tesseract reads the handwritten 1 of the number and day blanks (a stem with a long flag, as
Vietnamese hands write it) as 4 far more often than as 1 (01 -> 04, 11 -> 44, 1114 -> 1444):
no setting or scale of the crop changes that. A 4, handwritten or printed, has what a 1 never
has: a crossbar, a row of ink spanning nearly the whole glyph in its lower middle. So the
crop's ink is cut into glyphs (connected strokes, those overlapping in x joined: a 5's flag,
a 7's bar; two digits touching are cut apart where only a thin stroke joins them), and a 4
read where the glyph has no crossbar is taken for the 1 it is.

Contract: :func:`glyphs` takes a black-and-white (or grey) crop of a blank and the height of
its text line, with the line's top at ``line_top`` pixels, and returns the digit glyphs left
to right (:class:`Glyph`, possibly none); :func:`has_crossbar` judges one;
:func:`ones_for_fours` corrects a reading whose digits are as many as the glyphs.
No OCR here: pure functions of pixels.
"""
from dataclasses import dataclass

from PIL import Image, ImageOps

INK = 128               # grey levels below this are ink
DUST = 0.12             # line heights: a blob under this squared in area is dust or a dot
RULE_HEIGHT = 0.2       # line heights: flatter and ...
RULE_WIDTH = 0.6        # ... wider than this, a blob is a rule or the dotted leader
GAP = 0.8               # line heights: a wider gap ends the digits (printed text follows)
OVERLAP = 0.5           # share of the narrower of two blobs overlapping in x: one glyph
# NB: measured on the 56 handwritten and printed digits of the blanks of ../shared/realdocs
# that the crops cut into as many glyphs as digits: every 4 had a run of ink at least 0.9 of
# its width in rows 30-85 % down (seven 4s, 0.90-1.00); 23 of 25 ones stayed under 0.75,
# the other two (0.80, 0.90) narrow upright ones that Tesseract read as 1 anyway.
CROSSBAR = 0.85
CROSSBAR_ROWS = (0.3, 0.85)
# NB: a 4's bar makes it wide: the 4s ran 0.59-0.94 of their height wide, while an upright
# 1 (0.28-0.40) spans its own width with any stroke.
MIN_FOUR_WIDTH = 0.45


@dataclass
class Glyph:
    """One glyph: its box in the crop's pixels and its ink, as ``(x, y)`` pixels;
    ``touching``: cut from a digit it touched (:func:`_split`)."""
    left: int
    top: int
    right: int          # exclusive
    bottom: int         # exclusive
    ink: frozenset
    touching: bool = False

    @property
    def width(self):
        return self.right - self.left

    @property
    def height(self):
        return self.bottom - self.top


def _blobs(image):
    """Connected ink (8-neighbours) of ``image`` as sets of ``(x, y)``."""
    grey = image.convert("L") if image.mode != "L" else image
    pixels = grey.load()
    width, height = grey.size
    ink = {(x, y) for y in range(height) for x in range(width) if pixels[x, y] < INK}
    blobs = []
    while ink:
        seed = ink.pop()
        blob, todo = {seed}, [seed]
        while todo:
            x, y = todo.pop()
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    p = (x + dx, y + dy)
                    if p in ink:
                        ink.discard(p)
                        blob.add(p)
                        todo.append(p)
        blobs.append(blob)
    return blobs


def _glyph(ink, touching=False):
    xs = [x for x, _ in ink]
    ys = [y for _, y in ink]
    return Glyph(min(xs), min(ys), max(xs) + 1, max(ys) + 1, frozenset(ink), touching)


# NB: a stroke run on past the digits (a 7's cross drawn on to "tháng", the pen dragged along
# the dotted leader) makes one blob of a digit and a long thin line: a glyph too wide for one
# digit, cropped with the line. Columns of such a tail hold ink no taller than TAIL line
# heights; a thin run that long at either end of a glyph is cut off (a 7's bar or a 5's flag
# is shorter).
TAIL = 0.2
TAIL_MIN = 0.6


def _without_tails(glyph, line_height):
    """``glyph`` without a thin run of ink at least :data:`TAIL_MIN` line heights long at its
    left or right end (see :data:`TAIL`); itself when it has none."""
    spans = {}
    for x, y in glyph.ink:
        low, high = spans.get(x, (y, y))
        spans[x] = (min(low, y), max(high, y))

    def thin(x):
        low, high = spans.get(x, (0, -1))
        return high - low + 1 <= TAIL * line_height

    left, right = glyph.left, glyph.right - 1
    while right > left and thin(right):
        right -= 1
    while left < right and thin(left):
        left += 1
    keep_left = left if left - glyph.left >= TAIL_MIN * line_height else glyph.left
    keep_right = right if glyph.right - 1 - right >= TAIL_MIN * line_height else glyph.right - 1
    if (keep_left, keep_right) == (glyph.left, glyph.right - 1):
        return glyph
    return _glyph({(x, y) for x, y in glyph.ink if keep_left <= x <= keep_right})


def glyphs(image, line_height, line_top):
    """The digit glyphs of ``image``, left to right: blobs on the line (``line_top`` to
    ``line_top + line_height``), without dust, rules and the dotted leader, or the thin tails
    of strokes run on past them (:func:`_without_tails`), blobs overlapping in x joined, up
    to the first gap wider than :data:`GAP` line heights; a glyph of two digits touching is
    cut in two (:func:`_split`)."""
    h = max(1.0, float(line_height))
    found = []
    for blob in _blobs(image):
        g = _glyph(blob)
        if len(blob) < (DUST * h) ** 2:
            continue
        if g.height < RULE_HEIGHT * h and g.width > RULE_WIDTH * h:
            continue
        if g.bottom < line_top + 0.2 * h or g.top > line_top + h:
            continue  # above or below the line: a rule, the next line's print
        found.append(_without_tails(g, h))
    found.sort(key=lambda g: g.left)
    joined = []
    for g in found:
        last = joined[-1] if joined else None
        if last and min(g.right, last.right) - max(g.left, last.left) > \
                OVERLAP * min(g.width, last.width):
            joined[-1] = _glyph(last.ink | g.ink)
        else:
            joined.append(g)
    out = []
    for g in joined:
        if out and g.left - out[-1].right > GAP * h:
            break
        out.extend(_split(g))
    return out


# NB: two handwritten digits touching (a 5's flag run on into a 7's bar) made one glyph too
# wide for a digit (:data:`MAX_ASPECT`): a reading then had no glyph for each digit, and
# neither a crossed 7 nor a flagged 1 could be put right. Where they touch, only the
# stroke joining them crosses the column: a column of the glyph's middle holding ink for
# at most this share of its height is where it is cut.
JOINT = 0.2
JOINT_SPAN = (0.3, 0.7)


def _split(glyph):
    """``[glyph]``, or the glyphs of the digits it holds when it is wider than
    :data:`MAX_ASPECT` of its height and a column of its middle (:data:`JOINT_SPAN`)
    holds ink for at most :data:`JOINT` of its height: cut at the column of least ink
    (nearest the middle on a tie), each side split again."""
    if not _two_wide(glyph):
        return [glyph]
    columns = {}
    for x, _ in glyph.ink:
        columns[x] = columns.get(x, 0) + 1
    middle = glyph.left + glyph.width / 2
    span = range(glyph.left + int(JOINT_SPAN[0] * glyph.width),
                 glyph.left + int(JOINT_SPAN[1] * glyph.width))
    cut = min(span, key=lambda x: (columns.get(x, 0), abs(x - middle)), default=None)
    if cut is None or columns.get(cut, 0) > JOINT * glyph.height:
        return [glyph]
    left = {p for p in glyph.ink if p[0] < cut}
    right = glyph.ink - left
    if not left or not right:
        return [glyph]
    return _split(_glyph(left, True)) + _split(_glyph(right, True))


def _longest_run(xs):
    best = run = 0
    previous = None
    for x in sorted(xs):
        run = run + 1 if previous is not None and x == previous + 1 else 1
        best = max(best, run)
        previous = x
    return best


def has_crossbar(glyph):
    """True when a row of ``glyph`` in its lower middle (:data:`CROSSBAR_ROWS`) holds a run
    of ink at least :data:`CROSSBAR` of its width: a 4's bar, which a 1 lacks. A glyph
    narrower than :data:`MIN_FOUR_WIDTH` of its height has none."""
    if glyph.width < MIN_FOUR_WIDTH * glyph.height:
        return False
    first = glyph.top + int(CROSSBAR_ROWS[0] * glyph.height)
    last = glyph.top + int(CROSSBAR_ROWS[1] * glyph.height)
    rows = {}
    for x, y in glyph.ink:
        if first <= y < last:
            rows.setdefault(y, []).append(x)
    longest = max((_longest_run(xs) for xs in rows.values()), default=0)
    return longest >= CROSSBAR * glyph.width


# NB: a handwritten 7 is often crossed in its middle, European style, and both engines read
# it as a 4 (its cross taken for a 4's crossbar: 574 -> 544) or a 1 (575 -> 515). What a 4
# or a 1 never has is a 7's top: a bar across the glyph's whole width in its top rows (a 4's
# top is the tips of two strokes apart, a 1's flag a slant). A narrow 1 spans its own width
# with its flag (one 0.40 of its height wide on ../shared/realdocs, read 7 at 0.4): a 7,
# its bar as wide as its slant, is at least half its height wide. The cross may run past
# the stem (a 7 cut from the 5 it touched: its bar 0.72 of the glyph's width), so the bar
# need span only 0.7 of it.
TOP_BAR = 0.7
TOP_BAR_ROWS = 0.22
MIN_SEVEN_WIDTH = 0.5


def has_top_bar(glyph):
    """True when a row in the top :data:`TOP_BAR_ROWS` of ``glyph`` holds a run of ink at
    least :data:`TOP_BAR` of its width: a 7's bar. A glyph narrower than
    :data:`MIN_SEVEN_WIDTH` of its height has none."""
    if glyph.width < MIN_SEVEN_WIDTH * glyph.height:
        return False
    last = glyph.top + max(1, int(TOP_BAR_ROWS * glyph.height))
    rows = {}
    for x, y in glyph.ink:
        if y < last:
            rows.setdefault(y, []).append(x)
    longest = max((_longest_run(xs) for xs in rows.values()), default=0)
    return longest >= TOP_BAR * glyph.width


def ones_for_fours(value, found):
    """``(value, fours_checked)``: ``value`` with each 4 or 1 whose glyph in ``found`` has a
    7's top bar (:func:`has_top_bar`) read as 7, each 4 whose glyph has no crossbar read as 1,
    and whether every 4 left has one. Only when the digits are as many as the glyphs (each
    digit then has its glyph); otherwise ``(value, False)`` if it holds a 4, else
    ``(value, True)``. A 4 on a glyph cut from a digit it touched (``touching``: the cut
    may have taken its crossbar, a 4's bar run into the 0 before it) or on one still two
    digits wide (:func:`_two_wide`: "04" written in one stroke, read "4") is left as read
    and not checked."""
    if len(value) != len(found) or not value.isdigit():
        return value, "4" not in value
    unsure = [g.touching or _two_wide(g) for g in found]
    digits = [("7" if d in "41" and has_top_bar(g) else
               "1" if d == "4" and not doubt and not has_crossbar(g) else d)
              for d, g, doubt in zip(value, found, unsure)]
    checked = all(d != "4" or not doubt for d, doubt in zip(digits, unsure))
    return "".join(digits), checked


def _two_wide(glyph):
    """True when ``glyph`` is wider than one handwritten digit (:data:`MAX_ASPECT`)."""
    return glyph.width > MAX_ASPECT * glyph.height


# NB: the glyphs re-laid on a clean line, each scaled to one height with even gaps, read
# better than the crop as it is (38 against 32 of the 63 number and day blanks of
# ../shared/realdocs, with :func:`ones_for_fours`): the leader's dots, the rule and the
# uneven sizes of handwriting are gone. 32 pixels read as well as 48 or 64.
RELAID_HEIGHT = 32
# NB: a glyph wider than this many times its height is two digits touching (single
# handwritten digits of the blanks ran up to 1.07, a 5 with a long flag).
MAX_ASPECT = 1.1


def relaid(found, height=RELAID_HEIGHT):
    """A black-on-white image of the glyphs ``found``, each scaled to ``height`` pixels,
    a third of that apart, with half of it as margin; None for no glyphs."""
    if not found:
        return None
    images = []
    for g in found:
        image = Image.new("L", (g.width, g.height), 255)
        pixels = image.load()
        for x, y in g.ink:
            pixels[x - g.left, y - g.top] = 0
        scale = height / g.height
        images.append(image.resize((max(1, round(g.width * scale)), height),
                                   Image.Resampling.LANCZOS))
    gap = height // 3
    line = Image.new("L", (sum(i.width for i in images) + gap * (len(images) - 1), height), 255)
    x = 0
    for image in images:
        line.paste(image, (x, 0))
        x += image.width + gap
    return ImageOps.expand(line, border=height // 2, fill=255)


def matches(value, found):
    """True when ``value`` has a digit for each glyph of ``found`` and no glyph is two
    digits touching, or was cut from them (:func:`_split`): what a reading must show before
    it is believed."""
    return len(value) == len(found) and \
        all(not _two_wide(g) and not g.touching for g in found)


def matches_written(value, found):
    """:func:`matches` for ``value`` as written: a day's leading 0 may be left unwritten."""
    return matches(value, found) or matches(value.lstrip("0"), found)


# NB: a 6, 8 or 9 closes a loop around paper; an open handwritten 0 ("20" written "2(")
# does not, and both engines read it as 6 (20 -> 26). A hole smaller than this share of the
# glyph's box is a gap between strokes of a thick pen, not a loop.
MIN_HOLE = 0.01
LOOPED = "689"


def holes(glyph):
    """The loops of ``glyph``: regions of paper inside its box that its ink encloses
    (4-connected, not reaching the box's edge, at least :data:`MIN_HOLE` of the box)."""
    width, height = glyph.width, glyph.height
    paper = {(x, y) for x in range(width) for y in range(height)} - \
        {(x - glyph.left, y - glyph.top) for x, y in glyph.ink}
    count = 0
    while paper:
        seed = paper.pop()
        region, todo, edge = 1, [seed], False
        while todo:
            x, y = todo.pop()
            if x in (0, width - 1) or y in (0, height - 1):
                edge = True
            for p in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if p in paper:
                    paper.discard(p)
                    region += 1
                    todo.append(p)
        if not edge and region >= MIN_HOLE * width * height:
            count += 1
    return count


def loops_checked(value, found):
    """False when ``value`` has a digit for each glyph of ``found`` and one of its 6s, 8s or
    9s is a glyph with no loop (:func:`holes`): a reading to doubt. True otherwise."""
    if len(value) != len(found):
        return True
    return all(d not in LOOPED or holes(g) for d, g in zip(value, found))
