"""``python -m access`` serves; ``python -m access rotate-key`` and
``python -m access create-operator --email ... --password ...`` are the admin commands."""

import sys

from access.cli import main

sys.exit(main(sys.argv[1:]))
