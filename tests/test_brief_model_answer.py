"""Model answers from the user's own brief: only the brief's facts, a marker
for what it lacks, and the debrief showing them instead of the scenario's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.brief.facts import given_facts
from coach.brief.loader import load_brief
from coach.brief.model import Brief
from coach.brief.model_answer import brief_model_answer
from coach.engine.debrief import build_debrief
from coach.engine.session import Session
from coach.scenario.library import load_scenario
from coach.scenario.model import Node, Scenario

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"
SCENARIOS = (
    "general-critical-incident",
    "architect-order-outage",
    "blockchain-vault-exploit",
    "data-billing-corruption",
    "fullstack-checkout-release",
    "security-customer-data-exposure",
)
_NUMBER = re.compile(r"\d[\d,.:]*\d|\d")
_FIELDS = [name for name in Brief.model_fields if name not in ("role", "ceo_name")]


@pytest.fixture(scope="module")
def brief() -> Brief:
    return load_brief(PAYMENTS)


def node(*expects: str) -> Node:
    return Node.model_validate(
        {
            "id": "q",
            "ceo": "Tell me.",
            "expects": list(expects),
            "model_answer": "The scenario's own answer.",
            "branches": [{"default": True, "goto": "end"}],
        }
    )


def test_the_opening_answer_leads_with_what_happened(brief: Brief) -> None:
    answer = brief_model_answer(node("impact", "mitigation"), brief, opening=True)
    assert answer == (
        "At 08:40 the payments gateway began declining card payments after a certificate "
        "rotation; it has been in a degraded mode since 09:30. The impact so far: 2,300 users "
        "(could not pay); £41,000 (orders delayed); 12% (of card payments declined). What we "
        "have done so far to limit the damage: 09:05 incident declared; 09:30 traffic moved to "
        "the backup gateway."
    )


def test_a_suspected_cause_says_so_and_when_it_will_be_known(brief: Brief) -> None:
    answer = brief_model_answer(node("root_cause"), brief)
    assert answer == (
        "We believe the cause is an expired intermediate certificate on the gateway's load "
        "balancer, but it is not confirmed yet. We will know by 15:00 today."
    )


def test_a_known_cause_is_stated_and_an_unknown_one_is_admitted(brief: Brief) -> None:
    known = brief.model_copy(update={"cause_status": "known"})
    assert brief_model_answer(node("root_cause"), known) == (
        "The cause is an expired intermediate certificate on the gateway's load balancer."
    )
    unknown = brief.model_copy(update={"cause_status": "unknown", "cause": None})
    assert brief_model_answer(node("root_cause"), unknown) == (
        "We don't know the cause yet; we will know by 15:00 today."
    )


def test_the_timeline_gives_the_plan_and_the_time_and_says_the_plan_once(brief: Brief) -> None:
    answer = brief_model_answer(node("timeline", "prevention", "next_update"), brief)
    assert answer == (
        "The plan: Replace the certificate, test on one region, then roll it out everywhere. "
        "We expect it to be fixed in 4–6 hours. Next update: every hour until the fix is out."
    )
    by_clock = brief.model_copy(update={"eta": brief.eta.model_copy(
        update={"value": None, "high": None, "unit": None, "by": "16:00"})})  # fmt: skip
    assert "We expect it to be fixed by 16:00." in str(
        brief_model_answer(node("timeline"), by_clock)
    )


def test_resources_and_stakeholders(brief: Brief) -> None:
    assert brief_model_answer(node("resources", "stakeholders"), brief) == (
        "What I need: two engineers from the platform team until 18:00. Who is involved and "
        "who has been told: Dana Whitfield, head of customer support; Omar Haddad, on-call "
        "payments engineer (owns the fix)."
    )


def test_an_empty_brief_gives_markers_not_facts() -> None:
    answer = brief_model_answer(node("impact", "root_cause", "timeline"), Brief(), opening=True)
    assert answer == (
        "[not in your brief: what happened, in one sentence] "
        "[not in your brief: the impact figures] "
        "[not in your brief: the cause, or when you will know it] "
        "[not in your brief: when it will be fixed]"
    )


def test_a_question_expecting_nothing_keeps_the_scenarios_answer(brief: Brief) -> None:
    assert brief_model_answer(node(), brief) is None


@settings(max_examples=60, deadline=None)
@given(dropped=st.sets(st.sampled_from(_FIELDS)))
def test_model_answers_hold_only_the_briefs_numbers(dropped: set[str]) -> None:
    brief = load_brief(PAYMENTS).model_copy(update={name: None for name in dropped})
    allowed = set(_NUMBER.findall(" ".join(given_facts(brief).values())))
    allowed |= set(_NUMBER.findall(brief.model_dump_json()))
    for scenario_id in SCENARIOS:
        scenario = _scenario(scenario_id)
        for n in scenario.nodes:
            answer = brief_model_answer(n, brief, opening=n.id == scenario.start_id)
            if answer is None:
                continue
            assert set(_NUMBER.findall(answer)) <= allowed, answer
            assert "{" not in answer and "}" not in answer
            if "impact" in dropped and "impact" in n.expects:
                assert "[not in your brief: the impact figures]" in answer


_LOADED: dict[str, Scenario] = {}


def _scenario(scenario_id: str) -> Scenario:
    if scenario_id not in _LOADED:
        _LOADED[scenario_id] = load_scenario(scenario_id)
    return _LOADED[scenario_id]


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 5
        return self.now


def test_the_debrief_shows_the_briefs_model_answer(brief: Brief) -> None:
    scenario = _scenario("architect-order-outage")
    with_brief = Session.new(scenario, brief=brief, brief_name="payments", clock=Clock())
    without = Session.new(scenario, clock=Clock())
    for session in (with_brief, without):
        session.begin()
        session.answer("2,300 users could not pay; we moved traffic to the backup at 09:30.")
    reviewed = build_debrief(scenario, with_brief.transcript).reviews[0]
    assert reviewed.model_answer_from == "brief"
    assert "2,300 users (could not pay)" in reviewed.model_answer
    assert "3,100" not in reviewed.model_answer
    plain = build_debrief(scenario, without.transcript).reviews[0]
    assert plain.model_answer_from == "scenario"
    assert plain.model_answer == scenario.nodes[0].model_answer
    # Every place that shows it says where it came from.
    from coach.engine.report import render
    from coach.store.export import to_html, to_markdown

    assert "**Model answer, from your brief:** At 08:40" in to_markdown(
        with_brief.transcript, scenario
    )
    assert "<strong>Model answer, from your brief</strong>" in to_html(
        with_brief.transcript, scenario
    )
    debrief = build_debrief(scenario, with_brief.transcript)
    assert "    model (from your brief): At 08:40" in render(with_brief.transcript, debrief)
    assert "**Model answer:**" in to_markdown(without.transcript, scenario)


def test_a_wording_naming_the_ceo_keeps_the_scenarios_ceo_if_the_brief_names_none() -> None:
    from coach.brief.facts import session_facts

    scenario = _scenario("general-critical-incident")
    situation = scenario.situation.model_copy(update={"with_brief": {"next_call": "{ceo_name}"}})
    worded = scenario.model_copy(update={"situation": situation})
    assert session_facts(worded, Brief())["next_call"] == scenario.ceo.name
    named = Brief(ceo_name="Sam Okafor")
    assert session_facts(worded, named)["next_call"] == "Sam Okafor"
