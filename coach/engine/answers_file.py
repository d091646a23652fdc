"""Read the answers for a headless run.

``.yaml``, ``.yml`` and ``.json`` files hold a list of strings; any other file is
plain text in which a line holding only ``---`` separates answers.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from coach.errors import CoachError

MAX_BYTES = 5 * 1024 * 1024
_SEPARATOR = re.compile(r"^---[ \t]*$", re.MULTILINE)


def read_answers(path: str | Path) -> list[str]:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise CoachError(
            f"{p}: answers file not found; pass an existing file to --answers"
        ) from None
    except IsADirectoryError:
        raise CoachError(f"{p}: is a directory; --answers needs a file") from None
    except OSError as error:
        raise CoachError(f"{p}: cannot read answers file: {error.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise CoachError(f"{p}: answers file is over {MAX_BYTES // 1024 // 1024} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CoachError(
            f"{p}: not UTF-8 text (bad byte at offset {error.start}); save it as UTF-8"
        ) from None
    if p.suffix.lower() in (".yaml", ".yml", ".json"):
        return _yaml_answers(p, text)
    answers = [part.strip() for part in _SEPARATOR.split(text)]
    answers = [a for a in answers if a]
    if not answers:
        raise CoachError(f"{p}: no answers; write answers separated by lines holding only ---")
    return answers


def _yaml_answers(p: Path, text: str) -> list[str]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "invalid YAML"
        raise CoachError(f"{p}{where}: {problem}; answers must be a YAML list of strings") from None
    if not isinstance(data, list):
        kind = "empty" if data is None else type(data).__name__
        raise CoachError(f"{p}: expected a YAML list of strings, got {kind}")
    for index, item in enumerate(data, start=1):
        if not isinstance(item, str):
            raise CoachError(
                f"{p}: answer {index} is {type(item).__name__} {item!r}, not a string; quote it"
            )
    answers = [a for a in data if a.strip()]
    if not answers:
        raise CoachError(f"{p}: the list holds no non-empty answers")
    return answers
