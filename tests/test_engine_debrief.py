"""The debrief's improvements read as advice, never as raw deduction codes."""

from __future__ import annotations

import pytest

from coach.engine.debrief import _improvement, element_advice, finding_advice
from coach.engine.transcript import Turn
from coach.scoring.result import AnswerResult, Deduction, ElementResult
from coach.scoring.scorer import score_answer


def turn_with(code: str) -> Turn:
    result = AnswerResult(
        elements={"impact": ElementResult()},
        score=50,
        deductions=[Deduction(dimension="impact", points=10, reason="r", code=code)],
    )
    return Turn(speaker="user", node="q1", kind="answer", text="x", result=result)


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("missing:impact", "Put a number on the impact"),
        ("buried:root_cause", "Lead with the root cause"),
        ("unknown:root_cause", "Close the open question on the root cause"),
        ("planned:mitigation", "Contain before you plan"),
        ("empty", "Answer every question"),
    ],
)
def test_deduction_kinds_become_advice(code: str, title: str) -> None:
    improvement = _improvement(code, 10, 0, [turn_with(code)])
    assert improvement.title == title
    assert improvement.detail and "{" not in improvement.detail


def test_every_deduction_kind_the_scorer_emits_has_advice() -> None:
    texts = [
        "",
        "Here is where things stand. About 1,200 customers are affected.",
        "We will roll back tonight.",
        "We don't know the cause yet; we'll know by 15:00.",
        "I think it could potentially maybe be a lot of users, so basically, sorry, sorry.",
    ]
    for text in texts:
        result = score_answer(text or " ", expects=("impact", "mitigation", "root_cause"))
        for d in result.deductions:
            kind, _, element = d.code.partition(":")
            if element:
                known = element_advice() if kind == "missing" else finding_advice()
                key = element if kind == "missing" else kind
                assert key in known, d.code
