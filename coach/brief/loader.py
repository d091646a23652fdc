"""Read a brief file, reporting every problem in it with ``path:line:col``.

The scenario loader's machinery does the work (:mod:`coach.scenario.loader`):
safe YAML with a source map, then the :class:`~coach.brief.model.Brief` model,
each pydantic error turned into one line at the key or value at fault. An empty
file is an empty brief: every field is optional.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Final

from coach.brief.model import Brief
from coach.errors import CoachError
from coach.scenario.diagnostics import Diagnostic, errors
from coach.scenario.loader import Parsed, YamlFormat, parse_yaml_text, read_yaml

BRIEF_FORMAT: Final = YamlFormat(
    "brief", Brief, "a mapping with fields such as 'what_happened:' and 'impact:'"
)


class BriefLoadError(CoachError):
    """A brief file could not be loaded; ``diagnostics`` says everything wrong."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        worst = errors(diagnostics) or diagnostics
        first = worst[0]
        rest = len(worst) - 1
        more = f" (and {rest} more; `coach brief check {first.file}` lists them)" if rest else ""
        super().__init__(first.format() + more)


@dataclass
class LoadedBrief:
    file: str
    brief: Brief | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _result(parsed: Parsed) -> LoadedBrief:
    if [d.code for d in parsed.diagnostics] == ["S005"]:
        # Empty, or only comments (an untouched template): a brief with every gap.
        return LoadedBrief(parsed.file, Brief(), [])
    value = parsed.value if isinstance(parsed.value, Brief) else None
    return LoadedBrief(parsed.file, value, parsed.diagnostics)


def read_brief(path: str | os.PathLike[str], display: str | None = None) -> LoadedBrief:
    """Read and check one brief file. Never raises."""
    return _result(read_yaml(path, BRIEF_FORMAT, display))


def parse_brief(text: str, file: str = "<brief>") -> LoadedBrief:
    """Parse brief text. Never raises."""
    return _result(parse_yaml_text(text, BRIEF_FORMAT, file))


def load_brief(path: str | os.PathLike[str], display: str | None = None) -> Brief:
    """The brief in ``path``; raises :class:`BriefLoadError` naming the first problem."""
    return _or_raise(read_brief(path, display))


def load_brief_text(text: str, file: str = "<brief>") -> Brief:
    return _or_raise(parse_brief(text, file))


def _or_raise(loaded: LoadedBrief) -> Brief:
    if loaded.brief is None:
        raise BriefLoadError(loaded.diagnostics)
    return loaded.brief
