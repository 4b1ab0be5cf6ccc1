"""The organisation's settings file: KPI targets, the SPC run length and the minimum n for a
verdict per KPI kind (TOML, documented)."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from kpi.errors import PxError

DEFAULT_RUN_LENGTH = 7  # points in a run or trend that signal special cause
ALLOWED_RUN_LENGTHS = (6, 7)
MIN_BASELINE_POINTS = 12  # a fixed baseline needs at least the points of firm limits

DEFAULT_SETTINGS_FILE = Path("settings.toml")
SECTIONS = {"targets", "spc", "min_n", "comments", "access", "benchmarks", "drivers",
            "capacity"}  # [capacity]: kpi/capacity.py; [comments]:
# kpi/comments/custom.py; [access]: kpi/access/serving.py (and, with sign-in, the access file);
# [benchmarks] state: the US state whose hospitals give the state percentile (docs/benchmarks.md)
# [drivers] min_respondents: the key drivers' least respondents (docs/key-drivers.md)
DEFAULT_DRIVER_RESPONDENTS = 100  # a correlation from 100 answers is known to about +-0.2
LEAST_DRIVER_RESPONDENTS = 30  # below 30 the interval of a correlation spans most of its range

_PROPORTION = ("a share from fewer answers moves by more than the usual month-to-month "
               "variation on one answer, and the p-chart's normal approximation needs "
               "n x p and n x (1 - p) of at least 5 (n 30 covers p from 17 % to 83 %)")
# The least n (see the catalog's definition of n) a month or group needs before it is
# judged (control-chart rules, comparisons, attention), by KPI kind, with the reason. The
# survey small-cell threshold (withholding the value) is separate and stays as it is.
_FEW_COMPLAINTS = "complaints are few: below 20 one complaint moves the share by more than 5 points"
_NPS = ("an NPS has about twice the standard error of a share (its interval at n 50 is "
        "still about +-25 points)")
_WAITS = "a median of fewer waits rests on a handful of visits (a small unit's month can hold 2)"
_VISITS = ("n is visits: at about 4 complaints per 1,000 visits, fewer visits expect fewer "
           "than 4 complaints, and one complaint moves the rate by more than its usual variation")
_COUNT = "a count is judged whatever its size (its n is the count itself)"
MIN_N_REASONS: dict[str, tuple[int, str]] = {
    "domain_top_box": (30, _PROPORTION),
    "wait_within": (30, _PROPORTION),
    "return_rate": (30, _PROPORTION),
    "domain_mean": (30, "a mean of fewer answers is dominated by a few patients' scale use"),
    "domain_nps": (50, _NPS),
    "ack_within_working_days": (20, _FEW_COMPLAINTS),
    "resolved_within_days": (20, _FEW_COMPLAINTS),
    "median_wait": (30, _WAITS),
    "median_days_to_resolve": (10, "a median of fewer resolved complaints rests on one or two"),
    "complaint_rate": (1000, _VISITS),
    "complaint_count": (0, _COUNT),
    "open_complaints": (0, _COUNT),
    "response_count": (0, _COUNT),
    "visit_count": (0, _COUNT),
    "review_count": (0, _COUNT),
    "review_rating_mean": (30, "a mean of fewer reviews is swayed by a handful of reviewers"),
    "negative_review_share": (30, _PROPORTION),
    "review_response_rate": (30, _PROPORTION),
    "median_days_to_respond": (10, "a median of fewer replied reviews rests on one or two"),
}
DEFAULT_MIN_N = MappingProxyType({kind: n for kind, (n, _) in MIN_N_REASONS.items()})


@dataclass(frozen=True)
class Settings:
    """Targets that override the catalog's defaults, the SPC run length (6 or 7) and the
    minimum n for a verdict by KPI kind."""

    targets: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    run_length: int = DEFAULT_RUN_LENGTH
    min_n: Mapping[str, int] = field(default_factory=lambda: DEFAULT_MIN_N)
    fix_limits_after: int = 0  # MDC "fix limits after N points"; 0: every complete month
    benchmark_state: str | None = None  # two-letter code, e.g. "MA"; None: no state percentile
    driver_min_respondents: int = DEFAULT_DRIVER_RESPONDENTS  # key drivers withheld below

    def min_n_for(self, kind: str) -> int:
        """The least n a point of a KPI of this kind needs to be judged (0: no minimum)."""
        return self.min_n.get(kind, 0)


class SettingsError(PxError):
    """The settings file breaks a rule; the message names the file, key and value."""


def settings_path() -> Path:
    """$PX_SETTINGS, else settings.toml in the working directory."""
    return Path(os.environ.get("PX_SETTINGS") or DEFAULT_SETTINGS_FILE)


def read_settings_file(path: Path | None = None) -> Settings:
    """Read and check the settings file; defaults when it does not exist."""
    path = settings_path() if path is None else Path(path)
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise SettingsError(f"{path}: not a valid TOML file ({err})") from None
    unknown = set(raw) - SECTIONS
    if unknown:
        raise SettingsError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                            f"allowed: {', '.join(sorted(SECTIONS))}")
    targets = {}
    for kpi_id, value in raw.get("targets", {}).items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise SettingsError(f"{path}: [targets] {kpi_id} = {value!r}: "
                                "a target must be a number")
        targets[kpi_id] = float(value)
    spc = raw.get("spc", {})
    run_length = spc.get("run_length", DEFAULT_RUN_LENGTH)
    fix_after = spc.get("fix_limits_after", 0)
    if isinstance(fix_after, bool) or not isinstance(fix_after, int) or \
            not (fix_after == 0 or fix_after >= MIN_BASELINE_POINTS):
        raise SettingsError(f"{path}: [spc] fix_limits_after = {fix_after!r}: must be 0 (limits "
                            f"from every complete month) or a whole number of at least "
                            f"{MIN_BASELINE_POINTS}")
    if run_length not in ALLOWED_RUN_LENGTHS or isinstance(run_length, bool):
        raise SettingsError(f"{path}: [spc] run_length = {run_length!r}: must be 6 or 7")
    extra = set(spc) - {"run_length", "fix_limits_after"}
    if extra:
        raise SettingsError(f"{path}: [spc] unknown key(s) {', '.join(sorted(extra))}")
    return Settings(MappingProxyType(targets), run_length, _min_n(path, raw.get("min_n", {})),
                    fix_after, _benchmark_state(path, raw.get("benchmarks", {})),
                    driver_min_respondents=_drivers(path, raw.get("drivers", {})))


def _benchmark_state(path: Path, section: Mapping) -> str | None:
    """[benchmarks] state: two letters (a US state or territory code), upper-cased; None if unset."""
    extra = set(section) - {"state"}
    if extra:
        raise SettingsError(f"{path}: [benchmarks] unknown key(s) {', '.join(sorted(extra))}")
    state = section.get("state")
    if state is None:
        return None
    if not isinstance(state, str) or not re.fullmatch(r"[A-Za-z]{2}", state.strip()):
        raise SettingsError(f"{path}: [benchmarks] state = {state!r}: must be a two-letter US "
                            "state code such as \"MA\"")
    return state.strip().upper()


def _drivers(path: Path, section: Mapping) -> int:
    """[drivers] min_respondents: a whole number of at least LEAST_DRIVER_RESPONDENTS."""
    extra = set(section) - {"min_respondents"}
    if extra:
        raise SettingsError(f"{path}: [drivers] unknown key(s) {', '.join(sorted(extra))}")
    value = section.get("min_respondents", DEFAULT_DRIVER_RESPONDENTS)
    if isinstance(value, bool) or not isinstance(value, int) or value < LEAST_DRIVER_RESPONDENTS:
        raise SettingsError(f"{path}: [drivers] min_respondents = {value!r}: must be a whole "
                            f"number of at least {LEAST_DRIVER_RESPONDENTS}")
    return value


def _min_n(path: Path, section: Mapping) -> Mapping[str, int]:
    """The [min_n] section over the defaults: a whole number >= 0 per known KPI kind."""
    chosen = dict(DEFAULT_MIN_N)
    for kind, value in section.items():
        if kind not in DEFAULT_MIN_N:
            raise SettingsError(f"{path}: [min_n] unknown KPI kind {kind!r}; known: "
                                f"{', '.join(sorted(DEFAULT_MIN_N))}")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SettingsError(f"{path}: [min_n] {kind} = {value!r}: must be a whole number "
                                "of 0 or more")
        chosen[kind] = value
    return MappingProxyType(chosen)


def settings_section(path: Path, name: str) -> dict:
    """One [name] table of the settings file (empty when the file or the table is absent);
    SettingsError when the file is not TOML or the name is not a table."""
    if not path.exists():
        return {}
    try:
        section = tomllib.loads(path.read_text(encoding="utf-8")).get(name, {})
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
        raise SettingsError(f"{path}: not a readable TOML file") from None
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: {name} must be a [{name}] table")
    return section


def unknown_target_ids(settings: Settings, known_ids: set[str]) -> list[str]:
    """Target keys that name no KPI of the catalog (so a typo is reported, not ignored)."""
    return sorted(set(settings.targets) - known_ids)
