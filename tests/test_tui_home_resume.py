"""Which unfinished sessions Home offers to resume. A session left at its first
question (no answers) is stored, so a kill there loses nothing, but it is offered
only while it is the latest session of its scenario: an older one would be one
more row per quick quit, and resuming it is the same as starting again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from test_tui_screens import SIZE, option_texts, settle, stored_session
from tui_support import make_app

from coach.store import ScenarioStats, SessionStore, SessionSummary
from coach.tui.screens.home import RESUME_PREFIX, resumable

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=UTC)


def summary(name: str, scenario: str, hours: int, answers: int) -> SessionSummary:
    return SessionSummary(
        id=name,
        scenario=scenario,
        title=scenario,
        role="general",
        started_at=T0 + timedelta(hours=hours),
        ended_at=None,
        status="unfinished",
        overall=0,
        answers=answers,
    )


def stats(scenario: str, latest_hours: int) -> ScenarioStats:
    return ScenarioStats(
        scenario=scenario,
        attempts=3,
        finished=0,
        last=None,
        best=None,
        last_at=None,
        latest_at=T0 + timedelta(hours=latest_hours),
    )


def test_an_empty_session_is_offered_only_while_it_is_its_scenarios_latest() -> None:
    sessions = [
        summary("a-empty-new", "a", 5, 0),
        summary("b-answered-old", "b", 1, 2),
        summary("a-empty-old", "a", 2, 0),
        summary("b-empty-old", "b", 0, 0),
        summary("c-empty", "c", 3, 0),
    ]
    known = {"a": stats("a", 5), "b": stats("b", 4), "c": stats("c", 3)}
    offered = [s.id for s in resumable(sessions, known)]
    # Answered sessions always stay; "b" has a newer (finished) session than its empty one.
    assert offered == ["a-empty-new", "b-answered-old", "c-empty"]
    # Without statistics for a scenario nothing is known to supersede it.
    assert [s.id for s in resumable(sessions, {})] == [s.id for s in sessions]


async def test_home_hides_an_empty_session_a_newer_attempt_superseded(tmp_path: Path) -> None:
    data = tmp_path / "data"
    old_empty = stored_session(data, [], finish=False, day=0)
    answered = stored_session(data, ["blame them"], finish=False, day=1)
    new_empty = stored_session(data, [], finish=False, day=2)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        texts = option_texts(app)
        assert texts[0].startswith("Unfinished")
        assert "not started: at the first question" in texts[1]
        assert "1 answer so far" in texts[2]
        options = app.screen.query_one("#scenarios")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]  # type: ignore[attr-defined]
        assert f"{RESUME_PREFIX}{new_empty}" in ids and f"{RESUME_PREFIX}{answered}" in ids
        assert f"{RESUME_PREFIX}{old_empty}" not in ids
    with SessionStore.open(data) as store:  # still stored, and still unfinished
        assert store.summary(old_empty).status == "unfinished"
