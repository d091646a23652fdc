"""The debrief's improvements read as advice, never as raw deduction codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_fakes import fake_score

from coach.engine.debrief import _improvement, build_debrief, element_advice, finding_advice
from coach.engine.session import Session
from coach.engine.transcript import Turn
from coach.scenario.loader import load_text
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


def test_placeholders_are_filled_in_every_text_the_debrief_shows() -> None:
    """The ending's title and summary and a node's coaching, as well as the lines
    the CEO says: the validator accepts {placeholders} in all of them."""
    minimal = Path(__file__).parent / "fixtures" / "scenarios" / "minimal.yaml"
    text = (
        minimal.read_text(encoding="utf-8")
        .replace("title: The CEO trusts the plan", "title: The CEO trusts the plan for {system}")
        .replace("summary: You gave the numbers,", "summary: About {system}, you gave the numbers,")
        .replace("    budget: 80\n", "    budget: 80\n    coaching: Lead with {impact}.\n", 1)
    )
    scenario = load_text(text, "placeholders.yaml")
    session = Session.new(scenario, scorer=fake_score)
    session.begin()
    for answer in ("impact mitigation", "next_update prevention"):
        session.answer(answer)
    debrief = build_debrief(scenario, session.transcript)
    assert debrief.ending_title == "The CEO trusts the plan for the checkout service"
    assert debrief.ending_summary is not None
    assert debrief.ending_summary.startswith("About the checkout service, you gave")
    assert (
        debrief.reviews[0].coaching
        == "Lead with about 1,900 failed orders, roughly $60,000 of sales delayed."
    )


def test_a_session_with_a_brief_is_titled_as_the_users_incident() -> None:
    """The scenario's title names its own incident; with a brief the session was
    about the user's, so the Debrief (and every export built on it) says so."""
    minimal = Path(__file__).parent / "fixtures" / "scenarios" / "minimal.yaml"
    scenario = load_text(minimal.read_text(encoding="utf-8"), "minimal.yaml")
    session = Session.new(scenario, scorer=fake_score)
    session.begin()
    session.answer("impact mitigation")
    assert build_debrief(scenario, session.transcript).title == scenario.title
    mine = session.transcript.model_copy(update={"brief_name": "payments"})
    assert build_debrief(scenario, mine).title == "Your incident: payments"
