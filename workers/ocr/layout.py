"""Reading order: words with boxes -> page text, the header columns read one after the other.

Tesseract (and a PDF's content stream) may interleave the two columns of an administrative
header (issuer | national heading; number | place-and-date) and of the signature block
(recipients | signer). We rebuild lines from the engine's line ids, split a line where a
wide gap separates two columns, stack the pieces into rows by their vertical position, and
read every run of rows that holds only half-width pieces as two columns: left, then right.
Full-width rows (title, body paragraphs) are read top to bottom.

Contract: :func:`order_text` takes :class:`~workers.ocr.engine.Word`-like objects (``text``,
``left``, ``top``, ``width``, ``height``, ``block``, ``par``, ``line``) and the page width,
and returns lines joined by ``\\n``. :func:`block_order_text` is the engine's own order,
kept to measure what the reordering is worth.
"""
import re
from dataclasses import dataclass, field
from functools import cached_property
from statistics import median


NOISE_CONF = 0.5
TALL = 1.6  # times the median line band: a segment taller than this is a blot or a stamp
# The short rules under the issuer and the motto read as "_", "-_", "___", "~~".
_RULE_MARK = re.compile(r"[_~—=]+|-+_+|_+-+")


@dataclass
class Segment:
    """Words of one line that belong together (no column gap between them).

    NB: the bounds are computed once, on first use, after :func:`_segments` has filled
    ``words``: sorting and grouping ask for them thousands of times a page (recomputing them
    was a third of reading a born-digital page).
    """
    words: list = field(default_factory=list)

    @cached_property
    def left(self):
        return min(w.left for w in self.words)

    @cached_property
    def right(self):
        return max(w.left + w.width for w in self.words)

    @cached_property
    def top(self):
        return min(w.top for w in self.words)

    @cached_property
    def bottom(self):
        return max(w.top + w.height for w in self.words)

    @cached_property
    def band(self):
        """``(top, bottom)`` of the line the words sit on: the median of their tops and
        bottoms, so that one misread blot (a stamp's letters two lines tall) does not make
        the segment span the lines around it."""
        return median(w.top for w in self.words), median(w.top + w.height for w in self.words)

    @property
    def text(self):
        return " ".join(w.text for w in self.words)


def _lines(words):
    lines = {}
    for word in words:
        lines.setdefault((word.block, word.par, word.line), []).append(word)
    return [sorted(ws, key=lambda w: w.left) for ws in lines.values()]


def _segments(words, page_width):
    heights = [w.height for w in words] or [10]
    # NB: a gap between columns is several spaces wide; between words it is about 0.3 em.
    gap = max(2.5 * median(heights), 0.04 * page_width)
    segments = []
    for line in _lines(words):
        current = Segment([line[0]])
        for word in line[1:]:
            if word.left - current.words[-1].left - current.words[-1].width > gap:
                segments.append(current)
                current = Segment([word])
            else:
                current.words.append(word)
        segments.append(current)
    return segments


def _rows(segments):
    """Group segments whose line bands (:attr:`Segment.band`) overlap by half the smaller
    height.

    NB: a segment over :data:`TALL` times the page's median band height (a stamp printed
    over the body, its big letters and frame read as words) joins the row it overlaps but
    does not widen it: widened, the row swallowed the next two body lines, and their words,
    sorted left to right, came out interleaved (CER 44 % on a page with a receipt stamp
    over its first three lines).
    """
    if not segments:
        return []
    typical = median(s.band[1] - s.band[0] for s in segments)
    rows = []  # [segments, (top, bottom) of the row, whether only tall segments made it]
    for seg in sorted(segments, key=lambda s: (s.band[0] + s.band[1]) / 2):
        top, bottom = seg.band
        tall = bottom - top > TALL * typical
        if rows:
            row, (row_top, row_bottom), only_tall = rows[-1]
            overlap = min(row_bottom, bottom) - max(row_top, top)
            if overlap > 0.5 * min(bottom - top, row_bottom - row_top):
                row.append(seg)
                if only_tall and not tall:
                    rows[-1][1:] = [(top, bottom), False]
                elif not tall:
                    rows[-1][1] = (min(row_top, top), max(row_bottom, bottom))
                continue
        rows.append([[seg], (top, bottom), tall])
    return [_tucked(sorted(row, key=lambda s: s.left)) for row, _, _ in rows]


def _tucked(row):
    """``row`` with each segment that fits in a gap between two words of another segment
    put into that gap.

    NB: an e-office system stamps the number and day into the blanks of the header's
    ``Số:     /TB-UBND`` and ``ngày    tháng 11`` at signing, as text of its own, written
    after the page: read as segments of their own, "542" came after the whole line
    ("Số: /TB-UBND 542 Quảng Ngãi, ngày tháng 11 năm 2024 06") and the blanks were OCR'd
    from crops, 0.47-0.75 sure, for what the page holds as text. A word between two others
    of a line is read between them. ``row`` is sorted by left: a host comes before the
    segments in its gaps, so a segment is done with as a guest before it takes one.
    """
    out = list(row)
    for guest in row:
        for at, host in enumerate(out):
            if host is guest:
                continue
            words = host.words
            gap = next((i for i in range(1, len(words))
                        if words[i - 1].left + words[i - 1].width <= guest.left
                        and guest.right <= words[i].left), None)
            if gap is not None:
                out[at] = Segment(words[:gap] + guest.words + words[gap:])
                out = [seg for seg in out if seg is not guest]
                break
    return out


def order_text(words, page_width):
    """The page text in reading order (see module docstring); ``""`` for no words."""
    # NB: rules, seals and specks come out as low-confidence marks with no letter or digit;
    # they would also break the column runs below.
    words = [w for w in words if w.text.strip() and not _RULE_MARK.fullmatch(w.text)
             and (any(ch.isalnum() for ch in w.text) or w.conf >= NOISE_CONF)]
    if not words:
        return ""
    left = min(w.left for w in words)
    right = max(w.left + w.width for w in words)
    middle = (left + right) / 2
    slack = 0.02 * (right - left)

    def side(seg):
        if seg.right <= middle + slack:
            return "L"
        if seg.left >= middle - slack:
            return "R"
        return "F"

    def row_lines(row, only=None):
        """One line per side of a row: pieces of one column are one line."""
        lines, current, current_side = [], [], None
        for seg in row:
            if only and side(seg) != only:
                continue
            if current and side(seg) != current_side:
                lines.append(" ".join(current))
                current = []
            current.append(seg.text)
            current_side = side(seg)
        if current:
            lines.append(" ".join(current))
        return lines

    out = []
    region = []  # consecutive rows made only of half-width segments

    def flush():
        sides = {side(s) for row in region for s in row}
        if sides == {"L", "R"}:
            for only in ("L", "R"):
                for row in region:
                    out.extend(row_lines(row, only))
        else:
            for row in region:
                out.extend(row_lines(row))
        region.clear()

    for row in _rows(_segments(words, page_width)):
        if any(side(s) == "F" for s in row):
            flush()
            out.append(" ".join(s.text for s in row))
        else:
            region.append(row)
    flush()
    return "\n".join(out)


def block_order_text(words):
    """The engine's own order: block, paragraph, line, then left to right."""
    lines = {}
    for word in words:
        lines.setdefault((word.block, word.par, word.line), []).append(word)
    return "\n".join(" ".join(w.text for w in sorted(ws, key=lambda w: w.left))
                     for _, ws in sorted(lines.items()))
