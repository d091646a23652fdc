"""Every shipped scenario, played with the real scorer: strong and weak answer
sets, and the seeded random walk's coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from coach.engine.playtest import playtest
from coach.engine.session import Session
from coach.paths import shipped_scenarios_dir
from coach.scenario.library import load_scenario
from coach.scenario.model import VERDICTS, Scenario

PLAYTHROUGHS = Path(__file__).parent / "data" / "playthroughs"
SHIPPED = sorted(p.stem for p in shipped_scenarios_dir().glob("*.yaml"))


def play(scenario: Scenario, answers: list[str]) -> Session:
    session = Session.new(scenario, clock=iter(range(10**6)).__next__)  # type: ignore[arg-type]
    session.begin()
    for text in answers:
        if not session.awaiting_answer:
            break
        session.answer(text)
    return session


def answers(scenario_id: str, kind: str) -> list[str]:
    data = yaml.safe_load((PLAYTHROUGHS / f"{scenario_id}.{kind}.yaml").read_text())
    assert isinstance(data, list) and all(isinstance(a, str) for a in data)
    return data


def test_every_shipped_scenario_has_answer_sets() -> None:
    assert len(SHIPPED) >= 5
    for sid in SHIPPED:
        assert (PLAYTHROUGHS / f"{sid}.strong.yaml").is_file(), sid
        assert (PLAYTHROUGHS / f"{sid}.weak.yaml").is_file(), sid


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_strong_answers_reach_the_best_ending(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    session = play(scenario, answers(scenario_id, "strong"))
    t = session.transcript
    assert t.ending is not None, f"strong set ran out at node {t.node}"
    assert scenario.ending_map[t.ending].verdict == scenario.best_verdict(), t.path
    assert t.overall >= 80, (t.overall, t.scores)
    assert not any(turn.kind == "follow_up" for turn in t.turns), "a strong set draws no follow-up"


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_weak_answers_draw_follow_ups_and_a_worse_ending(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    strong = play(scenario, answers(scenario_id, "strong")).transcript
    weak = play(scenario, answers(scenario_id, "weak")).transcript
    assert weak.ending is not None, f"weak set ran out at node {weak.node}"
    assert any(turn.kind == "follow_up" for turn in weak.turns)
    worse = VERDICTS.index(scenario.ending_map[weak.ending].verdict)
    assert worse > VERDICTS.index(scenario.best_verdict())
    assert weak.overall < strong.overall


@pytest.mark.parametrize("scenario_id", SHIPPED)
def test_random_walk_reaches_every_node_branch_and_ending(scenario_id: str) -> None:
    coverage = playtest(load_scenario(scenario_id), runs=400, seed=1)
    assert coverage.unreached_nodes == []
    assert coverage.unreached_branches == []
    assert coverage.unreached_endings == []


@pytest.mark.parametrize("kind", ["strong", "weak"])
def test_save_and_resume_at_every_turn_with_the_real_scorer(kind: str) -> None:
    """Consistency flags read earlier answers: a resumed session must see them too."""
    from coach.engine.transcript import Transcript

    scenario_id = SHIPPED[0]
    scenario = load_scenario(scenario_id)
    given = answers(scenario_id, kind)
    expected = play(scenario, given).transcript.model_dump_json()
    for cut in range(1, len(given)):
        ticks = iter(range(10**6))
        session = Session.new(scenario, clock=ticks.__next__)  # type: ignore[arg-type]
        session.begin()
        for i, text in enumerate(given):
            if i == cut:
                saved = Transcript.model_validate_json(session.transcript.model_dump_json())
                session = Session.resume(scenario, saved, clock=ticks.__next__)  # type: ignore[arg-type]
            if session.awaiting_answer:
                session.answer(text)
        assert session.transcript.model_dump_json() == expected, f"differs resumed at {cut}"
