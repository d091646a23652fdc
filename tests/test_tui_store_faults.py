"""Pilot tests for store faults seen from the app: a damaged database is named,
never overwritten, and offered to be moved aside; an unusable store is reported
on every way into the app; a read-only data directory still lets the session in
memory be exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_samples import transcript
from test_tui_screens import play_to_debrief
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Button, Static
from tui_support import make_app, notices

from coach.errors import CoachError
from coach.store import SessionStore, StoreError
from coach.tui import services
from coach.tui.screens.corrupt import CorruptStoreScreen
from coach.tui.screens.help import HelpScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.prep import PrepScreen
from coach.tui.screens.rehearsal import RehearsalScreen

SIZE = (100, 30)
FIXTURE_ID = "engine-branching"
#: Not a SQLite file: what a disk fault or a stray copy leaves behind.
GARBAGE = b"this is not a database\x00" * 300


def corrupt_store(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "sessions.db"
    path.write_bytes(GARBAGE)
    return path


async def settle(pilot: Pilot[None]) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_corrupt_database_is_named_and_offered_to_be_moved_aside(tmp_path: Path) -> None:
    path = corrupt_store(tmp_path)
    messages: list[Message] = []
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CorruptStoreScreen)
        text = str(screen.query_one("#corrupt-text", Static).render())
        assert str(path) in text and "not a readable" in text and ".corrupt-<timestamp>" in text
        assert app.focused is screen.query_one("#move-aside", Button)
        assert path.read_bytes() == GARBAGE  # asking never touches the file
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        moved = [p for p in path.parent.iterdir() if p.name.startswith("sessions.db.corrupt-")]
        assert len(moved) == 1 and moved[0].read_bytes() == GARBAGE
        assert app.store.available and app.store.problem is None
        fresh = notices(messages)[-1]
        assert fresh.startswith("Fresh history") and str(moved[0]) in fresh
    # The fresh database is a healthy, empty store.
    with SessionStore.open(path.parent) as store:
        assert store.list() == [] and store.check() == []


async def test_continuing_without_history_leaves_the_file_and_still_rehearses(
    tmp_path: Path,
) -> None:
    path = corrupt_store(tmp_path)
    messages: list[Message] = []
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CorruptStoreScreen)  # over `coach rehearse ID` too
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen)
        off = [n for n in notices(messages) if n.startswith("History is off")]
        assert off and str(path) in off[0] and "not saved" in off[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen)
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        assert len(app.screen.session.transcript.user_turns) == 1
        # History offers the move again instead of a dead end.
        await pilot.press("ctrl+p")
        await pilot.press(*"History")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CorruptStoreScreen)
        await pilot.click("#continue")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen)
    assert path.read_bytes() == GARBAGE
    assert [p.name for p in path.parent.iterdir()] == ["sessions.db"]


async def test_a_file_that_cannot_be_moved_says_so_and_keeps_the_app_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = corrupt_store(tmp_path)
    messages: list[Message] = []
    app = make_app(tmp_path)

    def refuse(_path: object) -> Path:
        raise StoreError(f"cannot move {path} aside: Permission denied; move or rename it by hand")

    monkeypatch.setattr(SessionStore, "move_aside", staticmethod(refuse))
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        failed = [n for n in notices(messages) if n.startswith("Could not move it")]
        assert failed and "move or rename it by hand" in failed[0]
        assert not app.store.available
    assert path.read_bytes() == GARBAGE


async def test_an_unusable_store_is_reported_when_the_app_opens_at_prep(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x", encoding="utf-8")
    messages: list[Message] = []
    app = make_app(tmp_path, data_dir=not_a_dir, start=FIXTURE_ID)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen)
        off = [n for n in notices(messages) if n.startswith("History is off")]
        assert len(off) == 1 and str(not_a_dir) in off[0], notices(messages)


async def test_help_lists_the_damaged_database_keys(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        assert "Damaged session database" in text
        assert "Move the damaged database aside" in text


async def test_with_an_unwritable_data_dir_the_debrief_still_exports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store cannot open and exports/ cannot be made (the data dir is a file, a
    fault even root meets): the session in memory goes to the current directory."""
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x", encoding="utf-8")
    here = tmp_path / "cwd"
    here.mkdir()
    monkeypatch.chdir(here)
    messages: list[Message] = []
    app = make_app(tmp_path, data_dir=not_a_dir, start=FIXTURE_ID)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await play_to_debrief(pilot, ["impact mitigation", "timeline next_update"])
        assert screen.session_id is None  # never saved
        await pilot.press("e")
        exported = list(here.glob("engine-branching-*.md"))
        assert len(exported) == 1
        assert "impact mitigation" in exported[0].read_text(encoding="utf-8")
        notice = [n for n in notices(messages) if n.startswith("Exported")][-1]
        assert str(exported[0]) in notice
        assert f"cannot write {not_a_dir / 'exports'}" in notice and "so it went here" in notice
    assert not_a_dir.read_text(encoding="utf-8") == "x"


def test_an_export_nowhere_writable_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setattr(services, "export_dirs", lambda _data_dir: [blocker / "a", blocker / "b"])
    with pytest.raises(CoachError) as caught:
        services.export_session(None, transcript(), None, "abc123")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"cannot write {blocker / 'a' / 'engine-branching-abc123.md'}")
    assert "--data-dir" in message


def test_an_imported_scenario_id_cannot_steer_the_export_out_of_its_directory(
    tmp_path: Path,
) -> None:
    hostile = transcript().model_copy(update={"scenario_id": "../../../escaped\x1b[31m/x"})
    exported = services.export_session(str(tmp_path / "data"), hostile, None, "../id")
    assert exported.note is None
    assert exported.path.parent == tmp_path / "data" / "exports"
    assert exported.path.name == "escaped-31m-x-id.md"
    assert [p.name for p in tmp_path.iterdir()] == ["data"]
