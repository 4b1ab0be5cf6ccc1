"""Kill matrix: a load killed with SIGKILL at many points, then another load; the database
must equal the old one plus the new load (or plus both, when the killed load had published).

    python -m benchmarks.kill_matrix [--scale 1] [--timed 10] [--work DIR]

Per kill point: a copy of the old database; `python -m kpi ingest` of delivery B, killed when
a progress line starts a phase (copy, read, load, derive, checkpoint, rename) or at evenly
spaced times over B's measured uninterrupted run; then delivery C is loaded and every table
compared with a load that was never interrupted. Prints one row per point.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from benchmarks.workload import ROOT
from kpi.ingest.delivery import ingest_folder
from kpi.store.derived.rebuild import DERIVED_TABLES
from kpi.store.salt import salt_path
from kpi.store.schema import TABLES
from tests.support.demo_test_helpers import same_data_where

COMPARED = ("meta", *TABLES, *DERIVED_TABLES)  # `loads` holds timestamps: not compared
# The progress line that starts each phase of a load (prefix, phase).
PHASES = (("removing what", "cleanup"), ("copying", "copy"), ("rows read", "read"),
          ("rows loaded", "load"), ("deriving", "derive"), ("updating the summary", "derive"),
          ("saving", "checkpoint"), ("publishing", "rename"))
# A load derives its summary tables whole or updates them where it changed them.
DERIVE_LINES = tuple(mark for mark, phase in PHASES if phase == "derive")
COPY_DELAYS = (0.0, 0.005, 0.01)  # kills this long after "copying": a copy takes ~15 ms+
# The kill points of the reduced matrix (the test): (line, seconds after it), then times.
REDUCED_POINTS = (("copying", 0.005), ("visits: ", 0.0), ("patient_answers: ", 0.0),
                  ("staff_answers: ", 0.0), (DERIVE_LINES, 0.0), ("saving", 0.0),
                  ("publishing", 0.0))


@dataclass(frozen=True)
class Setup:
    """The old database, deliveries B (killed) and C (after), and the two expected results."""

    work: Path
    old: Path
    killed: Path
    after: Path
    expect_old_c: dict
    expect_old_b_c: dict
    lines: tuple[str, ...]  # B's progress lines, uninterrupted
    seconds: float          # B's uninterrupted run


@dataclass(frozen=True)
class Outcome:
    """One kill point: when, in which phase, and whether the database came out intact."""

    point: str
    phase: str
    published: bool
    leftovers_said: bool
    intact: bool


def digest(db: Path) -> dict:
    """Rows and an order-free hash of every compared table (doubles to 10 digits: their
    last bits depend on the order DuckDB happened to sum in; the meta table without the write
    id: tests.support.demo_test_helpers.same_data_where)."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS px (READ_ONLY)", [str(db)])
    try:
        return {t: con.execute(f"SELECT count(*), sum(hash({_cells(con, t)})) FROM px.{t}"
                               f"{same_data_where(t)}").fetchall() for t in COMPARED}
    finally:
        con.close()


def _cells(con: duckdb.DuckDBPyConnection, table: str) -> str:
    columns = con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE "
                          "database_name = 'px' AND table_name = ? ORDER BY column_index",
                          [table]).fetchall()
    return ", ".join(f"printf('%.10g', \"{name}\")" if kind in ("DOUBLE", "FLOAT")
                     else f"\"{name}\"" for name, kind in columns)


