"""The test suite: `python -m pytest -q` from the project root (see pyproject.toml)."""
