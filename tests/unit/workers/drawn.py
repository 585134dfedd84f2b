"""Handwritten digits drawn on a header blank's crop, for the glyph and digit tests."""
from PIL import Image, ImageDraw

H = 50          # line height of the drawn crops
TOP = 40        # where the line starts in them


def crop(*draws, width=300):
    image = Image.new("L", (width, 160), 255)
    pen = ImageDraw.Draw(image)
    for draw in draws:
        draw(pen)
    return image


def one(x):
    """A handwritten 1: a long flag up to the top of a stem (no crossbar)."""
    def draw(pen):
        pen.line([(x, TOP + 20), (x + 16, TOP)], fill=0, width=5)
        pen.line([(x + 16, TOP), (x + 16, TOP + 45)], fill=0, width=5)
    return draw


def four(x):
    """A handwritten 4: a slant, a crossbar running past the stem, the stem."""
    def draw(pen):
        pen.line([(x + 14, TOP), (x, TOP + 28)], fill=0, width=5)
        pen.line([(x, TOP + 28), (x + 34, TOP + 28)], fill=0, width=5)
        pen.line([(x + 24, TOP + 5), (x + 24, TOP + 45)], fill=0, width=5)
    return draw


def zero(x):
    def draw(pen):
        pen.ellipse([x, TOP, x + 26, TOP + 45], outline=0, width=5)
    return draw


def seven(x, crossed=True):
    """A handwritten 7: a bar across the top, a slanting stem, crossed in its middle."""
    def draw(pen):
        pen.line([(x, TOP + 2), (x + 30, TOP + 2)], fill=0, width=5)
        pen.line([(x + 30, TOP + 2), (x + 12, TOP + 45)], fill=0, width=5)
        if crossed:
            pen.line([(x + 8, TOP + 24), (x + 32, TOP + 24)], fill=0, width=5)
    return draw


def tail(x, length):
    """A thin stroke along the line's middle, ``length`` pixels from ``x``: a 7's cross run
    on, the pen dragged along the dotted leader."""
    def draw(pen):
        pen.line([(x, TOP + 24), (x + length, TOP + 24)], fill=0, width=4)
    return draw
