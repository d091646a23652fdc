"""Find scenarios: the shipped ones and the user's, by id or by path.

User directories come first, in the order of :func:`coach.paths.user_scenario_dirs`
(``--scenarios``, then ``COACH_SCENARIOS``, then the config dir's
``scenarios/``), and the shipped directory last. The first file that defines an
id wins, so a user scenario with a shipped scenario's id replaces it, and the
entry says so. A file that fails to load or validate is not listed; its
diagnostics are, so a list of good scenarios and the reasons a bad one is
missing can be shown side by side.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from coach import paths
from coach.errors import CoachError
from coach.scenario.diagnostics import Diagnostic, closest
from coach.scenario.loader import ScenarioLoadError
from coach.scenario.model import Scenario
from coach.scenario.validate import SUFFIXES, check_path, scenario_files

Source = Literal["shipped", "user"]


@dataclass(frozen=True)
class Entry:
    """One usable scenario."""

    id: str
    title: str
    role: str
    difficulty: str
    summary: str
    path: Path
    source: Source
    overrides_shipped: bool
    scenario: Scenario = field(repr=False, compare=False)
    #: Warnings from ``coach validate``; they do not stop the scenario from being used.
    warnings: tuple[Diagnostic, ...] = ()

    def as_dict(self) -> dict[str, str | bool]:
        return {
            "id": self.id,
            "title": self.title,
            "role": self.role,
            "difficulty": self.difficulty,
            "summary": self.summary,
            "path": str(self.path),
            "source": self.source,
            "overrides_shipped": self.overrides_shipped,
        }


@dataclass
class Library:
    entries: list[Entry]
    #: Why files or directories could not be used (errors, plus the warnings of those files).
    diagnostics: list[Diagnostic]

    def get(self, scenario_id: str) -> Entry | None:
        return next((e for e in self.entries if e.id == scenario_id), None)

    def roles(self) -> list[str]:
        return sorted({e.role for e in self.entries})

    def suggest(self, scenario_id: str) -> str | None:
        """The id ``scenario_id`` was most likely meant to be."""
        return closest(scenario_id, [e.id for e in self.entries])

    @property
    def broken_files(self) -> list[str]:
        return sorted({d.file for d in self.diagnostics if d.is_error})


def _dirs(extra: list[str] | None) -> list[tuple[Path, Source, bool]]:
    """(directory, source, whether a missing directory is worth reporting)."""
    config_default = paths.config_dir() / "scenarios"
    out: list[tuple[Path, Source, bool]] = [
        (d, "user", d != config_default) for d in paths.user_scenario_dirs(extra)
    ]
    out.append((paths.shipped_scenarios_dir(), "shipped", True))
    return out


def discover(extra_dirs: list[str] | None = None) -> Library:
    """Every usable scenario, and diagnostics for everything that is not."""
    diagnostics: list[Diagnostic] = []
    chosen: dict[str, Entry] = {}
    shipped_ids: set[str] = set()
    seen_dirs: set[Path] = set()
    for directory, source, report_missing in _dirs(extra_dirs):
        try:
            key = directory.resolve()
        except OSError:
            key = directory
        if key in seen_dirs:
            continue
        seen_dirs.add(key)
        # Problems with the directories themselves are reported at 1:1, like
        # every other whole-file problem, so each line reads path:line:col.
        where = str(directory)
        if directory.is_file() and directory.suffix.lower() in SUFFIXES:
            files = [directory]  # `--scenarios one.yaml` is allowed too
        elif directory.is_dir():
            try:
                files = scenario_files(directory)
            except OSError as error:
                reason = error.strerror or str(error)
                diagnostics.append(
                    Diagnostic.make(where, 1, 1, "S001", f"cannot list it: {reason}")
                )
                continue
            if not files and report_missing:
                diagnostics.append(
                    Diagnostic.make(
                        where, 1, 1, "S002", "holds no scenario files (*.yaml or *.yml)"
                    )
                )
        elif directory.is_file():
            diagnostics.append(
                Diagnostic.make(
                    where,
                    1,
                    1,
                    "S002",
                    "is not a scenario directory or a *.yaml/*.yml file; "
                    "check the --scenarios and COACH_SCENARIOS paths",
                )
            )
            continue
        else:
            if report_missing:
                diagnostics.append(
                    Diagnostic.make(
                        where,
                        1,
                        1,
                        "S001",
                        "scenario directory does not exist; "
                        "check the --scenarios and COACH_SCENARIOS paths",
                    )
                )
            continue
        ids_here: dict[str, Path] = {}
        for file in files:
            loaded = check_path(file, str(file))
            scenario = loaded.scenario
            if scenario is None:
                diagnostics.extend(loaded.diagnostics)
                continue
            if scenario.id in ids_here:
                line, col = loaded.source.value_pos(("id",))
                diagnostics.append(
                    Diagnostic.make(
                        str(file),
                        line,
                        col,
                        "S201",
                        f"scenario id {scenario.id!r} is also used by "
                        f"{ids_here[scenario.id].name} in the same directory; "
                        "this file is ignored until one of them is renamed",
                    )
                )
                continue
            ids_here[scenario.id] = file
            if source == "shipped":
                shipped_ids.add(scenario.id)
            if scenario.id in chosen:
                continue  # a higher-priority directory already has this id
            chosen[scenario.id] = Entry(
                id=scenario.id,
                title=scenario.title,
                role=scenario.role,
                difficulty=scenario.difficulty,
                summary=scenario.summary,
                path=file,
                source=source,
                overrides_shipped=False,
                scenario=scenario,
                warnings=tuple(d for d in loaded.diagnostics if not d.is_error),
            )
    entries = []
    for entry in sorted(chosen.values(), key=lambda e: (e.role, e.id)):
        if entry.source == "user" and entry.id in shipped_ids:
            entry = replace(entry, overrides_shipped=True)
        entries.append(entry)
    return Library(entries, diagnostics)


def looks_like_path(id_or_path: str) -> bool:
    return (
        os.sep in id_or_path
        or "/" in id_or_path
        or id_or_path.lower().endswith(SUFFIXES)
        or Path(id_or_path).is_file()
    )


def load_scenario(id_or_path: str, extra_dirs: list[str] | None = None) -> Scenario:
    """The scenario with this id (user scenarios win) or in this file.

    Raises :class:`~coach.scenario.loader.ScenarioLoadError` (a CoachError) for a
    file with errors, and :class:`~coach.errors.CoachError` for an unknown id."""
    if looks_like_path(id_or_path):
        loaded = check_path(id_or_path)
        if loaded.scenario is None:
            raise ScenarioLoadError(loaded.diagnostics)
        return loaded.scenario
    library = discover(extra_dirs)
    entry = library.get(id_or_path)
    if entry is not None:
        return entry.scenario
    broken = [d for d in library.diagnostics if Path(d.file).stem == id_or_path]
    if broken:
        raise ScenarioLoadError(broken)
    if Path(id_or_path).is_dir():  # not an id, but a folder here: say so
        raise ScenarioLoadError(check_path(id_or_path).diagnostics)
    close = library.suggest(id_or_path)
    hint = f"did you mean {close!r}? " if close else ""
    raise CoachError(
        f"no scenario with the id {id_or_path!r}; {hint}`coach list` shows them all, "
        "or give the path of a scenario file"
    )
