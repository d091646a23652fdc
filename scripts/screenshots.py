#!/usr/bin/env python3
"""Regenerate the README's screenshots: the Rehearsal and Debrief screens as SVG.

The app runs headless on a shipped scenario with the real scorer; the first
answer is a weak one (so the CEO pushes back), the rest come from the
scenario's strong answer set. Each screen is saved with Textual's own
``App.export_screenshot``. Clocks are fixed, so the files only change when the
app, the scenario or the scorer does.

    python scripts/screenshots.py            # writes docs/screenshots/*.svg
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCENARIO = "fullstack-checkout-release"
SIZE = (110, 34)
#: The first answer: vague and hedged, so the CEO's follow-up is on screen.
WEAK_OPENING = (
    "So basically, after the release some users are kind of having trouble with checkout, "
    "I think, we're still looking into it."
)
#: How much of the next answer is "being typed" in the Rehearsal picture.
DRAFT_WORDS = 26
#: 2023-11-14 22:13:20 UTC, so timestamps in the pictures never move.
EPOCH = 1_700_000_000.0


def _answers() -> list[str]:
    path = ROOT / "tests" / "data" / "playthroughs" / f"{SCENARIO}.strong.yaml"
    answers: list[str] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [" ".join(a.split()) for a in answers]


async def shoot(out: Path) -> list[Path]:
    from textual.widgets import TextArea

    from coach.scenario.library import load_scenario
    from coach.tui.app import CoachApp
    from coach.tui.config import AppConfig
    from coach.tui.screens.debrief import DebriefScreen
    from coach.tui.screens.rehearsal import RehearsalScreen

    ticks = itertools.count()
    config = AppConfig(
        typing_delay=0,
        use_store=False,
        live_hints=True,
        clock=lambda: 42.0,
        session_clock=lambda: EPOCH + 23.0 * next(ticks),
    )
    app = CoachApp(config)
    app.start_scenario = load_scenario(SCENARIO)
    answers = _answers()
    written: list[Path] = []

    async def settle() -> None:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    def save(name: str) -> None:
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        path = out / f"{name}.svg"
        path.write_text(app.export_screenshot(title=f"coach — {name}"), encoding="utf-8")
        written.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")  # Prep: Start has focus
        await settle()
        assert isinstance(app.screen, RehearsalScreen)
        app.screen.query_one("#answer", TextArea).insert(WEAK_OPENING)
        await pilot.press("enter")
        await settle()
        # A strong draft half typed, with live hints showing what it covers.
        draft = " ".join(answers[0].split()[:DRAFT_WORDS])
        app.screen.query_one("#answer", TextArea).insert(draft)
        await pilot.pause(0.4)
        await settle()
        save("rehearsal")
        app.screen.query_one("#answer", TextArea).clear()
        for answer in answers:
            if isinstance(app.screen, DebriefScreen):
                break
            app.screen.query_one("#answer", TextArea).insert(answer)
            await pilot.press("enter")
            await settle()
        if not isinstance(app.screen, DebriefScreen):
            print("note: the answers ran out before an ending; ending the meeting early")
            await pilot.press("ctrl+g")
            await settle()
        save("debrief")
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(shoot(args.out)):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
