"""`python -m kpi`: the command line (see kpi/cli.py)."""

import sys

from kpi.cli import main

sys.exit(main())
