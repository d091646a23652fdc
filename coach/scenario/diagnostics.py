"""Diagnostics: what the loader and the validator report about a scenario file.

Every diagnostic has a documented code (the table :data:`CODES`, explained with
an example of the mistake and its fix in ``scenarios/README.md``), a fixed
severity, a position and a one-line message that says what to do.

Positions are 1-based. A problem with the whole file (it is missing, empty,
too large, a directory with no scenarios) is reported at line 1, column 1, so
every diagnostic about a path prints as ``path:line:col: CODE message``, which
editors and CI problem matchers can parse. Line 0 is left for a scenario that
was validated as a model with no file behind it; it prints as ``name: CODE ...``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str


#: Every diagnostic code, in the order the authoring guide documents them.
#: S0xx: the file and its YAML. S1xx: the shape of the data. S2xx: static checks
#: of the conversation graph and its text. S000: a bug in coach itself.
CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("S000", "internal", "error", "coach itself failed while reading the file (a bug)."),
        Code("S001", "missing-path", "error", "The path does not exist."),
        Code("S002", "no-scenarios", "error", "A directory holds no .yaml or .yml files."),
        Code("S003", "too-large", "error", "The file is over the size limit."),
        Code("S004", "not-text", "error", "The file is binary, another format, or not UTF-8."),
        Code("S005", "empty-file", "error", "The file has no content."),
        Code("S006", "yaml-syntax", "error", "The file is not valid YAML."),
        Code(
            "S007", "yaml-limit", "error", "Too many values (aliases expand), or nesting too deep."
        ),
        Code("S008", "not-a-mapping", "error", "The top level is not a scenario's mapping."),
        Code("S009", "duplicate-key", "error", "A key appears twice in one mapping."),
        Code("S010", "yaml-tag", "error", "An explicit YAML tag that scenarios do not use."),
        Code("S101", "unknown-key", "error", "A key the format does not have."),
        Code("S102", "missing-key", "error", "A required key is missing."),
        Code("S103", "wrong-type", "error", "A value of the wrong type."),
        Code("S104", "yaml-boolean", "error", "yes/no/on/off where text is expected."),
        Code("S105", "bad-value", "error", "A value outside what the key allows."),
        Code("S106", "unknown-condition", "error", "A branch condition of no known kind."),
        Code("S201", "duplicate-id", "error", "Two nodes or endings share an id."),
        Code("S202", "unknown-target", "error", "A goto or start names no node or ending."),
        Code("S203", "trigger-target", "error", "A trigger's goto is not an ending."),
        Code("S204", "unreachable", "warning", "A node or ending that nothing leads to."),
        Code("S205", "no-ending", "error", "A node from which no ending can be reached."),
        Code("S206", "unbounded-cycle", "error", "A loop of default branches that never ends."),
        Code("S207", "unknown-name", "error", "An unknown element, flag or variable name."),
        Code("S208", "unknown-placeholder", "error", "A {placeholder} with no matching fact."),
        Code("S209", "no-default", "error", "A node without a default branch."),
        Code("S210", "default-not-last", "error", "Branches after the default never run."),
        Code("S211", "empty", "error", "Empty or blank text, or an empty list."),
        Code("S212", "unused-variable", "warning", "A declared variable no condition reads."),
        Code("S213", "dead-branch", "warning", "A branch whose condition can never hold."),
        Code(
            "S214",
            "bad-brief-wording",
            "error",
            "A with_brief entry for no fact, or naming no brief field.",
        ),
        Code(
            "S215",
            "unworded-fact",
            "warning",
            "A line names a scenario fact that has no with_brief wording.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    file: str
    line: int
    col: int
    code: str
    severity: Severity
    message: str

    @classmethod
    def make(cls, file: str, line: int, col: int, code: str, message: str) -> Diagnostic:
        """A diagnostic with the severity its code documents. The message is
        kept to one printable line whatever user text went into it."""
        if not message.isprintable():
            message = "".join(ch if ch.isprintable() else "?" for ch in message)
        return cls(file, line, col, code, CODES[code].severity, message)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        """``path:line:col: CODE message`` (warnings say so before the message)."""
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        tag = "warning: " if self.severity == "warning" else ""
        return f"{where}: {self.code} {tag}{self.message}"

    def as_dict(self) -> dict[str, str | int]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "error"]


def warnings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity == "warning"]


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (d.file, d.line, d.col, d.code)


def summarise(diagnostics: list[Diagnostic]) -> str:
    """One line for a :class:`~coach.errors.CoachError`: the first error, and how many more."""
    worst = errors(diagnostics) or diagnostics
    if not worst:
        return "no problems"
    first = worst[0]
    rest = len(worst) - 1
    more = f" (and {rest} more; run `coach validate {first.file}`)" if rest else ""
    return first.format() + more


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` was most likely meant to be: a close spelling, or
    one being a prefix of the other (``variable`` for ``var``)."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = word.lower()
    prefixed = [
        c
        for c in options
        if min(len(c), len(word)) >= 3
        and (lowered.startswith(c.lower()) or c.lower().startswith(lowered))
    ]
    return min(prefixed, key=lambda c: abs(len(c) - len(word))) if prefixed else None
