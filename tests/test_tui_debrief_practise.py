"""The Debrief's "practise next" with the real scorer: a flag's item has a short
title, and its quote of a very long answer is cut, not pasted whole."""

from __future__ import annotations

from pathlib import Path

from test_tui_screens import settle
from textual.widgets import Static
from tui_support import make_app

from coach.tui.screens.debrief import EVIDENCE_QUOTE_CHARS, DebriefScreen, _quote
from coach.tui.screens.prep import PrepScreen
from coach.tui.screens.rehearsal import RehearsalScreen
from coach.tui.widgets import AnswerBox

#: About 9,000 words: far over any answer budget, as a pasted document would be.
LONG = "About 3,100 orders failed and we rolled back at 11:51 to release 7.3. " * 600


def test_a_quote_is_cut_on_a_word() -> None:
    quoted = _quote(LONG)
    assert quoted.endswith(" …") and len(quoted) <= EVIDENCE_QUOTE_CHARS + 2
    assert LONG.startswith(quoted.removesuffix(" …"))
    assert _quote("short\nanswer") == "short answer"


async def test_a_pasted_document_gets_a_titled_item_and_a_short_quote(tmp_path: Path) -> None:
    app = make_app(tmp_path, real=True)
    await app.load_catalog()
    assert app.catalog is not None
    app.start_scenario = app.catalog.get("architect-order-outage")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen)
        app.screen.query_one("#answer", AnswerBox).insert(LONG)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        practise = str(screen.query_one("#practise-text", Static).render())
    assert "Say it in fewer words" in practise
    assert "words (about" in practise  # the flag's own message is the detail
    assert len(practise) < 3_000, len(practise)
