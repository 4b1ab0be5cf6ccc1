"""The test suite: `python -m pytest -q -n 2 --dist loadfile` from the project root (README)."""
