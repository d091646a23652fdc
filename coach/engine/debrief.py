"""The debrief: scores per dimension, the three most valuable improvements
(each pointing at an answer and a finding), and each answer beside the model answer."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, Field

from coach.brief.facts import session_facts
from coach.brief.model_answer import brief_model_answer
from coach.engine.report import session_title
from coach.engine.transcript import Transcript, Turn
from coach.scenario.model import Scenario, fill


class Improvement(BaseModel):
    title: str
    detail: str
    #: Index into ``transcript.turns`` of the answer it points at.
    turn: int
    node: str
    code: str
    #: Points this cost across the session (why it ranks where it does).
    points: int
    evidence: str = ""


class NodeReview(BaseModel):
    node: str
    question: str
    answers: list[int] = Field(description="Indexes of the user's turns at this node.")
    model_answer: str
    #: "brief" when the model answer was put together from the user's own brief
    #: (the scenario's tells another incident), so the screen can say so.
    model_answer_from: Literal["scenario", "brief"] = "scenario"
    coaching: str | None = None

    @property
    def model_answer_label(self) -> str:
        """What the model answer is called wherever it is shown."""
        return (
            "Model answer, from your brief" if self.model_answer_from == "brief" else "Model answer"
        )


class Debrief(BaseModel):
    scenario_id: str
    #: The scenario's title, or "Your incident: NAME" for a session rehearsed with a
    #: brief (:func:`coach.engine.report.session_title`).
    title: str
    status: Literal["finished", "unfinished", "abandoned"]
    ending_id: str | None
    ending_title: str | None
    verdict: str | None
    ending_summary: str | None
    scores: dict[str, int]
    overall: int
    improvements: list[Improvement]
    reviews: list[NodeReview]
    gaps: list[str]


@cache
def _advice() -> dict[str, dict[str, dict[str, str]]]:
    text = resources.files("coach.engine").joinpath("data/advice.yaml").read_text("utf-8")
    data: dict[str, dict[str, dict[str, str]]] = yaml.safe_load(text)
    return data


def element_advice() -> dict[str, dict[str, str]]:
    """What to practise when an element is missing, by element name."""
    return _advice()["elements"]


def finding_advice() -> dict[str, dict[str, str]]:
    """What to practise for the scorer's other deduction kinds (buried, unknown, ...)."""
    return _advice()["findings"]


def flag_advice() -> dict[str, dict[str, str]]:
    """A short title per flag code: a flag's message quotes the answer ("18147 words
    (about 7259 seconds spoken)..."), which reads as a finding, not as a title."""
    return _advice()["flags"]


def build_debrief(
    scenario: Scenario, transcript: Transcript, facts: dict[str, str] | None = None
) -> Debrief:
    brief = transcript.brief
    facts = session_facts(scenario, brief, facts)
    ending = scenario.ending_map.get(transcript.ending) if transcript.ending else None
    return Debrief(
        scenario_id=scenario.id,
        title=session_title(scenario.title, transcript.brief_name),
        status=transcript.status,
        ending_id=ending.id if ending else None,
        # Placeholders work in every text the scenario shows (the validator checks them).
        ending_title=fill(ending.title, facts) if ending else None,
        verdict=ending.verdict if ending else None,
        ending_summary=fill(ending.summary, facts) if ending else None,
        scores=dict(transcript.scores),
        overall=transcript.overall,
        improvements=top_improvements(transcript.turns),
        reviews=_reviews(scenario, transcript, facts),
        gaps=[f"{g.node}: {', '.join(g.missing)}" for g in transcript.gaps],
    )


def top_improvements(turns: list[Turn], limit: int = 3) -> list[Improvement]:
    """Group every deduction by its code; the codes that cost most come first,
    each pointing at the answer where it cost most."""
    totals: dict[str, int] = {}
    worst: dict[str, tuple[int, int]] = {}  # code -> (points, turn index)
    for index, turn in enumerate(turns):
        if turn.result is None:
            continue
        per_turn: dict[str, int] = {}
        for d in turn.result.deductions:
            per_turn[d.code] = per_turn.get(d.code, 0) + d.points
        for code, points in per_turn.items():
            totals[code] = totals.get(code, 0) + points
            if code not in worst or points > worst[code][0]:
                worst[code] = (points, index)
    ranked = sorted(totals, key=lambda c: (-totals[c], worst[c][1]))
    return [_improvement(code, totals[code], worst[code][1], turns) for code in ranked[:limit]]


def _improvement(code: str, points: int, index: int, turns: list[Turn]) -> Improvement:
    turn = turns[index]
    assert turn.result is not None
    kind, _, element = code.partition(":")
    advice = element_advice().get(element) if kind == "missing" else finding_advice().get(kind)
    if advice is not None:
        words = element.replace("_", " ")
        return Improvement(
            title=advice["title"].format(element=words),
            detail=advice["advice"].format(element=words),
            turn=index,
            node=turn.node,
            code=code,
            points=points,
        )
    flag = next((f for f in turn.result.flags if f.code == code), None)
    titled = flag_advice().get(code)
    if flag is not None and titled is not None:
        return Improvement(
            title=titled["title"],
            detail=" ".join(part for part in (flag.message, flag.suggestion) if part),
            turn=index,
            node=turn.node,
            code=code,
            points=points,
            evidence=flag.evidence,
        )
    return Improvement(
        title=flag.message if flag else code,
        detail=flag.suggestion if flag else "",
        turn=index,
        node=turn.node,
        code=code,
        points=points,
        evidence=flag.evidence if flag else "",
    )


def _reviews(scenario: Scenario, transcript: Transcript, facts: dict[str, str]) -> list[NodeReview]:
    reviews: dict[str, NodeReview] = {}
    for index, turn in enumerate(transcript.turns):
        if turn.speaker != "user":
            continue
        review = reviews.get(turn.node)
        if review is None:
            node = scenario.node_map[turn.node]
            from_brief = None
            if transcript.brief is not None:
                from_brief = brief_model_answer(
                    node, transcript.brief, opening=node.id == scenario.start_id
                )
            review = reviews[turn.node] = NodeReview(
                node=node.id,
                question=fill(node.ceo, facts),
                answers=[],
                model_answer=from_brief or fill(node.model_answer, facts),
                model_answer_from="brief" if from_brief else "scenario",
                coaching=fill(node.coaching, facts) if node.coaching else None,
            )
        review.answers.append(index)
    return list(reviews.values())
