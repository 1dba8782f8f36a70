"""``python -m access`` serves; ``python -m access rotate-key``,
``python -m access create-operator --email ... --password ...`` and
``python -m access clear-login-limit --email ...`` are the admin commands."""

import sys

from access.cli import main

sys.exit(main(sys.argv[1:]))
