"""The history notes the portal writes itself, and how officers' pages show them.

A dossier's history (and the audit trail it feeds) keeps these notes as stored text in
English, as the API gives them; an officer types the others, in their own words. Each
machine-written format is written here and read back here, so that :func:`shown` can give
the page the same note in its language (notes stored before this module, in the same
formats, are read too). A note in no known format is shown as it is.
"""
import datetime
import re

from records import labels
from records.i18n import _, joined

_MISSING = "missing at intake: "
_MISSING_LINE = re.compile(r"^missing at intake: (?P<names>.*) \((?:reason: (?P<reason>.*)|"
                           r"no reason given)\)$", re.S)
_CORRECTED = re.compile(r"^(?P<file>.*): (?P<field>[a-z_]+) = (?P<value>.*)$", re.S)
_DISPOSED = re.compile(r"^(?P<reason>.*) \((?P<n>\d+) files\)$", re.S)
_IMPORTED = re.compile(r"^(?P<n>\d+) files$")

INGESTED = "closed record from the paper archive"
REUSE_SAME_UNIT = "reason: the officer's unit handles the earlier dossier"
REUSE_IDENTITY = "reason: the applicant's ID number and name match the earlier dossier"

#: Whole sentences the portal ends a note with, and their message ids.
_SENTENCES = {
    INGESTED: _("closed record from the paper archive"),
    REUSE_SAME_UNIT: _("reason: the officer's unit handles the earlier dossier"),
    REUSE_IDENTITY: _("reason: the applicant's ID number and name match the earlier dossier"),
}


def missing_at_intake(names, reason=""):
    """The line saying which required components were not handed in, and why."""
    return _MISSING + "; ".join(names) + (f" (reason: {reason})" if reason
                                          else " (no reason given)")


def corrected(filename, field, value):
    """The note of an officer's correction of a field read from a file."""
    return f"{filename}: {field} = {value}"


def disposed(reason, files):
    """The note of a disposal: the approved reason and how many files were destroyed."""
    return f"{reason} ({files} files)"


def imported(files):
    """The note of a dossier taken in from a bag: how many files came with it."""
    return f"{files} files"


def shown(action, note):
    """``note`` of a history line of ``action`` as a page shows it: a translation string
    for the formats above, the note itself otherwise."""
    if not note:
        return note or ""
    if action == "correct_field":
        m = _CORRECTED.match(note)
        if m and m["field"] in labels.FIELDS:
            value = m["value"]
            if m["field"] == "issue_date":
                value = _day(value)
            return _("${file}: ${field} = ${value}", mapping={
                "file": m["file"], "field": labels.FIELDS[m["field"]], "value": value})
    if action == "dispose":
        m = _DISPOSED.match(note)
        if m:
            return _("${reason} (${n} files)", mapping={"reason": m["reason"], "n": m["n"]})
    if action == "import_bag":
        m = _IMPORTED.match(note)
        if m:
            return _("${n} files", mapping={"n": m["n"]})
    return joined([_line(line) for line in note.split("\n")], separator="\n")


def _line(line):
    m = _MISSING_LINE.match(line)
    if m:
        names = m["names"]
        if m["reason"] is None:
            return _("missing at intake: ${names} (no reason given)", mapping={"names": names})
        return _("missing at intake: ${names} (reason: ${reason})",
                 mapping={"names": names, "reason": m["reason"]})
    for sentence, message in _SENTENCES.items():
        if line == sentence:
            return message
        if line.endswith("; " + sentence):
            return _("${before}; ${sentence}", mapping={"before": line[:-len(sentence) - 2],
                                                        "sentence": message})
    return line


def _day(value):
    """dd/mm/yyyy for an ISO date (corrections store dates so), other text unchanged."""
    try:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value
