"""A session rehearsed with an incident brief is about the user's own incident:
everywhere the app names it (Debrief, Home's resume row and scores, History's
table, trends and comparison) it reads "Your incident: NAME", never the
scenario's own title alone, which names another incident."""

from __future__ import annotations

from pathlib import Path

from engine_fakes import load_fixture
from test_tui_history import open_history
from test_tui_screens import SIZE, option_texts, settle
from textual.widgets import DataTable, Input, Static
from tui_support import EPOCH, demo_score, make_app, screen_text, ticking_clock

from coach.brief.model import Brief
from coach.engine.session import Session
from coach.store import SessionStore
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.history import CompareScreen, trend_line
from coach.tui.screens.home import HomeScreen

TITLE = "Engine branching fixture"


def stored(
    data: Path, answers: list[str], *, brief: str | None, finish: bool = True, day: int = 0
) -> str:
    """A session of the fixture scenario, with the brief ``brief`` or none, saved."""
    session = Session.new(
        load_fixture("branching.yaml"),
        clock=ticking_clock(start=EPOCH + 86_400 * day),
        scorer=demo_score,
        brief=Brief(system="the payments gateway", ceo_name="Priya Natarajan") if brief else None,
        brief_name=brief,
    )
    session.begin()
    for text in answers:
        session.answer(text)
    if finish:
        session.close()
    with SessionStore.open(data) as store:
        return store.create(session.transcript)


async def test_the_debrief_of_a_brief_session_heads_it_your_incident(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = stored(data, ["impact mitigation", "timeline next_update"], brief="payments")
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        scenario = load_fixture("branching.yaml")
        app.open_debrief(scenario, app.store.load(session_id), session_id)
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        headline = str(app.screen.query_one("#headline", Static).render())
        first = headline.splitlines()[0]
        assert "Your incident: payments" in first
        assert first.endswith(f"questions from {TITLE}")
        assert first.index("Your incident") < first.index(TITLE)


async def test_the_debrief_without_a_brief_keeps_the_scenarios_title(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = stored(data, ["impact mitigation", "timeline next_update"], brief=None)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_debrief(load_fixture("branching.yaml"), app.store.load(session_id), session_id)
        await settle(pilot)
        first = str(app.screen.query_one("#headline", Static).render()).splitlines()[0]
        assert first.endswith(TITLE) and "Your incident" not in first


async def test_home_resumes_a_brief_session_as_your_incident(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stored(data, ["impact mitigation", "timeline next_update"], brief=None, day=0)
    mine = stored(data, ["impact"], brief="payments", finish=False, day=1)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        texts = option_texts(app)
        assert texts[0].startswith("Unfinished")
        resume = texts[1]
        assert resume.startswith("↻ Your incident: payments")
        assert TITLE not in resume  # it names another incident
        # The scenario's row counts the brief session as an attempt, and says so.
        row = next(t for t in texts if t.startswith(TITLE))
        assert "2 attempts (1 with a brief)" in row
        # The details of the highlighted resume row say whose questions these are.
        details = str(app.screen.query_one("#details-text", Static).render())
        assert details.startswith("Resume Your incident: payments")
        assert f"from the brief payments, with the CEO and questions of {TITLE}" in details
        assert f"Session {mine}" in details


async def test_history_names_brief_sessions_and_finds_them(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plain = stored(data, ["impact mitigation", "timeline next_update"], brief=None, day=0)
    mine = stored(data, ["impact mitigation", "timeline next_update"], brief="payments", day=1)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=(120, 32)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#sessions", DataTable)
        cells = {str(key.value): str(table.get_cell(key, "scenario")) for key in table.rows}
        assert cells[mine] == f"Your incident: payments · {TITLE}"
        assert cells[plain] == TITLE
        trends = str(screen.query_one("#trends", Static).render())
        assert "2 attempts (1 with a brief)" in trends
        # The brief's name, "brief" and "incident" find it.
        for words in ("payments", "brief", "your incident"):
            await pilot.press("slash")
            screen.query_one("#filter", Input).value = words
            await pilot.press("enter")
            await settle(pilot)
            assert [s.id for s in screen.shown] == [mine], words
        assert "Your incident: payments" in screen_text(app)


async def test_compare_says_which_attempt_rehearsed_a_brief(tmp_path: Path) -> None:
    data = tmp_path / "data"
    plain = stored(data, ["impact mitigation", "timeline next_update"], brief=None, day=0)
    mine = stored(data, ["impact mitigation", "timeline next_update"], brief="payments", day=1)
    again = stored(data, ["impact", "timeline next_update"], brief="payments", day=2)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_history(pilot)
        screen.marked = [plain, mine]
        await screen.action_compare()
        await settle(pilot)
        assert isinstance(app.screen, CompareScreen)
        title = str(app.screen.query_one("#compare-title", Static).render())
        assert title.splitlines()[0] == TITLE
        assert "brief payments" in title.splitlines()[1]
        await pilot.press("escape")
        await settle(pilot)
        screen.marked = [mine, again]
        await screen.action_compare()
        await settle(pilot)
        title = str(app.screen.query_one("#compare-title", Static).render())
        assert title.splitlines()[0] == "Your incident: payments"


def test_a_trend_line_counts_the_attempts_made_with_a_brief() -> None:
    from dataclasses import replace
    from datetime import UTC, datetime

    from coach.store import ScenarioStats

    stats = ScenarioStats(
        scenario="x",
        attempts=3,
        finished=2,
        last=80,
        best=90,
        last_at=datetime(2024, 1, 1, tzinfo=UTC),
        trend=[90, 80],
        title="X",
    )
    assert trend_line(stats).plain.endswith("  3 attempts")
    assert trend_line(replace(stats, with_brief=1)).plain.endswith("  3 attempts (1 with a brief)")
    assert trend_line(replace(stats, with_brief=3)).plain.endswith(
        "  3 attempts (all with a brief)"
    )
    one = replace(stats, attempts=1, with_brief=1)
    assert trend_line(one).plain.endswith("  1 attempt (with a brief)")


async def test_the_palette_resumes_a_brief_session_as_your_incident(tmp_path: Path) -> None:
    from coach.tui.commands import CoachCommands
    from coach.tui.screens.rehearsal import RehearsalScreen

    data = tmp_path / "data"
    mine = stored(data, ["impact"], brief="payments", finish=False)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in CoachCommands(app.screen)._commands()]
        assert "Resume: Your incident: payments" in titles
        assert f"Resume: {TITLE}" not in titles
        await pilot.press("ctrl+p", *"Resume: Your incident")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen) and app.screen.session_id == mine
