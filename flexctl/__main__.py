"""Entry point for ``python -m flexctl``."""

import sys

from flexctl.cli import main

if __name__ == "__main__":
    sys.exit(main())
