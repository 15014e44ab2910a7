"""``python -m runware_testkit``: the same command line as ``runware-testkit``."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
