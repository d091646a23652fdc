"""Briefs kept as YAML files in the user data directory's ``briefs/``.

A brief's name is its file name without ``.yaml``. Files are the storage on
purpose: a brief is meant to be edited by hand as well as in the app's form,
and ``coach brief check`` reads what the user wrote. Anywhere a name is taken,
a path to a brief file elsewhere is accepted too.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from coach import paths
from coach.brief.loader import BriefLoadError, read_brief
from coach.brief.model import Brief
from coach.errors import CoachError
from coach.scenario.diagnostics import Diagnostic, closest

SUFFIXES = (".yaml", ".yml")
#: Saving a brief over a file coach did not write keeps that file as NAME.yaml.bak
#: (``coach brief list`` reads only .yaml and .yml files, so it never lists it).
BACKUP_SUFFIX = ".bak"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def template() -> str:
    """The commented YAML template (``coach brief template``); it loads as an empty brief."""
    return resources.files("coach.brief").joinpath("data", "template.yaml").read_text("utf-8")


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise CoachError(
            f"{name!r} is not a usable brief name: use lowercase letters, digits, '-' and '_' "
            "(e.g. 'payments-outage')"
        )
    return name


def suggest_name(text: str) -> str:
    """A brief name made from free text ("Payments gateway down!" -> "payments-gateway-down")."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or "incident"


def _plain(value: Any) -> Any:
    """Whole floats as ints, so a saved brief says ``value: 2300``, not ``2300.0``."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def dump(brief: Brief) -> str:
    """The brief as YAML, in the model's field order, without empty fields."""
    data = _plain(brief.model_dump(exclude_none=True))
    data = {k: v for k, v in data.items() if v not in ([], "")}
    if not data:
        return "# An empty brief: `coach brief template` shows every field.\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


@dataclass(frozen=True)
class BriefEntry:
    """One file in the briefs directory: its brief, or why it cannot be used."""

    name: str
    path: Path
    brief: Brief | None
    modified: datetime
    diagnostics: list[Diagnostic] = field(default_factory=list)


def looks_like_path(name_or_path: str) -> bool:
    return "/" in name_or_path or os.sep in name_or_path or name_or_path.lower().endswith(SUFFIXES)


class BriefStore:
    """The briefs directory (``<data dir>/briefs``); created on the first save."""

    def __init__(self, data_dir: str | os.PathLike[str] | None = None) -> None:
        self.directory = paths.data_dir(data_dir) / "briefs"

    def path_for(self, name: str) -> Path:
        return self.directory / f"{check_name(name)}.yaml"

    def stored_path(self, name: str) -> Path:
        """The file brief ``name`` is kept in: an existing NAME.yml, else NAME.yaml."""
        check_name(name)
        existing = next((p for p in self.files() if p.stem == name), None)
        return existing if existing is not None else self.path_for(name)

    def backup_path(self, name: str) -> Path:
        path = self.stored_path(name)
        return path.with_name(path.name + BACKUP_SUFFIX)

    def rewrites(self, name: str) -> bool:
        """Whether saving brief ``name`` from the form would change its file other than
        in its facts: a file written by hand or from the template has comments and a
        layout of its own, which saving (in :func:`dump`'s layout) cannot keep. A file
        the form wrote has neither. False when there is no such file."""
        path = self.stored_path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return path.exists()
        loaded = read_brief(path)
        return loaded.brief is None or text != dump(loaded.brief)

    def files(self) -> list[Path]:
        try:
            # Dot files are editors' and tools' (".payments.yaml.swp", ".#x.yaml"), and
            # no brief name starts with a dot.
            found = [
                p
                for p in self.directory.iterdir()
                if p.suffix.lower() in SUFFIXES and not p.name.startswith(".") and p.is_file()
            ]
        except FileNotFoundError:
            return []
        except OSError as error:
            raise CoachError(
                f"cannot read the briefs directory {self.directory}: {error.strerror or error}; "
                "choose another data directory with --data-dir or COACH_DATA_DIR"
            ) from error
        return sorted(found, key=lambda p: p.stem)

    def names(self) -> list[str]:
        return [p.stem for p in self.files()]

    def list(self) -> list[BriefEntry]:
        """Every brief file, broken ones included (with their diagnostics)."""
        entries = []
        for path in self.files():
            loaded = read_brief(path)
            try:
                modified = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
            except OSError:
                modified = datetime.fromtimestamp(0, tz=UTC)
            entries.append(BriefEntry(path.stem, path, loaded.brief, modified, loaded.diagnostics))
        return entries

    def resolve(self, name_or_path: str) -> tuple[str, Path]:
        """(name, path) of a stored brief by name, or of a brief file by path."""
        if not name_or_path.strip():
            raise CoachError("no brief given; name one (`coach brief list` shows them) or a file")
        if not looks_like_path(name_or_path):
            # A stored brief's name wins over a file or directory of that name here.
            for path in self.files():
                if path.stem == name_or_path:
                    return path.stem, path
        given = Path(name_or_path).expanduser()
        if given.is_dir():
            raise CoachError(
                f"{name_or_path} is a directory; give a brief file (NAME.yaml) or a brief name"
            )
        if given.is_file():
            return given.stem, given
        if looks_like_path(name_or_path):
            raise CoachError(f"no brief file {name_or_path}; check the path")
        names = self.names()
        close = closest(name_or_path, names)
        hint = f"did you mean {close!r}? " if close else ""
        if names:
            listing = "`coach brief list` shows them"
        else:
            listing = "there are none yet: `coach brief new` or `coach brief template --save NAME`"
        raise CoachError(f"no brief named {name_or_path!r} in {self.directory}; {hint}{listing}")

    def load(self, name_or_path: str) -> tuple[str, Brief]:
        """(name, brief); raises :class:`BriefLoadError` for a file with errors."""
        name, path = self.resolve(name_or_path)
        loaded = read_brief(path)
        if loaded.brief is None:
            raise BriefLoadError(loaded.diagnostics)
        return name, loaded.brief

    def save(self, name: str, brief: Brief, *, overwrite: bool = False) -> Path:
        """Write ``brief`` in :func:`dump`'s layout. Over a file that layout would
        change (:meth:`rewrites`: comments, its own order), that file is kept first
        as :meth:`backup_path`, replacing any older backup; over a file the form
        wrote, nothing is lost and no backup is made."""
        if overwrite and self.rewrites(name):
            self._back_up(name)
        return self.save_text(name, dump(brief), overwrite=overwrite)

    def _back_up(self, name: str) -> Path:
        path, backup = self.stored_path(name), self.backup_path(name)
        tmp = backup.with_name(backup.name + ".tmp")
        try:
            tmp.write_bytes(path.read_bytes())
            os.replace(tmp, backup)
        except OSError as error:
            tmp.unlink(missing_ok=True)
            raise CoachError(
                f"not saved: cannot keep the original of {path} as {backup} "
                f"({error.strerror or error}); {path} is unchanged"
            ) from error
        return backup

    def save_text(self, name: str, text: str, *, overwrite: bool = False) -> Path:
        path = self.stored_path(name)
        if path.exists() and not overwrite:
            raise CoachError(f"a brief named {name!r} exists already ({path}); choose another name")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, path)
        except OSError as error:
            raise CoachError(
                f"cannot write {path}: {error.strerror or error}; "
                "choose another data directory with --data-dir or COACH_DATA_DIR"
            ) from error
        return path
