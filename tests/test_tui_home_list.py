"""Home's scenario list as a user reads it: every row is followed by a blank line,
whether the next row is of the same role or not, and whatever the width (a
scrollbar appearing must not leave rows measured for the wider list)."""

from __future__ import annotations

from pathlib import Path

import pytest
from engine_fakes import load_fixture
from test_tui_screens import settle
from textual.widgets import OptionList
from tui_support import make_app

from coach.tui.services import Catalog

TITLES = (
    "Payments stalled for an hour after a database failover went wrong",
    "Nightly billing export silently skipped a whole region's invoices",
    "Mobile login broken for everyone on the newest app version",
    "Search results leaked private documents to other workspaces",
)
#: How each title's row begins, at any width.
STARTS = tuple(title[:20] for title in TITLES)
SUMMARY = (
    "A configuration error in the 11:02 deployment stopped 91% of orders for 46 minutes "
    "at the lunchtime peak, so the CEO wants the figures, the timeline and the fix."
)


def same_role_catalog() -> Catalog:
    """Four scenarios of one role with long titles and summaries (the list scrolls)."""
    base = load_fixture("branching.yaml")
    return Catalog(
        scenarios=[
            base.model_copy(update={"id": f"same-role-{n}", "title": title, "summary": SUMMARY})
            for n, title in enumerate(TITLES, 1)
        ]
    )


def visible_lines(options: OptionList) -> list[str]:
    return [options.render_line(y).text.rstrip() for y in range(options.size.height)]


#: 102 and 105 columns wrap these summaries one line longer once the list's
#: scrollbar narrows it: the sizes where a row measured too early loses its blank line.
SIZES = [(80, 24), (102, 30), (105, 30), (200, 60)]


@pytest.mark.parametrize("size", SIZES)
async def test_rows_of_one_role_are_kept_apart_by_a_blank_line(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(tmp_path, catalog=same_role_catalog())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#scenarios", OptionList)
        lines = visible_lines(options)
        starts = [i for i, line in enumerate(lines) if line.startswith(STARTS)]
        assert len(starts) >= 2, lines
        for start in starts[1:]:
            assert lines[start - 1] == "", lines  # the row above ends with a blank line
        # The teaser is a whole line of its own, never overwritten by the next row.
        teasers = [line for line in lines if line.startswith("A configuration error")]
        assert len(teasers) >= len(starts) - 1, lines


#: Textual's own light theme sets its accent text (our headings) at 2.7:1 on the
#: list; the unreadable lines this guards against were at 1.2 to 2.0.
MIN_CONTRAST = 2.5


def contrast(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> float:
    """The WCAG contrast ratio of two colours."""

    def luminance(rgb: tuple[int, int, int]) -> float:
        def channel(c: int) -> float:
            v = c / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        r, g, b = (channel(c) for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_every_line_of_the_list_is_readable_in_both_themes(
    tmp_path: Path, theme: str
) -> None:
    """Headings, the highlighted row and the others: text against its own background."""
    app = make_app(tmp_path, catalog=same_role_catalog())
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = theme
        await settle(pilot)
        options = app.screen.query_one("#scenarios", OptionList)
        poor = []
        for y in range(options.size.height):
            for segment in options.render_line(y):
                style = segment.style
                text = segment.text.strip()
                if not text or style is None or style.color is None or style.bgcolor is None:
                    continue
                if style.dim:  # the teaser is dim on purpose; it is not what is read first
                    continue
                fg = style.color.get_truecolor()
                bg = style.bgcolor.get_truecolor()
                ratio = contrast((fg.red, fg.green, fg.blue), (bg.red, bg.green, bg.blue))
                if ratio < MIN_CONTRAST:
                    poor.append(f"{text!r}: {ratio:.1f}")
        assert not poor, poor
