"""Issuing bodies: the header lines of a document matched to a vocabulary kept as data.

The vocabulary is ``records/data/issuers.json`` (central bodies, ministries, the local bodies,
the units under them, the overlays of signing and publishing systems, abbreviations) and
``records/data/provinces.json`` (the 34 provinces and cities after the 2025 merger and the 63
before). Matching is on the folded form (:func:`records.textnorm.fold`) with spaces taken
out, so OCR's lost marks, merged words ("ỦY BANNHANDAN") and a few wrong letters still find
the entry; the entry is returned as printed in mixed case.

Contract: :func:`match_header` takes the upper-case lines of the left header block (top
first) and returns an :class:`Issuer` or None. A two-level header ("UBND TỈNH QUẢNG NGÃI /
BAN CHỈ ĐẠO 138") gives the lower line as the issuer, named with its parent's territory
("Ban Chỉ đạo 138 tỉnh Quảng Ngãi"), and the upper line as ``parent``. A centre's own
names (issuers its officers typed in corrections, kept on the portal) are matched beside the
data's: pass them as ``known``.
"""
import difflib
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

from records.textnorm import fold

# Similarity (difflib ratio of the space-less folded forms) for a header to be an entry.
MATCH = 0.78
# The best entry must beat the best *other* body by this much to be trusted.
MARGIN = 0.04


@dataclass(frozen=True)
class Issuer:
    name: str
    parent: str | None
    confidence: float


