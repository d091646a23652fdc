"""The brief picker reads in both themes: every row's text, highlighted or not,
stands out from its background by at least WCAG's 3:1 (the level for bold text
and controls; Textual's own highlight bar in the dark theme is 3.8:1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color as RichColor
from test_tui_brief import PAYMENTS
from test_tui_screens import settle
from textual.color import Color
from textual.widgets import OptionList
from tui_support import make_app

from coach.brief.store import BriefStore
from coach.tui.screens.brief import BriefPickerScreen

MIN_CONTRAST = 3.0


def luminance(color: RichColor) -> float:
    """WCAG relative luminance."""

    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    c = Color.from_rich_color(color)
    return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)


def contrast(a: RichColor, b: RichColor) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_picker_row_is_readable_highlighted_or_not(tmp_path: Path, theme: str) -> None:
    store = BriefStore(tmp_path / "data")
    store.save_text("broken", "impact:\n  - {value: 3, unit: usrs}\n")
    store.save_text(
        "payments",
        PAYMENTS.read_text(encoding="utf-8").replace("role: architect", "role: general"),
    )
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 16)) as pilot:
        await settle(pilot)
        app.theme = theme
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BriefPickerScreen)
        options = app.screen.query_one("#briefs", OptionList)
        seen: set[str] = set()
        for highlighted in range(options.option_count):
            options.highlighted = highlighted
            await pilot.pause()
            for y in range(options.size.height):
                for segment in options.render_line(y):
                    style, text = segment.style, segment.text.strip()
                    # Dim text (a brief's one-line summary) is secondary on purpose.
                    if not text or style is None or style.dim:
                        continue
                    assert style.color is not None and style.bgcolor is not None
                    ratio = contrast(style.color, style.bgcolor)
                    assert ratio >= MIN_CONTRAST, (theme, highlighted, text, round(ratio, 2))
                    seen.add(text)
        assert {"+ New brief…", "has errors", "ready 100%"} <= seen
