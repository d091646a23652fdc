"""The session state machine, driven with a fake scorer (see engine_fakes)."""

from __future__ import annotations

import itertools

import pytest
from engine_fakes import fake_score, load_fixture

from coach.engine.session import Session
from coach.engine.states import TRANSITIONS, State, TransitionError, check
from coach.engine.transcript import Transcript


def ticking_clock(step: float = 5.0):  # type: ignore[no-untyped-def]
    counter = itertools.count()
    return lambda: 1_700_000_000.0 + step * next(counter)


def new_session() -> Session:
    s = Session.new(load_fixture("branching.yaml"), clock=ticking_clock(), scorer=fake_score)
    s.begin()
    return s


def ceo_lines(session: Session) -> list[str]:
    return [t.text for t in session.transcript.turns if t.speaker == "ceo"]


def test_begin_asks_the_start_node_with_placeholders_filled() -> None:
    s = new_session()
    assert s.state is State.ASKING
    assert s.transcript.node == "q1"
    assert ceo_lines(s) == ["Sam Ortiz here. What happened to the checkout service?"]


def test_strong_path_reaches_best_ending() -> None:
    s = new_session()
    s.answer("impact mitigation")
    s.answer("timeline next_update")
    assert s.state is State.DEBRIEF
    assert s.transcript.ending == "trusted"
    assert s.transcript.path == ["q1", "q2", "trusted"]
    assert s.transcript.variables["trust"] == 2
    s.close()
    assert s.state is State.FINISHED
    assert s.transcript.status == "finished"


def test_missing_impact_draws_same_node_follow_up() -> None:
    s = new_session()
    turns = s.answer("mitigation only")
    assert [t.text for t in turns] == ["How many customers? Give me a number."]
    assert s.state is State.FOLLOW_UP
    assert s.transcript.node == "q1"
    assert s.transcript.variables["patience"] == 1


def test_missing_mitigation_goes_to_follow_up_node() -> None:
    s = new_session()
    turns = s.answer("impact")
    assert [t.kind for t in turns] == ["reaction", "follow_up"]
    assert turns[-1].text == "What have you done to stop it?"
    assert s.state is State.FOLLOW_UP
    s.answer("mitigation")
    assert s.state is State.ASKING
    assert s.transcript.node == "q2"


def test_patience_trigger_ends_early() -> None:
    s = new_session()
    s.answer("blame")
    s.answer("blame again")
    assert s.transcript.ending == "walked"
    assert ceo_lines(s)[-1] == "I'll get this from someone else."
    assert s.state is State.DEBRIEF


def test_attempt_bound_forces_default_and_records_gap() -> None:
    s = new_session()
    s.answer("impact mitigation")
    s.answer("next_update")  # missing timeline -> re-ask
    assert s.transcript.node == "q2"
    s.answer("still nothing")  # second attempt = max_attempts 2 -> forced default
    user = s.transcript.user_turns
    assert user[-1].forced is True
    assert s.transcript.gaps[-1].node == "q2"
    assert "timeline" in s.transcript.gaps[-1].missing
    assert s.transcript.ending == "shaky"


def test_variables_choose_the_ending() -> None:
    s = new_session()
    s.answer("impact")  # -> follow-up node, no trust gained
    s.answer("mitigation")
    s.answer("timeline next_update")
    assert s.transcript.ending == "shaky"


def test_empty_answer_is_refused_and_changes_nothing() -> None:
    s = new_session()
    before = s.transcript.model_dump_json()
    with pytest.raises(ValueError):
        s.answer("   \n ")
    assert s.transcript.model_dump_json() == before


def test_answer_after_the_end_is_a_transition_error() -> None:
    s = new_session()
    s.answer("impact mitigation")
    s.answer("timeline next_update")
    with pytest.raises(TransitionError):
        s.answer("more")


def test_seconds_per_answer_come_from_the_injected_clock() -> None:
    s = new_session()
    s.answer("impact mitigation")
    answer = s.transcript.user_turns[0]
    # The clock ticks 5 s per reading; asking reads it once after the line is said.
    assert answer.seconds == pytest.approx(5.0)


def test_abandon_mid_session() -> None:
    s = new_session()
    s.answer("impact mitigation")
    s.abandon()
    assert s.state is State.ABANDONED
    assert s.transcript.status == "abandoned"
    assert s.transcript.ending is None
    assert s.transcript.ended_at is not None


def test_transitions_table_is_closed() -> None:
    assert set(TRANSITIONS) == set(State)
    assert not TRANSITIONS[State.FINISHED]
    with pytest.raises(TransitionError):
        check(State.FINISHED, State.ASKING)


@pytest.mark.parametrize(
    "answers",
    [
        ["impact mitigation", "timeline next_update"],
        ["mitigation", "impact mitigation", "next_update", "timeline next_update"],
        ["impact", "mitigation", "next_update", "nothing"],
        ["blame", "blame"],
    ],
)
def test_save_and_resume_at_every_turn_gives_the_same_transcript(answers: list[str]) -> None:
    scenario = load_fixture("branching.yaml")
    straight = Session.new(scenario, clock=ticking_clock(), scorer=fake_score)
    straight.begin()
    for a in answers:
        if straight.awaiting_answer:
            straight.answer(a)
    expected = straight.transcript.model_dump_json()

    for cut in range(len(answers) + 1):
        clock = ticking_clock()
        s = Session.new(scenario, clock=clock, scorer=fake_score)
        s.begin()
        for i, a in enumerate(answers):
            if i == cut:
                saved = s.transcript.model_dump_json()
                s = Session.resume(
                    scenario, Transcript.model_validate_json(saved), clock=clock, scorer=fake_score
                )
            if s.awaiting_answer:
                s.answer(a)
        assert s.transcript.model_dump_json() == expected, f"differs when resumed at turn {cut}"


def test_terminal_escapes_are_removed_before_scoring_and_storing() -> None:
    from coach.scenario.library import load_scenario

    scenario = load_scenario("general-critical-incident")
    session = Session.new(scenario, clock=iter(range(10**6)).__next__)  # type: ignore[arg-type]
    session.begin()
    session.answer("\x1b[31m2,300 users\x1b[0m card payments failed; we rolled back at 09:30.")
    turn = session.transcript.turns[-1] if session.transcript.turns[-1].speaker == "user" else [
        t for t in session.transcript.turns if t.speaker == "user"][-1]  # fmt: skip
    assert turn.text == "2,300 users card payments failed; we rolled back at 09:30."
    assert turn.result is not None
    assert all(q.value != 0 for q in turn.result.quantities)
    with pytest.raises(ValueError):
        session.answer("\x1b[2J\x07")
