"""A short terminal (40x12) mid-rehearsal still shows the CEO's latest line
above the answer box: the box and the gaps shrink instead of the conversation,
and the conversation stays scrolled to its end when the terminal is resized."""

from __future__ import annotations

from pathlib import Path

from test_tui_screens import FIXTURE_ID, settle, start_rehearsal
from tui_support import make_app, screen_text


async def test_the_latest_line_stays_in_view_when_shrunk_to_40x12(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_rehearsal(pilot)
        await pilot.press(*"it was the blame of the vendor, " * 3, "enter")
        await settle(pilot)
        assert "I don't need a culprit" in screen_text(app)
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "I don't need a culprit" in text and "a plan." in text, text
        assert screen.query_one("#answer").region.height >= 3  # still a usable box
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert screen.query_one("#answer").region.height == 6
        assert "a plan." in screen_text(app)
