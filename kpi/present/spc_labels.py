"""Words and badges of control-chart signals ("Making Data Count"), for tiles, tables and hovers.

Symbols are plain Unicode shapes that DejaVu draws (no emoji font is needed), so a badge
never relies on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kpi.catalog.kinds import Direction
from kpi.present.formatting import format_value, is_missing
from kpi.spc.limits import ALWAYS_MET, HIT_AND_MISS, NEVER_MET, TOO_FEW_FOR_FIRM_LIMITS
from kpi.spc.rules import COMMON, CONCERN, IMPROVEMENT, NEUTRAL
from kpi.spc.verdict import CHUNKY as CHUNKY_STATUS
from kpi.spc.verdict import TOO_FEW as TOO_FEW_STATUS


@dataclass(frozen=True)
class Badge:
    """A signal as a symbol, words, and a colour name for Streamlit's markdown badges."""

    symbol: str
    words: str
    colour: str

    @property
    def text(self) -> str:
        """Symbol and words: '▼ Special cause — concern'."""
        return f"{self.symbol} {self.words}"


VARIATION_BADGES: dict[str, Badge] = {
    IMPROVEMENT: Badge("▲", "Special cause — improvement", "blue"),
    CONCERN: Badge("▼", "Special cause — concern", "orange"),
    NEUTRAL: Badge("◆", "Special cause — neither better nor worse", "violet"),
    COMMON: Badge("●", "Common cause", "gray"),
}
NO_VALUE = Badge("○", "No value to judge", "gray")
NOT_JUDGED_BADGES: dict[str, Badge] = {
    TOO_FEW_STATUS: Badge("◇", "Too few to judge", "gray"),
    CHUNKY_STATUS: Badge("□", "Too coarse to judge (chunky data)", "gray"),
}

ASSURANCE_BADGES: dict[str, Badge] = {
    ALWAYS_MET: Badge("✔", "Target always met", "blue"),
    NEVER_MET: Badge("✖", "Target never met", "orange"),
    HIT_AND_MISS: Badge("↕", "Target sometimes met", "gray"),
}
NO_TARGET = Badge("○", "No target set", "gray")
NOT_ASSESSED = Badge("○", "Target not assessed (too few months)", "gray")

CHART_WORDS = {"xmr": "XmR chart", "p": "p-chart", "u": "u-chart"}
TRIAL_LIMITS = "trial limits"
PROCESS_LIMITS = "process limits"


def variation_badge(variation: str) -> Badge:
    """The badge of a point's variation ('' = the month has no value)."""
    return VARIATION_BADGES.get(variation, NO_VALUE)


def verdict_badge(status: str) -> Badge:
    """The badge of a KPI's verdict (kpi.spc.verdict): its variation, or why it has none."""
    return VARIATION_BADGES.get(status) or NOT_JUDGED_BADGES.get(status, NO_VALUE)


ATTENTION_KINDS = {"outside_limits": ("concern outside the limits",
                                      "concerns outside the limits"),
                   "other_concerns": ("concern from a run or 2 of 3",
                                      "concerns from runs or 2 of 3"),
                   "never_met": ("target never met", "targets never met")}


def attention_summary(counts: dict[str, int]) -> str:
    """kpi.spc.attention.attention_counts in words: '2 concerns outside the limits · 1 target
    never met' (kinds with none left out)."""
    return " · ".join(f"{n} {ATTENTION_KINDS[kind][n != 1]}" for kind, n in counts.items() if n)


def assurance_badge(assurance: str, target: Any) -> Badge:
    """The badge of a series' assurance against its target (none set, or not assessed)."""
    if assurance in ASSURANCE_BADGES:
        return ASSURANCE_BADGES[assurance]
    return NO_TARGET if is_missing(target) else NOT_ASSESSED


def signal_side(variation: str, direction: str) -> int:
    """+1 for a signal on the high side, -1 on the low side, 0 when unknown or none."""
    sided = (Direction.HIGHER, Direction.LOWER)
    if variation not in (IMPROVEMENT, CONCERN) or direction not in sided:
        return 0
    good = 1 if direction == Direction.HIGHER else -1
    return good if variation == IMPROVEMENT else -good


