"""Derive the compact benchmark table from the CMS "HCAHPS - Hospital" file (the raw file stays
outside the repository):

    python -m kpi.hcahps.derive PATH/HCAHPS-Hospital-2024Q3-2025Q2.csv.gz

writes kpi/hcahps/data/hcahps_<start>_<end>.json: per measure, national and per-state counts
of hospitals by top-box % and by linear mean, the star cut points the file implies, its
provenance and row counts."""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from datetime import datetime
from pathlib import Path

import pandas as pd

from kpi.hcahps.measures import MEASURES, SUMMARY_STAR_ID
from kpi.hcahps.stars import summary_star
from kpi.hcahps.table import DATA_DIR, NATION

SOURCE_NAME = ('CMS Provider Data Catalog, "HCAHPS - Hospital" (Care Compare patient survey, '
               'hospital level), US federal data')
MEASURE_ID, FACILITY = "HCAHPS Measure ID", "Facility ID"


def read_cms_file(path: Path) -> pd.DataFrame:
    """The CMS file as text cells ('Not Available' stays text, nothing is guessed)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def numeric_values(raw: pd.DataFrame, measure_id: str, column: str) -> pd.DataFrame:
    """Facility, state and the numeric value of one measure id (text such as 'Not Available'
    dropped), one row per hospital."""
    rows = raw[raw[MEASURE_ID] == measure_id]
    value = pd.to_numeric(rows[column], errors="coerce")
    kept = rows.assign(value=value)[value.notna()]
    return kept[[FACILITY, "State", "value"]].drop_duplicates(FACILITY)


def region_counts(values: pd.DataFrame) -> dict[str, list[int]]:
    """{region: [lowest value, hospitals at lowest, at lowest + 1, ...]} for the nation and
    each state (whole values only: the file's percentages and means are integers)."""
    if not (values.value == values.value.round()).all():
        raise ValueError("the CMS file holds a value that is not a whole number")
    regions = {NATION: values.value}
    regions.update({state: group.value for state, group in values.groupby("State")})
    out = {}
    for region, series in regions.items():
        ints = series.astype(int)
        low = int(ints.min())
        dense = ints.value_counts().reindex(range(low, int(ints.max()) + 1), fill_value=0)
        out[region] = [low, *map(int, dense.tolist())]
    return out


def star_cut_points(raw: pd.DataFrame) -> dict[str, list[int]]:
    """Each measure's cut points (lowest linear mean of 2, 3, 4, 5 stars), determined by the file:
    the lowest mean with k or more stars must be one above the highest with fewer."""
    cuts = {}
    for m in MEASURES:
        stars = numeric_values(raw, m.star_id, "Patient Survey Star Rating")
        means = numeric_values(raw, m.linear_id, "HCAHPS Linear Mean Value")
        both = stars.merge(means, on=[FACILITY, "State"], suffixes=("_star", "_mean"))
        cuts[m.code] = []
        for k in (2, 3, 4, 5):
            lowest = both.value_mean[both.value_star >= k].min()
            highest_below = both.value_mean[both.value_star < k].max()
            if lowest != highest_below + 1:
                raise ValueError(f"{m.code}: the file does not determine the {k}-star cut "
                                 f"(lowest with {k}+ stars {lowest}, highest below {highest_below})")
            cuts[m.code].append(int(lowest))
    return cuts


def summary_rule_check(raw: pd.DataFrame) -> dict[str, int]:
    """How many of the hospitals with a CMS summary star the summary rule reproduces from CMS's
    own measure stars."""
    stars = raw[raw[MEASURE_ID].str.endswith("STAR_RATING")]
    value = pd.to_numeric(stars["Patient Survey Star Rating"], errors="coerce")
    wide = stars.assign(value=value).pivot_table(index=FACILITY, columns=MEASURE_ID,
                                                 values="value", aggfunc="first")
    wide = wide[wide[SUMMARY_STAR_ID].notna()]
    same = sum(summary_star({m.code: row[m.star_id] for m in MEASURES}) == row[SUMMARY_STAR_ID]
               for _, row in wide.iterrows())
    return {"hospitals_with_summary_star": len(wide), "reproduced": int(same)}


def _iso(us_date: str) -> str:
    return datetime.strptime(us_date, "%m/%d/%Y").date().isoformat()


def derive_table(path: Path) -> dict:
    """The compact benchmark table (a JSON-ready dict) of one CMS file."""
    raw = read_cms_file(path)
    starts, ends = raw["Start Date"].unique(), raw["End Date"].unique()
    if len(starts) != 1 or len(ends) != 1:
        raise ValueError("the CMS file mixes reporting periods")
    measures = {}
    for m in MEASURES:
        top = numeric_values(raw, m.top_box_id, "HCAHPS Answer Percent")
        linear = numeric_values(raw, m.linear_id, "HCAHPS Linear Mean Value")
        measures[m.code] = {
            "top_box": {"measure_id": m.top_box_id, "hospitals": len(top),
                        "counts": region_counts(top)},
            "linear_mean": {"measure_id": m.linear_id, "hospitals": len(linear),
                            "counts": region_counts(linear)}}
    return {
        "source": {"name": SOURCE_NAME, "file": path.name,
                   "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                   "obtained_from": "public GitHub repository mmsabuz/Hospital_HCAHPS_Data_Analysis "
                                    "(commit 6702f2fb, HCAHPS_Cleaned_Data.zip)"},
        "period": {"start": _iso(starts[0]), "end": _iso(ends[0])},
        "command": f"python -m kpi.hcahps.derive {path.name}",
        "rows_read": len(raw), "hospitals": int(raw[FACILITY].nunique()),
        "kept": "hospitals with a numeric value for the measure id ('Not Available' and other "
                "text dropped); footnoted numeric values kept",
        "star_cut_points": star_cut_points(raw),
        "summary_rule_check": summary_rule_check(raw),
        "measures": measures,
    }


def _one_line(match: re.Match) -> str:
    """A JSON list of numbers on one line."""
    return "[" + ",".join(re.findall(r"\d+", match.group(0))) + "]"


def write_table(table: dict, out_dir: Path = DATA_DIR) -> Path:
    """Write the table as hcahps_<start>_<end>.json, one region's counts per line."""
    period = table["period"]
    out = out_dir / f"hcahps_{period['start']}_{period['end']}.json"
    text = re.sub(r"\[[\d,\s]*\]", _one_line, json.dumps(table, indent=1))
    out.write_text(text + "\n", encoding="utf-8")
    return out


def main(argv: list[str] | None = None) -> int:
    """Derive and write the table; print where it went and its row counts."""
    parser = argparse.ArgumentParser(prog="python -m kpi.hcahps.derive")
    parser.add_argument("source", type=Path, help="the CMS HCAHPS - Hospital CSV (.csv or .csv.gz)")
    parser.add_argument("--out-dir", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    table = derive_table(args.source)
    out = write_table(table, args.out_dir)
    print(f"wrote {out} ({out.stat().st_size:,} bytes) from {table['rows_read']:,} rows, "
          f"{table['hospitals']:,} hospitals")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