def load(name):
    """A JSON file of ``records/data``."""
    return json.loads(resources.files("records").joinpath("data", name).read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _abbreviations():
    data = load("issuers.json")["abbreviations"]
    return {k: v.replace(" ", "") for k, v in data.items()}


def _words(text):
    """Folded words, abbreviations expanded."""
    expand = _abbreviations()
    out = []
    for word in re.findall(r"[a-z0-9]+\.?", fold(text).replace("-", " ")):
        bare = word.rstrip(".")
        out.append(expand.get(word, expand.get(bare, bare)))
    return out


def _key(text):
    """Folded, abbreviations expanded, only letters and digits (spaces dropped)."""
    return "".join(_words(text))


@dataclass(frozen=True)
class _Vocabulary:
    bodies: tuple        # (key, name, territory or None)
    units: tuple         # (key, name)
    overlays: tuple      # (key, words)
    territories: tuple   # (key, "tỉnh Quảng Ngãi")


@functools.lru_cache(maxsize=1)
def _vocab():
    data = load("issuers.json")
    provinces = load("provinces.json")
    territories = {}
    for entry in provinces["after_2025"] + provinces["before_2025"]:
        territories[f"{entry['kind']} {entry['name']}"] = None
    bodies = [(_key(n), n, None) for n in data["central"] + data["ministries"]]
    for territory in territories:
        for body in data["local_bodies"]:
            bodies.append((_key(f"{body} {territory}"), f"{body} {territory}", territory))
    return _Vocabulary(tuple(bodies), tuple((_key(n), n) for n in data["units"]),
                       tuple((_key(o), tuple(_words(o))) for o in data["overlays"]),
                       tuple((_key(t), t) for t in territories))


def _ratio(a, b):
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _best(key, entries, fits=None):
    """``(ratio, entry)`` of the entry nearest ``key``, and the ratio of the runner-up
    that names a different entry; with ``fits``, only entries ``fits(key, entry)``."""
    scored = []
    for entry in entries:
        matcher = difflib.SequenceMatcher(None, key, entry[0], autojunk=False)
        if matcher.real_quick_ratio() < MATCH - 0.1 or matcher.quick_ratio() < MATCH - 0.1:
            continue
        if fits and not fits(key, entry):
            continue
        scored.append((matcher.ratio(), entry))
    if not scored:
        return 0.0, None, 0.0
    scored.sort(key=lambda s: -s[0])
    runner = scored[1][0] if len(scored) > 1 else 0.0
    return scored[0][0], scored[0][1], runner


# NB: a local body's key is mostly its body's words ("uybannhandanthanhpho" of 28 letters),
# so a district or city the vocabulary does not list came out as the province nearest in
# spelling ("Ủy ban nhân dân thành phố Hạ Long" as Hải Phòng, "huyện Đông Anh" as tỉnh Long
# An, 0.65 sure). A header is a local entry only when it ends in that entry's territory: its
# name alike on its own, and its level word (tỉnh, thành phố) before it, not another one.
TERRITORY_NAME = 0.75
TERRITORY_KIND = 0.5


@functools.lru_cache(maxsize=None)
def _territory_keys(territory):
    """``(kind key, name key)`` of a territory ("tỉnh Quảng Ngãi": "tinh", "quangngai")."""
    for kind in ("thành phố", "tỉnh"):
        if territory.startswith(kind + " "):
            return _key(kind), _key(territory[len(kind) + 1:])
    return "", _key(territory)


def _territory_fits(key, entry):
    """False when ``entry`` is a local body of a territory that ``key`` does not end in
    (:data:`TERRITORY_NAME`, :data:`TERRITORY_KIND`); True for any other entry."""
    territory = entry[2]
    if not territory:
        return True
    kind, name = _territory_keys(territory)
    if len(key) < len(name) + len(kind) or _ratio(key[-len(name):], name) < TERRITORY_NAME:
        return False
    return not kind or _ratio(key[-len(name) - len(kind):-len(name)], kind) >= TERRITORY_KIND


# NB: an overlay's name is looked for anywhere in a line only when it is long enough not to
# be part of a real name; a short one ("Cơ quan", "Sao y") must start the line.
OVERLAY_ANYWHERE = 9


def is_overlay(line):
    """True when ``line`` is (mostly) the text of a signing, publishing or receipt stamp."""
    words = _words(line)
    key = "".join(words)
    if not key:
        return False
    for overlay, overlay_words in _vocab().overlays:
        if len(overlay) >= OVERLAY_ANYWHERE and overlay in key:
            return True
        if tuple(words[:len(overlay_words)]) == overlay_words:
            return True
        if len(key) >= 6 and len(overlay) >= 6 and _ratio(key, overlay) >= 0.8:
            return True
    return False


def _unit(key, territory):
    """``(ratio, unit name)`` for the lower line of a two-level header."""
    best = (0.0, None)
    for unit_key, name in _vocab().units:
        for candidate in (unit_key, unit_key + (territory or "")):
            ratio = _ratio(key, candidate)
            if ratio > best[0]:
                best = (ratio, name)
    return best


def _name_with_parent(unit, parent, territory):
    """The full name of ``unit`` under ``parent``: "Văn phòng" takes the whole parent
    ("Văn phòng Hội đồng nhân dân tỉnh Hưng Yên"), others the territory."""
    if fold(unit) == "van phong":
        return f"{unit} {parent}"
    return f"{unit} {territory}" if territory else unit


def _confidence(ratio, runner):
    if ratio >= 0.9 and ratio - runner >= MARGIN:
        return 0.95
    if ratio >= 0.85 and ratio - runner >= MARGIN:
        return 0.85
    return 0.65


# What a header line left unexplained costs a candidate reading (a line of overlay or seal
# residue the overlay list did not catch, or half of a two-level header read as one).
UNCOVERED_LINE = 0.08


def _readings(lines, bodies):
    """``(score, runner-up ratio, Issuer)`` for every contiguous run of ``lines`` read as one
    body of ``bodies``, or as a body over a unit (two-level header)."""
    keys = [_key(line) for line in lines]
    for start in range(len(lines)):
        for stop in range(start + 1, len(lines) + 1):
            penalty = UNCOVERED_LINE * sum(len(k) >= 4 for k in keys[:start] + keys[stop:])
            for split in range(stop, start, -1):
                parent_key = "".join(keys[start:split])
                child_key = "".join(keys[split:stop])
                ratio, body, runner = _best(parent_key, bodies, _territory_fits)
                if body is None:
                    continue
                if not child_key:
                    yield ratio - penalty, runner, Issuer(body[1], None, 0.0)
                    continue
                unit_ratio, unit = _unit(child_key, _key(body[2] or ""))
                if unit_ratio < MATCH:
                    continue
                size = len(parent_key) + len(child_key)
                total = (ratio * len(parent_key) + unit_ratio * len(child_key)) / size
                yield (total - penalty, runner,
                       Issuer(_name_with_parent(unit, body[1], body[2]), body[1], 0.0))


@functools.lru_cache(maxsize=8)
def _with_known(known):
    """The bodies of the vocabulary and the centre's own ``known`` names (a tuple of names
    as officers typed them in corrections), the ones already listed left out."""
    bodies = _vocab().bodies
    listed = {key for key, _, _ in bodies}
    extra = tuple((_key(name), name, None) for name in dict.fromkeys(known)
                  if _key(name) and _key(name) not in listed)
    return bodies + extra


def match_header(lines, place=None, known=()):
    """The issuer of the header ``lines`` (see module docstring), or None.

    ``place``, the place of the place-and-date line, confirms a provincial body's province.
    ``known``: names of bodies the centre's officers have typed in corrections (its own
    vocabulary), matched like the entries of ``issuers.json``.
    """
    lines = [line for line in lines if _key(line) and not is_overlay(line)][:5]
    if not lines:
        return None
    bodies = _with_known(tuple(known)) if known else _vocab().bodies
    joint = _joint(lines, bodies)
    if joint:
        return joint
    best = max(_readings(lines, bodies), key=lambda r: r[0], default=None)
    if best is None or best[0] < MATCH:
        return _partial_name(lines, place)
    ratio, runner, issuer = best
    confidence = _confidence(ratio, runner)
    territory = next((b[2] for b in _vocab().bodies if b[1] == (issuer.parent or issuer.name)),
                     None)
    if place and territory and confidence < 0.85 and ratio >= MATCH + 0.04:
        if _key(place) and _key(territory).endswith(_key(place)):
            confidence = 0.85
    return Issuer(issuer.name, issuer.parent, confidence)


def _joint(lines, bodies):
    """"BỘ QUỐC PHÒNG - BỘ TÀI CHÍNH": two bodies issuing together, in header order."""
    for line in lines:
        found = _joint_line(line, bodies)
        if found:
            return found
    return None


def _joint_line(text, bodies):
    parts = [p for p in re.split(r"\s+[-–]\s+", text) if p.strip()]
    if len(parts) != 2:
        return None
    found = []
    for part in parts:
        ratio, body, runner = _best(_key(part), bodies, _territory_fits)
        if body is None or ratio < MATCH:
            return None
        found.append((ratio, runner, body[1]))
    confidence = min(_confidence(r, ru) for r, ru, _ in found)
    return Issuer(" - ".join(name for _, _, name in found), None, confidence)


def _partial_name(lines, place):
    """Half a header: "ỦY BAN NHÂN DÂN" (province lost) or "TỈNH NINH THUẬN" (body lost),
    completed from the place-and-date line or the commonest body, never confidently."""
    vocab = _vocab()
    key = "".join(_key(line) for line in lines)
    for body in ("Ủy ban nhân dân", "Hội đồng nhân dân"):
        if _ratio(key, _key(body)) >= 0.85 and place:
            ratio, territory, _ = _best(_key(place), [(k[len(_key('tỉnh')):], t)
                                                       for k, t in vocab.territories
                                                       if k.startswith(_key("tỉnh"))]
                                        + [(k[len(_key('thành phố')):], t)
                                           for k, t in vocab.territories
                                           if k.startswith(_key("thành phố"))])
            if territory and ratio >= 0.9:
                return Issuer(f"{body} {territory[1]}", None, 0.7)
    ratio, territory, _ = _best(key, vocab.territories)
    if territory and ratio >= 0.9:
        return Issuer(f"Ủy ban nhân dân {territory[1]}", None, 0.6)
    return _local_name(" ".join(lines))


def _title(word):
    return word[:1].upper() + word[1:].lower()


def _local_name(text):
    """"UỶ BAN NHÂN DÂN / HUYỆN ĐÔNG ANH": a local body of a level the vocabulary does not
    list by name, in mixed case ("Ủy ban nhân dân huyện Đông Anh"); its name is as read."""
    data = load("issuers.json")
    tokens = [t for t in text.split() if _key(t)]
    keys = [_key(t) for t in tokens]
    for body in data["local_bodies"]:
        body_key = _key(body)
        for n in range(1, min(len(tokens), 6)):
            if _ratio("".join(keys[:n]), body_key) < 0.85:
                continue
            for level in data["local_levels"]:
                size = len(level.split())
                if "".join(keys[n:n + size]) == _key(level) and len(tokens) > n + size:
                    name = " ".join(_title(t) for t in tokens[n + size:])
                    return Issuer(f"{body} {level} {name}", None, 0.7)
    return None
