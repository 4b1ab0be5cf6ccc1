"""Helpers shared by the tests and the benchmark: hand-made databases, hand-computed cases,
the pandas reference, AppTest, ingest and demo helpers, the `streamlit run` server."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
