"""``python -m records.cli``: the ``records`` command (as the console script)."""
from records.cli import main

main()