def _copy_db(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    shutil.copyfile(salt_path(source), salt_path(target))
    return target


def _demo_delivery(folder: Path, scale: float, seed: int) -> Path:
    subprocess.run([sys.executable, "-m", "kpi", "demo", "--csv", str(folder), "--scale",
                    f"{scale:g}", "--seed", str(seed)], cwd=ROOT, check=True,
                   capture_output=True)
    return folder


def _ingest_child(db: Path, folder: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kpi", "--db", str(db), "ingest",
                             "--progress", str(folder)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def prepare(work: Path, scale: float) -> Setup:
    """Build the old database (the demo at `scale`, ingested), B, C and the references."""
    old = work / "old.duckdb"
    ingest_folder(_demo_delivery(work / "a", scale, 7), old)
    killed = _demo_delivery(work / "b", 0.05, 8)
    after = _demo_delivery(work / "c", 0.01, 9)
    reference = _copy_db(old, work / "reference.duckdb")
    ingest_folder(after, reference)
    expect_old_c = digest(reference)
    reference = _copy_db(old, work / "reference.duckdb")
    started = time.perf_counter()
    child = _ingest_child(reference, killed)
    lines = tuple(child.stderr)
    if child.wait() != 0:
        raise RuntimeError("the uninterrupted load of B failed:\n" + "".join(lines))
    seconds = time.perf_counter() - started
    ingest_folder(after, reference)
    return Setup(work, old, killed, after, expect_old_c, digest(reference), lines, seconds)


def _phase(line: str | None) -> str:
    if line is None:
        return "start"
    return next((phase for mark, phase in PHASES if mark in line), "other")


Prefixes = str | tuple[str, ...] | None


def _killed_load(db: Path, folder: Path, line: Prefixes, delay: float) -> tuple[str, bool]:
    """Run the load of `folder` and SIGKILL it `delay` seconds after a progress line starting
    with `line` (a prefix or a tuple of them; or after its start); the phase it was in, and
    whether it finished first."""
    seen: list[str] = []
    child = _ingest_child(db, folder)
    reached = threading.Event()

    def watch() -> None:
        for text in child.stderr:
            seen.append(text)
            if line is not None and text.startswith(line):
                reached.set()
        reached.set()

    watcher = threading.Thread(target=watch)
    watcher.start()
    if line is not None:
        reached.wait()
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    watcher.join()
    child.stderr.close()
    return _phase(seen[-1] if seen else None), child.returncode == 0


def run_point(setup: Setup, n: int, line: Prefixes, delay: float) -> Outcome:
    """One kill point: a copy of the old database, B killed, C loaded, compared."""
    db = _copy_db(setup.old, setup.work / f"kill-{n}.duckdb")
    before = db.stat().st_ino
    phase, finished = _killed_load(db, setup.killed, line, delay)
    published = db.stat().st_ino != before
    said: list[str] = []
    expected = setup.expect_old_b_c if published else setup.expect_old_c
    try:
        ingest_folder(setup.after, db, progress=said.append)
        intact = digest(db) == expected
    except Exception:  # a load that fails after a kill is a broken result, not a crash
        intact = False
    for path in db.parent.glob(db.name + "*"):
        path.unlink()
    point = f"{delay:.3f} s after {_named(line)!r}" if line else f"{delay:.2f} s"
    return Outcome(point, "done" if finished else phase, published,
                   any("interrupted" in s for s in said), intact)


def _named(line: str | tuple[str, ...]) -> str:
    return " or ".join(line) if isinstance(line, tuple) else line.strip()


def matrix(setup: Setup, after_lines, timed: int) -> list[Outcome]:
    """Kill after each (line, delay), then at `timed` evenly spaced times over B's
    uninterrupted run."""
    points = [*after_lines, *((None, setup.seconds * (i + 0.5) / timed) for i in range(timed))]
    return [run_point(setup, n, line, delay) for n, (line, delay) in enumerate(points)]


def render(outcomes: list[Outcome]) -> str:
    """The matrix as a plain table, with the share of intact results."""
    rows = [("kill point", "phase", "published", "leftovers said", "result")]
    rows += [(o.point, o.phase, "yes" if o.published else "no",
              "yes" if o.leftovers_said else "no", "intact" if o.intact else "BROKEN")
             for o in outcomes]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    intact = sum(o.intact for o in outcomes)
    text.append(f"{intact} of {len(outcomes)} intact ({100 * intact / len(outcomes):.0f} %)")
    return "\n".join(text)


def main(argv: list[str] | None = None) -> int:
    """Run the full matrix and print it; exit 1 unless every result is intact."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="the old database's scale")
    parser.add_argument("--timed", type=int, default=10, help="evenly spaced kill times")
    parser.add_argument("--work", type=Path, help="folder for the files (default: a temp one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="px-kill-") as scratch:
        work = args.work or Path(scratch)
        work.mkdir(parents=True, exist_ok=True)
        setup = prepare(work, args.scale)
        lines = [(line, delay) for line in setup.lines
                 for delay in (COPY_DELAYS if line.startswith("copying") else (0.0,))]
        print(f"old database {setup.old.stat().st_size / 2**20:.0f} MB; an uninterrupted load "
              f"of B takes {setup.seconds:.2f} s", flush=True)
        outcomes = matrix(setup, lines, args.timed)
    print(render(outcomes))
    return 0 if all(o.intact for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
