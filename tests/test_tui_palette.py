"""The command palette offers the main actions: resuming an unfinished session,
and every export format from the Debrief."""

from __future__ import annotations

import json
from pathlib import Path

from test_tui_screens import FIXTURE_ID, play_to_debrief, settle, stored_session
from tui_support import make_app

from coach.tui.screens.home import HomeScreen
from coach.tui.screens.rehearsal import RehearsalScreen


async def test_the_palette_resumes_an_unfinished_session(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = stored_session(data, ["impact mitigation"], finish=False)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+p", *"Resume: Engine")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        assert screen.session_id == session_id
        assert len(screen.session.transcript.user_turns) == 1
        assert screen.session.awaiting_answer


async def test_the_debrief_palette_exports_json(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await play_to_debrief(pilot, ["impact mitigation", "timeline next_update"])
        await pilot.press("ctrl+p", *"Export as JSON")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        exported = list((tmp_path / "data" / "exports").glob("*.json"))
        assert len(exported) == 1 and screen.session_id in exported[0].name
        data = json.loads(exported[0].read_text(encoding="utf-8"))
        assert data["format"] == "coach-session"
