"""``python -m connector`` serves; ``python -m connector rederive --store ID`` is the admin command."""

import sys

from connector.cli import main

sys.exit(main(sys.argv[1:]))
