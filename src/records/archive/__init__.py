"""Closed dossiers as records: retention and disposition, fixity, BagIt export."""
# NB: objects stored before the archive became a package were pickled as
# ``records.archive.Archive`` / ``records.archive.Proposal``; these names keep them loadable.
from records.archive.records import Archive, Proposal  # noqa: F401
