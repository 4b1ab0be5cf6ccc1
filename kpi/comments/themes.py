"""The theme dictionary: the shipped TOML plus the hospital's additions, compiled to patterns."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kpi.errors import PxError

SHIPPED_THEMES = Path(__file__).with_name("themes.toml")
THEME_KEYS = {"label", "phrases", "patterns", "examples"}
THEME_ID = re.compile(r"[a-z][a-z0-9_]*")


class ThemeError(PxError):
    """A theme dictionary breaks a rule; the message names the file, theme and key."""


@dataclass(frozen=True)
class Theme:
    """One theme: its id, label, the words and patterns that find it, and example sentences."""

    id: str
    label: str
    phrases: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def matcher(self) -> re.Pattern:
        """One case-insensitive pattern finding any of the theme's phrases or patterns."""
        trie: dict = {}
        for phrase in self.phrases:
            node = trie
            for atom in _phrase_atoms(phrase.lower()):
                node = node.setdefault(atom, {})
            node[""] = {}
        parts = [whole_words(_trie_regex(trie))] + [f"(?:{p})" for p in self.patterns]
        return re.compile("|".join(parts), re.IGNORECASE)


def whole_words(body: str) -> str:
    """A regex matching only where no word character or hyphen touches either end."""
    return rf"(?<![\w-])(?:{body})(?![\w-])"


def _phrase_atoms(phrase: str) -> list[str]:
    stem, wildcard = (phrase[:-1], [r"[\w'-]*"]) if phrase.endswith("*") else (phrase, [])
    atoms = []
    for word in stem.split():
        atoms += ([r"\s+"] if atoms else []) + [re.escape(char) for char in word]
    return atoms + wildcard


def _phrase_body(phrase: str) -> str:
    return "".join(_phrase_atoms(phrase))


def _trie_regex(node: dict) -> str:
    """The alternation of a character trie's phrases, sharing their prefixes (much faster to
    search than a flat list); longer continuations are tried first ("car park" before "car")."""
    branches = [atom + _trie_regex(child) for atom, child in node.items() if atom]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
    return body + "?" if "" in node else body


def phrase_regex(phrase: str) -> str:
    """A phrase as a whole-word regex: spaces match any spacing, a trailing * any ending."""
    return whole_words(_phrase_body(phrase))


def read_toml(path: Path) -> dict:
    """A TOML file as a dict; a plain ThemeError naming the file when it cannot be read."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ThemeError(f"{path}: cannot read the theme file ({err})") from None


def _strings(source: str, theme_id: str, key: str, value) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ThemeError(f"{source}: theme {theme_id}, key {key}: must be a list of words")
    return tuple(v.strip() for v in value)


def merge_themes(themes: dict[str, Theme], table: dict, source: str) -> dict[str, Theme]:
    """Themes with a [themes.<id>] table added: new ids become themes, known ids gain words."""
    merged = dict(themes)
    for theme_id, entry in table.items():
        if not THEME_ID.fullmatch(theme_id) or not isinstance(entry, dict):
            raise ThemeError(f"{source}: theme {theme_id!r}: ids are lower_snake_case tables")
        unknown = set(entry) - THEME_KEYS
        if unknown:
            raise ThemeError(f"{source}: theme {theme_id}: unknown key(s) "
                             f"{', '.join(sorted(unknown))}; allowed: {', '.join(sorted(THEME_KEYS))}")
        lists = {key: _strings(source, theme_id, key, entry.get(key, []))
                 for key in ("phrases", "patterns", "examples")}
        for pattern in lists["patterns"]:
            try:
                re.compile(pattern)
            except re.error as err:
                raise ThemeError(f"{source}: theme {theme_id}, pattern {pattern!r}: {err}") from None
        old = merged.get(theme_id)
        if old is None and not (lists["phrases"] or lists["patterns"]):
            raise ThemeError(f"{source}: theme {theme_id}: a new theme needs phrases or patterns")
        label = entry.get("label", old.label if old else theme_id.replace("_", " ").capitalize())
        if not isinstance(label, str):
            raise ThemeError(f"{source}: theme {theme_id}, key label: must be text")
        merged[theme_id] = Theme(
            theme_id, label,
            *((old_part + lists[key]) for key, old_part in (
                ("phrases", old.phrases if old else ()), ("patterns", old.patterns if old else ()),
                ("examples", old.examples if old else ()))))
    return merged


def shipped_themes() -> dict[str, Theme]:
    """The nine themes shipped with the product, by id, in file order."""
    return merge_themes({}, read_toml(SHIPPED_THEMES).get("themes", {}), str(SHIPPED_THEMES))
