"""The content tree. Plain persistent classes: no web, queue or search imports."""
from records.resources.dossiers import Component, Dossier, Result  # noqa: F401
from records.resources.files import FileVersion, Reading  # noqa: F401
from records.resources.portal import Portal  # noqa: F401
from records.resources.procedures import Procedure  # noqa: F401
from records.resources.units import Unit  # noqa: F401
from records.resources.users import User  # noqa: F401
