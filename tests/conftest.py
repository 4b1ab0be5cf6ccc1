"""Shared pytest settings: run from the project root so `import kpi` and app paths resolve."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.chdir(ROOT)