def rule_words(rule: str, run_length: int, side: int = 0) -> str:
    """The rule that fired, in plain words ('' when none); `side` +1/-1 names the direction."""
    if rule == "outside_limits":
        return "point outside the limits"
    if rule == "trend":
        way = {1: "rising", -1: "falling"}.get(side, "rising or falling")
        return f"run of {run_length} {way}"
    if rule == "two_of_three":
        return "2 of 3 months near a limit"
    if rule == "shift":
        where = {1: "above the mean", -1: "below the mean"}.get(side, "on one side of the mean")
        return f"{run_length} points {where}"
    return ""


def signal_text(variation: str, rule: str, direction: str, run_length: int) -> str:
    """A point's variation badge text, with the rule that fired: '▼ Special cause — concern:
    point outside the limits'."""
    words = rule_words(rule, run_length, signal_side(variation, direction))
    badge = variation_badge(variation).text
    return f"{badge}: {words}" if words else badge


def assurance_text(assurance: str, target: Any, unit: str) -> str:
    """The assurance badge text with the target: '✖ Target never met (target 90.0 %)'."""
    badge = assurance_badge(assurance, target).text
    return badge if is_missing(target) else f"{badge} (target {format_value(target, unit)})"


NOT_JUDGED = "not judged until the month is complete"


TOO_FEW = "Too few to judge"
CHUNKY = "Too coarse to judge (chunky data)"
CHUNKY_WHY = "fewer than 5 possible values between the limits, so no rule is applied"


def provisional_name(through: date | None) -> str:
    """The legend name of the incomplete month: 'Provisional (to 2026-12-04)'."""
    return f"Provisional (to {through.isoformat()})" if through else "Provisional"


def too_few_name(min_n: int) -> str:
    """The legend name of points below the minimum n: 'Too few to judge (n < 30)'."""
    return f"{TOO_FEW} (n < {min_n:,})" if min_n else TOO_FEW


def point_verdict(row, direction: str, run_length: int, through: date | None = None,
                  min_n: int = 0) -> str:
    """A point's verdict in words (a row of an SPC table): its signal and rule, or why it is
    not judged."""
    if bool(row["provisional"]):
        return f"{provisional_name(through)}: {NOT_JUDGED}"
    if bool(row["too_few"]):
        return f"{too_few_name(min_n)}: below the minimum for a verdict"
    if bool(row["chunky"]):
        return f"{CHUNKY}: {CHUNKY_WHY}"
    return signal_text(row["variation"], row["rule"], direction, run_length)


def limits_words(trial: bool) -> str:
    """'trial limits' (too few months with a value) or 'process limits'."""
    return TRIAL_LIMITS if trial else PROCESS_LIMITS


def chart_words(chart: str) -> str:
    """The control chart's name: 'XmR chart', 'p-chart' or 'u-chart'."""
    return CHART_WORDS.get(chart, chart)


def how_to_read(run_length: int) -> str:
    """A short guide to the control charts, in plain words (markdown, no data text)."""
    return (
        "Each point is a month. The solid line is the mean, the dashed lines the process "
        "limits (about 3 sigma): almost every month of a stable process falls between them. "
        f"A month is a **special cause** when it lies outside the limits, or belongs to a run "
        f"of {run_length} rising or falling, to {run_length} points on one side of the mean, "
        "or to 2 of 3 points near a limit on the same side (beyond 2 sigma, two thirds of the "
        "way from the mean to the limit).\n\n"
        f"{VARIATION_BADGES[IMPROVEMENT].text} (blue) and {VARIATION_BADGES[CONCERN].text} "
        "(orange) depend on which direction is better for the KPI; "
        f"{VARIATION_BADGES[NEUTRAL].text} (purple) where neither is; "
        f"{VARIATION_BADGES[COMMON].text} (grey) is the usual month-to-month variation, not "
        "worth reacting to.\n\n"
        f"Against the target: {ASSURANCE_BADGES[ALWAYS_MET].text} or "
        f"{ASSURANCE_BADGES[NEVER_MET].text} when the target lies outside the limits; "
        f"{ASSURANCE_BADGES[HIT_AND_MISS].text} when it lies between them (some months will "
        "meet it, some will not, by chance alone: 'hit and miss').\n\n"
        f"With {TOO_FEW_FOR_FIRM_LIMITS} the limits are **trial limits**: they may move as "
        "months are added. Grey crosses at the bottom mark months without a value (withheld below "
        "the small-cell threshold, or no data).")
