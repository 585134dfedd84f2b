"""OCR engines: what one returns, the Protocol they satisfy, and the registry that finds them.

An engine turns one page image into words with boxes and confidences; ordering the words
into text is :mod:`workers.ocr.layout`'s job, so every engine gets the same reading order.
"""
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Word:
    """One recognised word. Box in image pixels; ``conf`` in 0..1; ``block``/``par``/``line``
    are the engine's own grouping (ids unique within a page, order not guaranteed)."""
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float
    block: int = 0
    par: int = 0
    line: int = 0

    @property
    def right(self):
        return self.left + self.width

    @property
    def bottom(self):
        return self.top + self.height


@dataclass
class OcrResult:
    """The words of one page image of ``width`` x ``height`` pixels."""
    width: int
    height: int
    words: list = field(default_factory=list)

    @property
    def confidence(self):
        """Mean word confidence weighted by word length; 0.0 when there are no words."""
        total = sum(len(w.text) for w in self.words)
        if not total:
            return 0.0
        return sum(w.conf * len(w.text) for w in self.words) / total


@runtime_checkable
class Engine(Protocol):
    """An OCR engine. ``image`` is a file path or a PIL image; ``psm`` a Tesseract-style page
    segmentation mode (3 = automatic page, 6 = one block, 7 = one line) that engines without
    such modes may ignore; ``charset``, when given, restricts the characters recognised (a
    hint: engines that cannot restrict may return others)."""
    name: str

    def recognize(self, image, *, lang: str = "vie+eng", psm: int = 3,
                  charset: str | None = None) -> OcrResult:
        ...


_ENGINES = {}


def register(name, factory):
    """Make ``factory()`` (which returns an :class:`Engine`) available as ``name``."""
    _ENGINES[name] = factory


def get_engine(name="tesseract"):
    """A new engine registered as ``name``; ``KeyError`` names the known ones."""
    try:
        factory = _ENGINES[name]
    except KeyError:
        raise KeyError(f"no OCR engine {name!r}; known: {', '.join(sorted(_ENGINES))}") from None
    return factory()
