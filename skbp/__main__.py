"""Run skbp's command-line tools: ``python -m skbp compare --help``."""

import sys

from skbp._compare import main

if __name__ == "__main__":
    sys.exit(main())
