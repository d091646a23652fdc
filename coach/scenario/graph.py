"""Draw a scenario's conversation graph as Mermaid or Graphviz DOT.

Every branch is an edge labelled with its condition (``conditions.describe``),
its label if it has one, and its effects on variables; triggers are dashed
edges from an "any answer" box to their ending. Graph node names are generated
(``n0``, ``e0``) so that no scenario id can clash with a keyword of either
language (Mermaid breaks on a node called ``end``).
"""

from __future__ import annotations

from typing import Literal

from coach.scenario.conditions import describe
from coach.scenario.model import Branch, Scenario
from coach.textsafe import strip_terminal

Format = Literal["mermaid", "dot"]
FORMATS: tuple[str, ...] = ("mermaid", "dot")


def edge_label(branch: Branch) -> str:
    """``"pressure: flag blame; patience -1"``: what takes this branch and what it does."""
    text = "default" if branch.when is None else describe(branch.when)
    if branch.label:
        text = f"{branch.label}: {text}"
    effects = [f"{name} {value:+d}" for name, value in branch.adjust.items()]
    effects += [f"{name} = {value}" for name, value in branch.set.items()]
    if effects:
        text += "; " + ", ".join(effects)
    return _one_line(text)


def _one_line(text: str) -> str:
    return " ".join(strip_terminal(text).split())


def _names(scenario: Scenario) -> dict[str, str]:
    names = {e.id: f"e{i}" for i, e in enumerate(scenario.endings)}
    names.update({n.id: f"n{i}" for i, n in enumerate(scenario.nodes)})
    return names


def to_mermaid(scenario: Scenario) -> str:
    names = _names(scenario)

    def q(text: str) -> str:
        # Mermaid entity codes; '#' first so the others are not escaped twice.
        text = _one_line(text).replace("#", "#35;")
        return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")

    lines = ["flowchart TD", '  start(("start"))']
    for node in scenario.nodes:
        shape = ('("', '")') if node.kind == "follow_up" else ('["', '"]')
        lines.append(f"  {names[node.id]}{shape[0]}{q(node.id)}{shape[1]}")
    for ending in scenario.endings:
        lines.append(f'  {names[ending.id]}(["{q(ending.id)} · {ending.verdict}"])')
    if scenario.triggers:
        lines.append('  any[/"any answer"/]')
    lines.append(f"  start --> {names.get(scenario.start_id, 'missing')}")
    for node in scenario.nodes:
        for branch in node.branches:
            target = names.get(branch.goto)
            if target is not None:
                lines.append(f'  {names[node.id]} -->|"{q(edge_label(branch))}"| {target}')
    for trigger in scenario.triggers:
        target = names.get(trigger.goto)
        if target is not None:
            lines.append(f'  any -.->|"{q(describe(trigger.when))}"| {target}')
    return "\n".join(lines) + "\n"


def to_dot(scenario: Scenario) -> str:
    names = _names(scenario)

    def q(text: str) -> str:
        return '"' + _one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = [
        f"digraph {q(scenario.id)} {{",
        "  rankdir=TB;",
        '  node [fontname="Helvetica", shape=box];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  start [shape=point, label=""];',
    ]
    for node in scenario.nodes:
        style = ", style=rounded" if node.kind == "follow_up" else ""
        lines.append(f"  {names[node.id]} [label={q(node.id)}{style}];")
    for ending in scenario.endings:
        label = q(f"{ending.id} · {ending.verdict}")
        lines.append(f"  {names[ending.id]} [label={label}, shape=doubleoctagon];")
    if scenario.triggers:
        lines.append('  any [label="any answer", shape=parallelogram, style=dashed];')
    if scenario.start_id in names:
        lines.append(f"  start -> {names[scenario.start_id]};")
    for node in scenario.nodes:
        for branch in node.branches:
            target = names.get(branch.goto)
            if target is not None:
                lines.append(f"  {names[node.id]} -> {target} [label={q(edge_label(branch))}];")
    for trigger in scenario.triggers:
        target = names.get(trigger.goto)
        if target is not None:
            lines.append(f"  any -> {target} [label={q(describe(trigger.when))}, style=dashed];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(scenario: Scenario, fmt: str) -> str:
    if fmt == "dot":
        return to_dot(scenario)
    return to_mermaid(scenario)
