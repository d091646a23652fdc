"""Pilot tests for the History screen: the table (sort, filter), trends,
compare, open as Debrief, export; and the Compare screen."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from store_samples import BASE, answer_result, default_answers, nasty_answers, transcript
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static
from tui_support import make_app, notices, screen_text

from coach.store import SessionStore
from coach.tui.app import CoachApp
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.history import (
    CHUNK,
    FILTER_PAUSE,
    CompareScreen,
    HistoryScreen,
    sparkline,
)

SIZE = (110, 32)


def seed(data: Path) -> dict[str, str]:
    """Five sessions of the fixture scenario and one of a scenario that is not installed."""
    specs = {
        "weak": dict(started=BASE, answers=nasty_answers(), overall=55),
        "middling": dict(started=BASE + timedelta(days=1), overall=70),
        "abandoned": dict(started=BASE + timedelta(days=2), status="abandoned", overall=99),
        "strong": dict(started=BASE + timedelta(days=3), answers=default_answers(), overall=90),
        "pending": dict(started=BASE + timedelta(days=4), status="unfinished", overall=40),
        "other": dict(
            scenario_id="not-installed",
            title="Other [bold]markup[/] \x1b[31mtitle",
            role="data",
            started=BASE + timedelta(days=5),
            overall=65,
        ),
    }
    with SessionStore.open(data) as store:
        return {name: store.create(transcript(**spec)) for name, spec in specs.items()}  # type: ignore[arg-type]


async def open_history(pilot: Pilot[None]) -> HistoryScreen:
    app = pilot.app
    assert isinstance(app, CoachApp)
    await pilot.pause()
    app.open_history()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    await screen.ready.wait()
    await pilot.pause()
    return screen


def rows(screen: HistoryScreen) -> list[str]:
    table = screen.query_one("#sessions", DataTable)
    return [str(table.coordinate_to_cell_key((i, 0)).row_key.value) for i in range(table.row_count)]


def app_for(tmp_path: Path) -> tuple[CoachApp, dict[str, str]]:
    data = tmp_path / "data"
    ids = seed(data)
    return make_app(tmp_path, data_dir=data), ids


async def test_the_table_lists_every_session_newest_first(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        order = ["other", "pending", "strong", "abandoned", "middling", "weak"]
        assert rows(screen) == [ids[name] for name in order]
        text = screen_text(app)
        assert "6 sessions · sorted by Started ▼" in text
        for name in order:
            assert ids[name] in text
        assert "unfinished" in text and "abandoned" in text
        assert screen.query_one("#sessions", DataTable).has_focus


async def test_titles_are_shown_as_text_never_as_markup_or_escapes(tmp_path: Path) -> None:
    app, _ = app_for(tmp_path)
    async with app.run_test(size=(160, 32)) as pilot:
        await open_history(pilot)
        text = screen_text(app)
        assert "Other [bold]markup[/]" in text
        assert "\x1b" not in text


async def test_the_filter_narrows_rows_and_trends(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        await pilot.press("slash")
        assert screen.query_one("#filter", Input).has_focus
        await pilot.press(*"engine fin")
        await pilot.pause(FILTER_PAUSE * 3)  # applied once typing pauses
        assert rows(screen) == [ids["strong"], ids["middling"], ids["weak"]]
        assert "3 match the filter" in screen_text(app)
        assert [t.scenario for t in screen.trends or []] == ["engine-branching"]
        await pilot.press("escape")  # leaves the filter, keeps the screen
        assert isinstance(app.screen, HistoryScreen)
        assert screen.query_one("#sessions", DataTable).has_focus
        await pilot.press("slash", "ctrl+a", "backspace", *"nothing-like-this", "enter")
        await pilot.pause()
        assert rows(screen) == []
        assert screen.query_one("#sessions", DataTable).has_focus
        await pilot.press("escape")
        assert not isinstance(app.screen, HistoryScreen)


async def test_sorting_by_key_header_and_order(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        await pilot.press("s")  # next column: score, highest first
        await pilot.pause()
        scores = [screen._by_id[i].overall for i in rows(screen)]
        assert scores == sorted(scores, reverse=True) and scores[0] == 99
        assert "sorted by Score ▼" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert [screen._by_id[i].overall for i in rows(screen)] == sorted(scores)
        # Clicking a column header sorts by it; clicking again reverses.
        table = screen.query_one("#sessions", DataTable)
        x = 0
        for column in table.ordered_columns:
            if column.key.value == "status":
                break
            x += column.get_render_width(table)
        await pilot.click("#sessions", offset=(x + 2, 0))
        await pilot.pause()
        statuses = [screen._by_id[i].status for i in rows(screen)]
        assert statuses == sorted(statuses)
        assert screen.sort_column == "status" and not screen.descending
        await pilot.click("#sessions", offset=(x + 2, 0))
        await pilot.pause()
        assert [screen._by_id[i].status for i in rows(screen)] == sorted(statuses, reverse=True)
        assert ids["pending"] in rows(screen)


async def test_a_trend_per_scenario_from_finished_sessions(tmp_path: Path) -> None:
    app, _ = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        trends = {t.scenario: t for t in screen.trends or []}
        assert list(trends) == ["not-installed", "engine-branching"]  # most recent first
        assert trends["engine-branching"].trend == [55, 70, 90]  # oldest first
        lines = str(screen.query_one("#trends", Static).render()).splitlines()
        engine = next(line for line in lines if line.startswith("Engine branching fixture"))
        # One bar per finished session on the absolute 0-100 scale: 55, 70, 90.
        assert f"{sparkline([55, 70, 90]).plain}  last 90  best 90  5 attempts" in engine
        assert sparkline([55, 70, 90]).plain == "▅▆▇"


def test_the_sparkline_uses_the_absolute_score_scale() -> None:
    assert sparkline([0, 50, 100]).plain == "▁▅█"
    assert sparkline([80, 82]).plain == "▇▇"  # a small step looks small
    assert sparkline([]).plain == "·"


async def test_mark_two_and_compare_them(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#sessions", DataTable)
        table.move_cursor(row=rows(screen).index(ids["strong"]))
        await pilot.press("space")
        table.move_cursor(row=rows(screen).index(ids["weak"]))
        await pilot.press("space")
        assert screen.marked == [ids["strong"], ids["weak"]]
        assert f"marked: {ids['strong']}, {ids['weak']}" in screen_text(app)
        assert f"{ids['strong']} ●" in screen_text(
            app
        ) and f"{ids['middling']} ●" not in screen_text(app)
        await pilot.press("c")
        await pilot.pause()
        compare = app.screen
        assert isinstance(compare, CompareScreen)
        assert compare.ids == (ids["weak"], ids["strong"])  # earlier attempt first
        text = screen_text(app)
        assert "Overall 55 → 90" in text and "+35" in text
        flags = str(compare.query_one("#compare-flag-lines", Static).render())
        assert "Gone  vague quantity, vague time ×2" in flags
        assert "New   hedging" in flags
        pairs = [str(s.render()) for s in compare.query(".compare-pair Static")]
        assert any("<script>" in p for p in pairs)  # the weak answer, as text
        assert any("Checkout failed for 1,200 customers" in p for p in pairs)
        # Each answer is the Debrief's block: its elements, flags and suggestions too.
        assert any("⚑ hedging" in p and "✓ impact, mitigation" in p for p in pairs)
        await pilot.press("escape")
        assert app.screen is screen


async def test_compare_needs_two_marks_of_one_scenario(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    messages: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await open_history(pilot)
        await pilot.press("c")
        await pilot.pause()
        assert any("Mark two sessions" in n for n in notices(messages))
        await pilot.press("space", "down", "space", "down", "space")  # a third mark drops the first
        assert screen.marked == [ids["pending"], ids["strong"]]
        await pilot.press("up", "up", "space")  # unmark "other"? it was dropped; marks it again
        assert screen.marked == [ids["strong"], ids["other"]]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert any("different scenarios" in n for n in notices(messages))


async def test_enter_opens_a_finished_session_as_its_debrief(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#sessions", DataTable)
        table.move_cursor(row=rows(screen).index(ids["strong"]))
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        assert app.screen.session_id == ids["strong"]
        assert "Overall" in screen_text(app)
        # Back in History, the table is read again (another process may have saved).
        with SessionStore.open(tmp_path / "data") as store:
            newer = store.create(transcript(started=BASE + timedelta(days=9)))
        app.pop_screen()
        await pilot.pause()
        assert app.screen is screen
        assert rows(screen)[0] == newer


async def test_a_session_of_an_uninstalled_scenario_says_how_to_read_it(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    messages: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await open_history(pilot)
        assert rows(screen)[0] == ids["other"]
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, HistoryScreen)
        assert any(f"coach show {ids['other']}" in n for n in notices(messages))


async def test_resume_refuses_a_finished_session(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    messages: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await open_history(pilot)
        screen.query_one("#sessions", DataTable).move_cursor(row=rows(screen).index(ids["strong"]))
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        assert any("only unfinished sessions resume" in n for n in notices(messages))


async def test_export_writes_markdown_html_and_json(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    messages: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await open_history(pilot)
        screen.query_one("#sessions", DataTable).move_cursor(row=rows(screen).index(ids["weak"]))
        await pilot.press("e")
        await pilot.pause()
        await screen.action_export("html")
        await screen.action_export("json")
        await pilot.pause()
        exports = tmp_path / "data" / "exports"
        names = sorted(p.name for p in exports.iterdir())
        assert names == [f"engine-branching-{ids['weak']}.{s}" for s in ("html", "json", "md")]
        page = (exports / f"engine-branching-{ids['weak']}.html").read_text()
        assert "<script" not in page and "Model answer" in page  # the fixture scenario is installed
        assert sum(n.startswith("Exported") for n in notices(messages)) == 3


async def test_many_sessions_fill_the_table_a_chunk_at_a_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    text = "Some users, soon."
    total = CHUNK + 5
    with SessionStore.open(data) as store:
        for i in range(total):
            store.create(
                transcript(
                    started=BASE + timedelta(minutes=i),
                    answers=[(text, answer_result(text, expects=[]))],
                    overall=99 if i == 0 else (i * 37) % 97,  # the best is the oldest
                )
            )
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert len(rows(screen)) == CHUNK
        assert f"{total:,} sessions" in screen_text(app)
        status = str(screen.query_one("#history-status", Static).render())
        assert f"showing {CHUNK} (↓ for more)" in status, status
        assert not screen.all_loaded.is_set()  # only the newest were read so far
        table = screen.query_one("#sessions", DataTable)
        table.move_cursor(row=CHUNK - 2)  # near the end: the rest is read and added
        await pilot.pause()
        assert len(rows(screen)) == total
        assert "for more" not in screen_text(app)
        await pilot.press("s")  # sorting covers every session, not only those shown
        await pilot.pause()
        assert screen._by_id[rows(screen)[0]].overall == 99


async def test_readable_at_80x24_and_survives_a_tiny_terminal(tmp_path: Path) -> None:
    app, ids = app_for(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        text = screen_text(app)
        assert ids["other"] in text and "Started" in text and "Score" in text
        assert "Role" not in text.splitlines()[8]  # the narrow table drops Role
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert "Role" in screen_text(app)
        assert len(rows(screen)) == 6


async def test_an_empty_history_says_how_to_start(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert rows(screen) == []
        assert "No stored sessions yet" in screen_text(app)
        await pilot.press("enter", "space", "e", "r")  # nothing to act on: nothing happens
        assert app.screen is screen


def played(data: Path, answers: list[str]) -> str:
    """A session of the fixture played by the engine and left unfinished, as the app saves it."""
    from engine_fakes import load_fixture
    from tui_support import demo_score, ticking_clock

    from coach.engine.session import Session

    session = Session.new(load_fixture("branching.yaml"), clock=ticking_clock(), scorer=demo_score)
    session.begin()
    for text in answers:
        session.answer(text)
    with SessionStore.open(data) as store:
        return store.create(session.transcript)


async def test_resume_continues_an_unfinished_session_at_its_question(tmp_path: Path) -> None:
    from coach.tui.screens.rehearsal import RehearsalScreen

    data = tmp_path / "data"
    session_id = played(data, ["impact mitigation"])  # now at q2
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(pilot)
        assert rows(screen) == [session_id]
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        rehearsal = app.screen
        assert isinstance(rehearsal, RehearsalScreen)
        assert rehearsal.session.transcript.node == "q2"
        assert [t.text for t in rehearsal.session.transcript.user_turns] == ["impact mitigation"]
        assert "When is it fixed" in screen_text(app)


async def test_enter_on_an_unfinished_session_resumes_it(tmp_path: Path) -> None:
    from coach.tui.screens.rehearsal import RehearsalScreen

    data = tmp_path / "data"
    played(data, ["mitigation only"])  # no figure: the CEO asks q1 again
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RehearsalScreen)
        assert app.screen.session.transcript.node == "q1"
