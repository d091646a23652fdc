"""The History table uses the terminal's width: whole titles at 200 columns, no
sideways scrolling at 80, and it follows the terminal when it is resized."""

from __future__ import annotations

from pathlib import Path

from store_samples import transcript
from test_tui_history import open_history
from textual.widgets import DataTable
from tui_support import make_app, screen_text

from coach.store import SessionStore

TITLE = "Payments stalled for an hour after a database failover went wrong"


def seeded(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with SessionStore.open(data) as store:
        store.create(transcript(title=TITLE))
    return data


def fits(table: DataTable[object]) -> bool:
    return table.virtual_size.width <= table.scrollable_content_region.width


async def test_a_wide_terminal_shows_whole_titles_and_a_narrow_one_fits(tmp_path: Path) -> None:
    app = make_app(tmp_path, data_dir=seeded(tmp_path))
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#sessions", DataTable)
        assert TITLE in screen_text(app) and fits(table)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert TITLE not in screen_text(app) and TITLE[:18] in screen_text(app)
        assert fits(table)
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert "Role" in screen_text(app) and fits(table)
        await pilot.resize_terminal(200, 60)
        await pilot.pause()
        assert TITLE in screen_text(app)


async def test_compare_explains_its_highlights(tmp_path: Path) -> None:
    from test_tui_history import app_for

    app, ids = app_for(tmp_path)
    async with app.run_test(size=(110, 32)) as pilot:
        screen = await open_history(pilot)
        table = screen.query_one("#sessions", DataTable)
        for key in (ids["strong"], ids["weak"]):
            table.move_cursor(row=table.get_row_index(key))
            await pilot.press("space")
        await pilot.press("c")
        await pilot.pause()
        assert "Highlighted: figures · timeline · mitigation" in screen_text(app)
