"""A model answer from the user's own brief, for the debrief.

A scenario's model answers tell the scenario's own incident; beside the answers
a user gave about their own, the debrief shows what a strong answer to the same
question says with the brief's facts: one sentence per element the question
expects (data/model_answers.yaml). A field the brief leaves out becomes a
``[not in your brief: ...]`` marker, so the model answer never invents a fact.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, cast

import yaml

from coach.brief.facts import given_facts, join
from coach.brief.model import Brief
from coach.scenario.model import Node, fill
from coach.textsafe import strip_terminal


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("coach.brief").joinpath("data", "model_answers.yaml").read_text("utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


def _fields(brief: Brief) -> dict[str, str]:
    """The brief's fields by the names the sentences use, without end full stops
    (a sentence adds its own)."""
    fields = dict(given_facts(brief))
    resources_ = join(brief.resources)
    if resources_:
        fields["resources"] = " ".join(strip_terminal(resources_).split())
    if brief.eta is not None:
        eta = brief.eta.text
        # "4–6 hours" reads "in 4–6 hours"; "by 16:00" stands as it is.
        fields["eta"] = eta if eta.startswith("by ") else f"in {eta}"
    if brief.cause_known_by:
        known_by = " ".join(strip_terminal(brief.cause_known_by).split())
        if not known_by.lower().startswith(("by ", "at ", "in ", "within ", "after ")):
            known_by = f"by {known_by}"
        fields["known_by"] = known_by
    return {name: value.rstrip(" .") for name, value in fields.items()}


#: The brief fields each element's sentence says (the timeline's are its two sentences).
_NEEDS: dict[str, tuple[str, ...]] = {
    "impact": ("impact",),
    "mitigation": ("mitigation",),
    "root_cause": ("cause",),
    "prevention": ("plan",),
    "resources": ("resources",),
    "stakeholders": ("people",),
    "next_update": ("next_update",),
}


def _sentence(template: str, fields: dict[str, str], need: str) -> str:
    data = _data()
    if need not in fields:
        return str(data["missing"].format(what=data["needs"][need]))
    return fill(template, fields)


def _cause(fields: dict[str, str], brief: Brief) -> str:
    templates = _data()["elements"]["root_cause"]
    status = brief.cause_status or "known"
    known_by = ""
    if status != "known" and "known_by" in fields:
        key = "known_by_unknown" if status == "unknown" else "known_by"
        known_by = fill(_data()[key], fields)
    if status == "unknown":
        return fill(templates["unknown"], {"known_by": known_by})
    return _sentence(templates[status], {**fields, "known_by": known_by}, "cause")


def _element(element: str, fields: dict[str, str], brief: Brief, said: set[str]) -> list[str]:
    """The sentences for one expected element; ``said`` holds the fields already
    said in this answer, so "the plan" is not repeated for prevention."""
    templates = _data()["elements"]
    if element == "timeline":
        parts = [(templates["timeline"]["plan"], "plan"), (templates["timeline"]["eta"], "eta")]
        if "plan" not in fields:
            # The time alone still answers "when"; a missing plan is for another question.
            parts = parts[1:]
    elif element == "root_cause":
        said.add("cause")
        return [_cause(fields, brief)]
    else:
        parts = [(templates[element], _NEEDS[element][0])]
    sentences = []
    for template, need in parts:
        if need in said and need in fields:
            continue
        said.add(need)
        sentences.append(_sentence(template, fields, need))
    return sentences


def brief_model_answer(node: Node, brief: Brief, *, opening: bool = False) -> str | None:
    """The model answer to ``node``'s question from ``brief``; ``None`` when the
    question expects nothing a brief holds (the scenario's own answer stands)."""
    if not node.expects:
        return None
    fields = _fields(brief)
    said: set[str] = set()
    sentences: list[str] = []
    if opening:
        sentences.append(_sentence(_data()["opening"], fields, "what_happened"))
    for element in node.expects:
        sentences += _element(element, fields, brief, said)
    return " ".join(_capitalised(s) for s in sentences)


def _capitalised(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:] if sentence[:1].islower() else sentence
