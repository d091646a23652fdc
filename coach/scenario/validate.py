"""Static checks of a loaded scenario: the conversation graph and its text.

The loader has already checked the shape (every key, type and name the format
knows). These checks need the whole scenario at once: ids that must be unique
and must exist, a graph in which every node can reach an ending and no loop of
``default`` branches can run forever, names of variables, and placeholders.
Each check has a documented code (``coach.scenario.diagnostics.CODES``).

How the engine walks a node, which the graph checks rely on: branches are tried
in order and the first whose condition holds wins; once ``max_attempts`` answers
were given at a node its ``default`` branch is taken whatever the answer. So a
loop is bounded as long as it leaves some node through a non-default branch;
a loop made only of default branches is not.
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.scenario import conditions as c
from coach.scenario.diagnostics import Diagnostic, closest, sort_key
from coach.scenario.loader import Loaded, Path_, SourceMap, parse_text, read_path
from coach.scenario.model import BRIEF_PLACEHOLDERS, PATIENCE, Scenario
from coach.scenario.model import placeholders as placeholder_names

#: The file name endings that hold scenarios.
SUFFIXES = (".yaml", ".yml")


def validate(
    scenario: Scenario, source: SourceMap | None = None, file: str = "<scenario>"
) -> list[Diagnostic]:
    """Every static problem in ``scenario``, errors and warnings, in file order."""
    checker = _Checker(scenario, source or SourceMap(), file)
    checker.run()
    return sorted(checker.found, key=sort_key)


def check_path(path: str | os.PathLike[str], display: str | None = None) -> Loaded:
    """Load and validate one file. ``scenario`` is None when there is any error."""
    loaded = read_path(path, display)
    return _with_checks(loaded)


def check_text(text: str, file: str = "<scenario>") -> Loaded:
    """Load and validate YAML text (used by tests and the authoring guide's examples)."""
    return _with_checks(parse_text(text, file))


def _with_checks(loaded: Loaded) -> Loaded:
    if loaded.scenario is None:
        return loaded
    found = validate(loaded.scenario, loaded.source, loaded.file)
    diagnostics = sorted([*loaded.diagnostics, *found], key=sort_key)
    ok = not any(d.is_error for d in diagnostics)
    return Loaded(loaded.file, loaded.scenario if ok else None, loaded.source, diagnostics)


def scenario_files(directory: Path) -> list[Path]:
    """The scenario files directly inside ``directory``, sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix.lower() in SUFFIXES and not p.is_dir())


@dataclass
class Report:
    """What ``coach validate`` found for a list of paths."""

    #: The files checked, as given (directories expanded).
    files: list[str]
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def check_paths(paths: Iterable[str]) -> Report:
    """Validate files and directories (their ``*.yaml``/``*.yml`` files).

    Only the diagnostics are kept: holding on to every file's data and source
    map would make the garbage collector rescan all of them again and again,
    which for a thousand files costs more than the parsing."""
    files: list[str] = []
    diagnostics: list[Diagnostic] = []

    def check(path: Path, display: str) -> None:
        files.append(display)
        diagnostics.extend(check_path(path, display).diagnostics)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                found = scenario_files(path)
            except OSError as error:
                reason = error.strerror or str(error)
                diagnostics.append(Diagnostic.make(raw, 1, 1, "S001", f"cannot list it: {reason}"))
                continue
            if not found:
                diagnostics.append(
                    Diagnostic.make(raw, 1, 1, "S002", "holds no scenario files (*.yaml or *.yml)")
                )
            for item in found:
                check(item, os.path.join(raw, item.name))
        else:
            check(path, raw)
    return Report(files, diagnostics)


class _Checker:
    def __init__(self, scenario: Scenario, source: SourceMap, file: str) -> None:
        self.s = scenario
        self.source = source
        self.file = file
        self.found: list[Diagnostic] = []
        self.node_index = {n.id: i for i, n in reversed(list(enumerate(scenario.nodes)))}
        self.ending_index = {e.id: i for i, e in reversed(list(enumerate(scenario.endings)))}
        self.ids = sorted({*self.node_index, *self.ending_index})

    def report(self, path: Path_, code: str, message: str, key: bool = False) -> None:
        line, col = self.source.key_pos(path) if key else self.source.value_pos(path)
        if self.source.root_pos is None:  # validating a model, not a file
            line = col = 0
        self.found.append(Diagnostic.make(self.file, line, col, code, message))

    def run(self) -> None:
        self.duplicate_ids()
        self.targets()
        self.defaults()
        self.graph()
        self.variables()
        self.text()
        self.dead_branches()

    # -- ids and targets ----------------------------------------------------

    def duplicate_ids(self) -> None:
        items = [("nodes", i, "node", n.id) for i, n in enumerate(self.s.nodes)]
        items += [("endings", i, "ending", e.id) for i, e in enumerate(self.s.endings)]
        seen: dict[str, str] = {}
        for section, i, what, ident in items:
            if ident in seen:
                self.report(
                    (section, i, "id"),
                    "S201",
                    f"id {ident!r} is already used by {seen[ident]}; nodes and endings "
                    "share one set of ids, so rename one",
                )
            else:
                seen[ident] = f"an earlier {what}"

    def targets(self) -> None:
        if self.s.start is not None and self.s.start not in self.node_index:
            self.report(("start",), "S202", self.unknown(self.s.start, "start", nodes_only=True))
        for i, node in enumerate(self.s.nodes):
            for j, branch in enumerate(node.branches):
                if branch.goto not in self.node_index and branch.goto not in self.ending_index:
                    self.report(
                        ("nodes", i, "branches", j, "goto"),
                        "S202",
                        f"node {node.id!r}: " + self.unknown(branch.goto, "goto"),
                    )
        for k, trigger in enumerate(self.s.triggers):
            path: Path_ = ("triggers", k, "goto")
            if trigger.goto in self.ending_index:
                continue
            if trigger.goto in self.node_index:
                endings = ", ".join(repr(e.id) for e in self.s.endings)
                self.report(
                    path,
                    "S203",
                    f"trigger {k + 1} goes to the node {trigger.goto!r}; a trigger ends the "
                    f"meeting, so its goto must be an ending ({endings})",
                )
            else:
                self.report(path, "S202", self.unknown(trigger.goto, "goto", endings_only=True))

    def unknown(
        self, target: str, key: str, nodes_only: bool = False, endings_only: bool = False
    ) -> str:
        if nodes_only:
            choices = list(self.node_index)
        elif endings_only:
            choices = list(self.ending_index)
        else:
            choices = self.ids
        close = closest(target, choices)
        what = "node" if nodes_only else "ending" if endings_only else "node or ending"
        hint = f"; did you mean {close!r}?" if close else f"; add a {what} with that id"
        return f"{key}: {target!r} is not the id of any {what}{hint}"

    def defaults(self) -> None:
        for i, node in enumerate(self.s.nodes):
            defaults = [j for j, b in enumerate(node.branches) if b.default]
            if not defaults:
                self.report(
                    ("nodes", i, "branches"),
                    "S209",
                    f"node {node.id!r} has no default branch; add '- default: true' with a "
                    "goto as its last branch (it is taken when nothing else matches and "
                    "when attempts run out)",
                )
            elif defaults[0] != len(node.branches) - 1:
                after = len(node.branches) - 1 - defaults[0]
                self.report(
                    ("nodes", i, "branches", defaults[0] + 1),
                    "S210",
                    f"node {node.id!r}: {after} branch(es) after the default can never run "
                    "(the default always matches); move the default to the end",
                )

    # -- the graph ------------------------------------------------------------

    def edges(self, node_id: str) -> list[str]:
        node = self.s.nodes[self.node_index[node_id]]
        return [b.goto for b in node.branches]

    def graph(self) -> None:
        known = set(self.node_index) | set(self.ending_index)
        start = self.s.start_id
        # Reachable from the start (triggers can end the meeting from any node).
        reached: set[str] = set()
        todo = [start] if start in self.node_index else []
        while todo:
            current = todo.pop()
            if current in reached:
                continue
            reached.add(current)
            if current in self.node_index:
                todo.extend(t for t in self.edges(current) if t in known)
        if reached:
            reached.update(t.goto for t in self.s.triggers if t.goto in self.ending_index)
        for i, node in enumerate(self.s.nodes):
            if reached and node.id not in reached and self.node_index[node.id] == i:
                self.report(
                    ("nodes", i, "id"),
                    "S204",
                    f"node {node.id!r} is never reached from the start ({start!r}); "
                    "point a branch at it, or remove it",
                )
        for i, ending in enumerate(self.s.endings):
            if reached and ending.id not in reached and self.ending_index[ending.id] == i:
                self.report(
                    ("endings", i, "id"),
                    "S204",
                    f"ending {ending.id!r} is never reached; point a branch or trigger at "
                    "it, or remove it",
                )
        # Nodes that can reach an ending (walking edges backwards from the endings).
        back: dict[str, list[str]] = {}
        for node_id in self.node_index:
            for target in self.edges(node_id):
                back.setdefault(target, []).append(node_id)
        can_end: set[str] = set()
        # An unknown target is already reported (S202); counting it as an ending
        # keeps that one mistake from also reporting every node before it.
        todo = [*self.ending_index, *(t for t in back if t not in known)]
        while todo:
            current = todo.pop()
            for source in back.get(current, []):
                if source not in can_end:
                    can_end.add(source)
                    todo.append(source)
        for i, node in enumerate(self.s.nodes):
            if node.id not in can_end and self.node_index[node.id] == i:
                self.report(
                    ("nodes", i, "id"),
                    "S205",
                    f"no ending can be reached from node {node.id!r}: every path from it "
                    "loops or stops; give it (or a node it leads to) a branch to an ending",
                )
        self.default_cycles()

    def default_cycles(self) -> None:
        following: dict[str, str] = {}
        for node_id, i in self.node_index.items():
            default = self.s.nodes[i].default_branch
            if default is not None and default.goto in self.node_index:
                following[node_id] = default.goto
        state: dict[str, int] = {}  # 1: on the current walk, 2: done
        for first in self.node_index:
            walk: list[str] = []
            current: str | None = first
            while current is not None and current not in state:
                state[current] = 1
                walk.append(current)
                current = following.get(current)
            if current is not None and state.get(current) == 1:
                loop = walk[walk.index(current) :]
                head = min(loop, key=lambda n: self.node_index[n])
                at = loop.index(head)
                ordered = loop[at:] + loop[:at]
                shown = " -> ".join([*ordered, head])
                self.report(
                    ("nodes", self.node_index[head], "id"),
                    "S206",
                    f"the default branches {shown} form a loop that never ends (a default "
                    "is taken when attempts run out, so nothing stops it); send one of "
                    "these defaults onward, e.g. to an ending",
                )
            for node_id in walk:
                state[node_id] = 2

    # -- names ------------------------------------------------------------------

    def variables(self) -> None:
        declared = {PATIENCE, *self.s.variables}
        if PATIENCE in self.s.variables:
            self.report(
                ("variables", PATIENCE),
                "S105",
                "'patience' starts from ceo.patience; remove it from variables",
                key=True,
            )
        read: set[str] = set()

        def check(name: str, path: Path_, key: bool = False) -> None:
            if name not in declared:
                close = closest(name, sorted(declared))
                hint = f"did you mean {close!r}?" if close else "declare it under 'variables:'"
                self.report(path, "S207", f"unknown variable {name!r}; {hint}", key=key)

        for path, condition in self.conditions():
            for j, part in enumerate(c.walk(condition)):
                if isinstance(part, c.Var):
                    read.add(part.var)
                    check(part.var, path if j else (*path, "var"))
        for i, node in enumerate(self.s.nodes):
            for j, branch in enumerate(node.branches):
                for effect in ("adjust", "set"):
                    for name in getattr(branch, effect):
                        check(name, ("nodes", i, "branches", j, effect, name), key=True)
        for name in self.s.variables:
            if name != PATIENCE and name not in read:
                self.report(
                    ("variables", name),
                    "S212",
                    f"variable {name!r} is never read by a 'var' condition; use it in a "
                    "branch or trigger, or remove it",
                    key=True,
                )

    def conditions(self) -> Iterator[tuple[Path_, c.Condition]]:
        for i, node in enumerate(self.s.nodes):
            for j, branch in enumerate(node.branches):
                if branch.when is not None:
                    yield ("nodes", i, "branches", j, "when"), branch.when
        for k, trigger in enumerate(self.s.triggers):
            yield ("triggers", k, "when"), trigger.when

    # -- text ---------------------------------------------------------------------

    def text(self) -> None:
        for where, is_key in self.blank_strings():
            message = f"the {'key' if is_key else 'text'} is blank; write it, or remove the entry"
            if self.source.root_pos is not None:
                line, col = where
                self.found.append(Diagnostic.make(self.file, int(line), int(col), "S211", message))
            else:
                self.report(where, "S211", message, key=is_key)
        facts = self.s.facts
        for path, value in self.spoken():
            if "{" in value or "}" in value:
                self.placeholders(path, value, facts)
        self.brief_wording(facts)
        for name, value in self.s.situation.facts.items():
            # A fact's value is filled into lines as it is: a placeholder in it
            # would show as "{name}" (only with_brief wordings are filled).
            if placeholder_names(value):
                self.report(
                    ("situation", "facts", name),
                    "S208",
                    f"fact {name!r} holds a placeholder, which is not filled inside a fact; "
                    "write the text out (or {{ }} for literal braces)",
                )

    def blank_strings(self) -> Iterator[tuple[Path_ | tuple[int, int], bool]]:
        """Whitespace-only text and keys (pydantic already rejects empty text):
        positions the loader noted, or paths found by walking the model."""
        if self.source.root_pos is not None:
            for line, col, is_key in self.source.blanks:
                yield (line, col), is_key
            return
        data = self.s.model_dump(by_alias=True, exclude_defaults=True)
        for path, value, is_key in _strings(data, ()):
            if not value.strip():
                yield path, is_key

    def spoken(self, with_brief: bool = False) -> Iterator[tuple[Path_, str]]:
        """The text the CEO says or the debrief shows: placeholders are filled there.
        ``with_brief``: what is still shown when the user rehearses their own
        incident (a question that expects elements gets a model answer from the
        brief, coach/brief/model_answer.py)."""
        for i, node in enumerate(self.s.nodes):
            for key in ("ceo", "model_answer", "coaching"):
                value = getattr(node, key)
                if with_brief and key == "model_answer" and node.expects:
                    continue
                if value:
                    yield ("nodes", i, key), value
            for j, branch in enumerate(node.branches):
                if branch.say:
                    yield ("nodes", i, "branches", j, "say"), branch.say
        for i, ending in enumerate(self.s.endings):
            for key in ("ceo", "title", "summary"):
                yield ("endings", i, key), getattr(ending, key)
        for k, trigger in enumerate(self.s.triggers):
            if trigger.say:
                yield ("triggers", k, "say"), trigger.say

    def brief_wording(self, facts: dict[str, str]) -> None:
        """With a brief, the CEO talks about the user's incident: a fact the brief
        does not fill must be worded for it under ``situation.with_brief``, or the
        line would name the scenario's own incident (S215). The wordings may name
        only the brief's fields (S214)."""
        worded = self.s.situation.with_brief
        for name, wording in worded.items():
            where: Path_ = ("situation", "with_brief", name)
            if name not in facts or name in BRIEF_PLACEHOLDERS:
                close = closest(name, [f for f in facts if f not in BRIEF_PLACEHOLDERS])
                why = "a brief fills it already" if name in BRIEF_PLACEHOLDERS else "no fact"
                hint = f"did you mean {close!r}?" if close else "name one of situation.facts"
                self.report(where, "S214", f"with_brief: {name!r} is {why}; {hint}", key=True)
            for used in placeholder_names(wording):
                if used not in BRIEF_PLACEHOLDERS:
                    self.report(
                        where,
                        "S214",
                        f"with_brief wording names {{{used}}}, which a brief does not fill; "
                        f"use one of {{{'}, {'.join(BRIEF_PLACEHOLDERS)}}}",
                    )
        for path, text in self.spoken(with_brief=True):
            for used in dict.fromkeys(placeholder_names(text)):
                if used in facts and used not in BRIEF_PLACEHOLDERS and used not in worded:
                    self.report(
                        path,
                        "S215",
                        f"{{{used}}} names this scenario's own incident when the user "
                        f"rehearses their own; add situation.with_brief.{used} "
                        "worded for any incident",
                    )

    def placeholders(self, path: Path_, text: str, facts: dict[str, str]) -> None:
        try:
            names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError:
            self.report(
                path,
                "S208",
                "a '{' or '}' without its pair; write {{ or }} for a literal brace",
            )
            return
        for name in names:
            if name in facts:
                continue
            if not name:
                self.report(path, "S208", "an empty placeholder '{}'; name a fact inside it")
                continue
            close = closest(name, facts)
            hint = (
                f"did you mean {{{close}}}?"
                if close
                else "add it under situation.facts (or write {{ }} for literal braces)"
            )
            self.report(path, "S208", f"placeholder {{{name}}} names no fact; {hint}")

    # -- branches that can never run ---------------------------------------------

    def dead_branches(self) -> None:
        for i, node in enumerate(self.s.nodes):
            earlier: list[c.Condition] = []
            for j, branch in enumerate(node.branches):
                when = branch.when
                if when is None:
                    continue
                path: Path_ = ("nodes", i, "branches", j, "when")
                reason = None
                if when in earlier:
                    reason = "an earlier branch has the same condition and wins"
                elif _expects_nothing(when) and not node.expects:
                    reason = (
                        "'missing: expected' never holds at a node that expects nothing; "
                        "list the elements under 'expects:'"
                    )
                elif isinstance(when, c.Attempts) and not any(
                    when.attempts.holds(n) for n in range(1, node.max_attempts + 1)
                ):
                    reason = (
                        f"attempts here run from 1 to max_attempts ({node.max_attempts}), "
                        f"so 'attempts {when.attempts.describe()}' never holds"
                    )
                if reason:
                    self.report(path, "S213", f"node {node.id!r}: this branch never runs: {reason}")
                earlier.append(when)


def _expects_nothing(condition: c.Condition) -> bool:
    return isinstance(condition, c.Missing) and condition.missing == "expected"


def _strings(value: Any, path: Path_) -> Iterator[tuple[Path_, str, bool]]:
    """Every string in dumped model data: (path, text, whether it is a mapping key)."""
    if isinstance(value, str):
        yield path, value, False
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*path, key), key, True
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, (*path, i))
