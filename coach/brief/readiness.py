"""The readiness report: what a brief cannot answer yet, and how to handle each gap.

The questions, gap texts and advice are data (data/readiness.yaml); this module
decides, for each question, whether the brief answers it. A question that does
not apply (when the cause will be confirmed, for a known cause) is left out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, cast

import yaml

from coach.brief.model import Brief


@dataclass(frozen=True)
class Item:
    """One question, answered by the brief or not."""

    id: str
    question: str
    answered: bool
    #: What is missing (empty when answered).
    gap: str = ""
    #: What to do about the gap before the meeting (empty when answered).
    advice: str = ""
    #: How to handle the gap in the meeting if it is still open then: what you
    #: know, what you don't, and when you will know (empty when answered).
    say: str = ""
    #: A note (role, CEO name) is shown but does not count towards readiness.
    note: bool = False


@dataclass(frozen=True)
class Readiness:
    items: tuple[Item, ...]

    @property
    def counted(self) -> list[Item]:
        return [i for i in self.items if not i.note]

    @property
    def gaps(self) -> list[Item]:
        return [i for i in self.counted if not i.answered]

    @property
    def notes(self) -> list[Item]:
        return [i for i in self.items if i.note and not i.answered]

    @property
    def answered(self) -> list[Item]:
        return [i for i in self.counted if i.answered]

    @property
    def percent(self) -> int:
        counted = self.counted
        return round(100 * len(self.answered) / len(counted)) if counted else 0

    @property
    def ready(self) -> bool:
        return not self.gaps


@functools.cache
def _checks() -> list[dict[str, Any]]:
    text = resources.files("coach.brief").joinpath("data", "readiness.yaml").read_text("utf-8")
    return cast(list[dict[str, Any]], yaml.safe_load(text)["checks"])


def _cause_unsettled(b: Brief) -> bool:
    """Whether the cause is still to be confirmed: suspected or unknown, or not given
    and not marked known (a cause marked known needs writing down, not confirming)."""
    if b.cause_status in ("suspected", "unknown"):
        return True
    return not b.cause and b.cause_status != "known"


def _variant(check_id: str, b: Brief) -> str | None:
    """Which of a check's variants (data/readiness.yaml) describes the brief's gap."""
    if check_id == "impact_figure" and b.figures:
        return "money_only"
    if check_id == "cause" and not b.cause and b.cause_status in ("known", "suspected"):
        return f"{b.cause_status}_unwritten"
    return None


#: The texts of a gap, which a variant may replace.
_TEXTS = ("gap", "advice", "say")

#: For each check id: whether it applies to the brief, and whether the brief answers it.
_TESTS: dict[str, tuple[Callable[[Brief], bool], Callable[[Brief], bool]]] = {
    "what_happened": (lambda b: True, lambda b: bool(b.what_happened)),
    "system": (lambda b: True, lambda b: bool(b.system)),
    "impact_figure": (
        lambda b: True,
        lambda b: any(f.kind in ("count", "percent") for f in b.figures),
    ),
    "impact_money": (lambda b: True, lambda b: any(f.kind == "money" for f in b.figures)),
    "cause": (lambda b: True, lambda b: bool(b.cause) and b.cause_status != "unknown"),
    "cause_status": (lambda b: bool(b.cause), lambda b: b.cause_status is not None),
    "cause_known_by": (_cause_unsettled, lambda b: bool(b.cause_known_by)),
    "mitigation": (lambda b: True, lambda b: bool(b.mitigation)),
    "plan": (lambda b: True, lambda b: bool(b.plan)),
    "eta": (lambda b: True, lambda b: b.eta is not None),
    "resources": (lambda b: True, lambda b: bool(b.resources)),
    "stakeholders": (lambda b: True, lambda b: bool(b.stakeholders)),
    "update_cadence": (lambda b: True, lambda b: bool(b.update_cadence)),
    "role": (lambda b: True, lambda b: bool(b.role)),
    "ceo_name": (lambda b: True, lambda b: bool(b.ceo_name)),
}


def readiness(brief: Brief) -> Readiness:
    items: list[Item] = []
    for check in _checks():
        applies, answers = _TESTS[check["id"]]
        if not applies(brief):
            continue
        answered = answers(brief)
        texts = {key: "" if answered else str(check.get(key, "")) for key in _TEXTS}
        variant = None if answered else _variant(check["id"], brief)
        if variant is not None:
            texts.update({k: str(v) for k, v in check["variants"][variant].items()})
        items.append(
            Item(
                id=check["id"],
                question=str(check["question"]),
                answered=answered,
                gap=texts["gap"],
                advice=texts["advice"],
                say=" ".join(texts["say"].split()),
                note=bool(check.get("note", False)),
            )
        )
    return Readiness(tuple(items))


def render(report: Readiness, name: str) -> str:
    """The plain-text report ``coach brief check`` prints."""
    counted = report.counted
    lines = [
        f"Brief {name}: ready for {len(report.answered)} of {len(counted)} questions "
        f"({report.percent}%)."
    ]
    if report.gaps:
        lines += ["", "Not answered yet, and how to handle it in the meeting:"]
        for item in report.gaps:
            lines += [f"  ✗ {item.question}", f"      {item.gap} {item.advice}"]
            if item.say:
                lines.append(f"      In the meeting: {item.say}")
    else:
        lines += ["", "The brief answers every question the CEO is likely to ask."]
    if report.notes:
        lines += ["", "Also:"]
        lines += [f"  · {item.gap} {item.advice}" for item in report.notes]
    if report.answered:
        lines += ["", "Answered:"]
        lines += [f"  ✓ {item.question}" for item in report.answered]
    return "\n".join(lines) + "\n"
