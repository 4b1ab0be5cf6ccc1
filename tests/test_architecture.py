"""The house rules as tests (docs/architecture.md): the import contracts of pyproject.toml
(lint-imports), ruff, small modules with docstrings, and knowledge declared once."""

import ast
import subprocess
import sys
from pathlib import Path

from kpi.catalog.kpis import declared_kpis
from kpi.present import pages
from tests.support import ROOT

PACKAGES = ("kpi", "ui", "views")
LINE_BUDGET = 250


def sources(*packages: str) -> list[Path]:
    """Every Python file of these packages (relative to the project root)."""
    return sorted(p.relative_to(ROOT) for package in packages
                  for p in (ROOT / package).rglob("*.py"))


def run_tool(*command: str) -> subprocess.CompletedProcess:
    """A checker run from the project root in this Python's environment, without caches."""
    return subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def test_the_import_contracts_hold():
    result = run_tool("-c", "from importlinter.cli import lint_imports_command as cli; cli()",
                      "--no-cache", "--no-logo")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = run_tool("-m", "ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_module_stays_within_the_line_budget():
    sizes = {str(path): len((ROOT / path).read_text(encoding="utf-8").splitlines())
             for path in sources(*PACKAGES)}
    over = {path: lines for path, lines in sizes.items() if lines > LINE_BUDGET}
    assert not over, f"split these by job (more than {LINE_BUDGET} lines): {over}"


def public_functions(tree: ast.Module):
    """Module-level functions and methods of public classes whose names are public."""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            yield from (f for f in node.body if isinstance(f, ast.FunctionDef)
                        and not f.name.startswith("_"))
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node


def test_every_public_function_has_a_docstring():
    missing = [f"{path}:{node.lineno} {node.name}" for path in sources(*PACKAGES)
               for node in public_functions(ast.parse((ROOT / path).read_text(encoding="utf-8")))
               if not ast.get_docstring(node)]
    assert not missing, missing


STEPWISE_FIGURE_CALLS = {"add_trace", "update_layout", "add_hline", "add_vline", "add_annotation",
                         "add_shape"}


def test_figures_are_built_in_one_validation():
    """No figure grows by steps that each validate it again (docs/architecture.md): traces and
    layout go to kpi.present.charts.house_figure at once."""
    calls = [f"{path}:{node.lineno} {node.func.attr}" for path in sources(*PACKAGES)
             for node in ast.walk(ast.parse((ROOT / path).read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and node.func.attr in STEPWISE_FIGURE_CALLS]
    assert not calls, calls


def test_the_trial_limits_month_count_is_written_once():
    """The words come from MIN_POINTS_FOR_FIRM_LIMITS (kpi.spc.limits), not a copy of '12'."""
    copies = [str(path) for path in sources(*PACKAGES)
              if "fewer than 12" in (ROOT / path).read_text(encoding="utf-8")]
    assert not copies


def test_the_rate_scale_is_declared_once():
    """Rates per 1,000 use kpi.stats.PER_1000: the engine and the u-chart share it."""
    copies = [str(path) for path in sources(*PACKAGES)
              if "1000.0" in (ROOT / path).read_text(encoding="utf-8")]
    assert copies == ["kpi/stats.py"]


def test_a_public_function_name_is_defined_once_in_kpi():
    """Two functions of one name (say load_settings) in kpi/ hide what each one does."""
    homes: dict[str, list[str]] = {}
    for path in sources("kpi"):
        for node in ast.parse((ROOT / path).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
                homes.setdefault(node.name, []).append(str(path))
    twice = {name: paths for name, paths in homes.items() if len(paths) > 1 and name != "main"}
    assert not twice


def test_every_kpi_a_page_shows_is_declared():
    declared = {kpi.id for kpi in declared_kpis()}
    shown = {name: value for name, value in vars(pages).items() if name.isupper()}
    assert set(shown) >= {"OVERVIEW_HEADLINES", "LOYALTY", "COMPLAINTS", "STAFF", "WAITS"}
    for name, value in shown.items():
        ids = (value.values() if isinstance(value, dict)
               else [value] if isinstance(value, str) else value)
        assert set(ids) <= declared, name
