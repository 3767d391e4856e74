"""``python -m sim``: see :mod:`sim.cli`."""

import sys

from sim.cli.main import main

if __name__ == "__main__":  # not when a spawned worker process imports the main module
    sys.exit(main())
