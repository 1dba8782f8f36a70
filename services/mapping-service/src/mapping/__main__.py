"""``python -m mapping`` serves; ``python -m mapping load-catalog [FILE]`` loads a catalog CSV
(the sample catalog without FILE)."""

import sys

from mapping.cli import main

sys.exit(main(sys.argv[1:]))
