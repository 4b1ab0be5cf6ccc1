"""Shared pytest settings: run from the project root so `import kpi` and app paths resolve."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)


def pytest_configure(config):
    """Register the `slow` marker (long tests: run them alone with -m slow)."""
    config.addinivalue_line("markers", "slow: a long test (the kill matrix)")
