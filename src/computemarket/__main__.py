"""``python -m computemarket``: the command line, as the ``computemarket`` script runs it."""

import sys

from computemarket.cli import main

sys.exit(main())
