"""Scaling out (README): two servers read one database file; a load swaps the file while both
run, and both serve the same numbers before it, during it (old or new, never a mixture) and
after it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from benchmarks.stream_client import StreamSession
from tests.support.ingest_helpers import GOOD, delivery, run_cli, write_files
from tests.support.server import streamlit_server

pytestmark = pytest.mark.slow

# The next delivery: a late February visit and March (complete: it ends on the 31st).
MARCH_VISITS = ("visit_id,patient_key,department_id,visit_date,visit_type,wait_minutes\n"
                "V4,PK-0003,D1,2024-02-20,inpatient,20\n"
                "V5,PK-0004,D2,2024-03-05,outpatient,5\n"
                "V6,PK-0005,D2,2024-03-31,outpatient,\n")
RATE = "Complaints per 1,000 visits: "


async def _overview(url: str) -> list[str]:
    """Every tile and text of a new session's Overview (no exception allowed)."""
    async with StreamSession(url) as session:
        rerun = await session.open()
    assert not rerun.exceptions, rerun.exceptions
    return rerun.texts


def _both(urls: list[str]) -> list[list[str]]:
    async def gather():
        return await asyncio.gather(*(_overview(url) for url in urls))

    return asyncio.run(gather())


def test_two_servers_on_one_file_agree_across_a_load(tmp_path):
    db = tmp_path / "px.duckdb"
    first = run_cli("--db", str(db), "ingest", str(delivery(tmp_path / "january")))
    assert first.returncode == 0, first.stderr
    march = write_files(tmp_path / "march", {"departments.csv": GOOD["departments.csv"],
                                             "visits.csv": MARCH_VISITS})
    with streamlit_server(db, tmp_path / "a.log") as a, streamlit_server(db, tmp_path / "b.log") as b:
        before = _both([a, b])
        assert before[0] == before[1]
        seen, done = [], threading.Event()

        def keep_reading():
            while not done.is_set():
                seen.extend(_both([a, b]))

        reader = threading.Thread(target=keep_reading)
        reader.start()
        try:
            load = run_cli("--db", str(db), "ingest", str(march))
        finally:
            done.set()
            reader.join()
        assert load.returncode == 0, load.stderr
        after = _both([a, b])
    assert after[0] == after[1]
    assert after[0] != before[0]
    assert any("visits: 2024-03-31" in text for text in after[0])  # the new "as of" date
    rates = [[t for t in texts if t.startswith(RATE)] for texts in (before[0], after[0])]
    assert rates == [[f"{RATE}666.67"], [f"{RATE}333.33"]]  # 2 complaints in 3, then 6 visits
    mixed = [texts for texts in seen if texts not in (before[0], after[0])]
    assert seen and not mixed, [set(mixed[0]) ^ set(before[0]), set(mixed[0]) ^ set(after[0])]
