"""Helpers for the TUI tests: a deterministic app on the engine fixture scenario.

``demo_score`` is :func:`engine_fakes.fake_score` with what the Debrief shows:
evidence spans for each element word, flags with a message and a suggestion, and
per-dimension scores (which the real ``session_scores`` averages).
Clocks are fixed so timers and timestamps (and so snapshots) never move.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from engine_fakes import FIXTURES, fake_score, load_fixture
from textual.message import Message
from textual.widgets import Input, TextArea

from coach.scoring.result import AnswerResult, ElementResult, Flag, Span
from coach.tui.app import CoachApp
from coach.tui.config import AppConfig
from coach.tui.services import Catalog

#: 2023-11-14 22:13:20 UTC: every session in the tests starts here.
EPOCH = 1_700_000_000.0

#: Which score dimension each element feeds (the real scorer's mapping, simplified).
ELEMENT_DIMENSION = {
    "impact": "impact",
    "timeline": "timeline",
    "mitigation": "mitigation",
    "root_cause": "root_cause",
    "next_update": "next_steps",
    "prevention": "next_steps",
}
FLAG_ADVICE = {
    "blame": ("Blame and deflection", "Say what you own and what you are doing about it."),
    "hedging": ("Stacked hedges", "State what you know; say when you will know the rest."),
}


def ticking_clock(step: float = 7.0, start: float = EPOCH) -> Callable[[], float]:
    counter = itertools.count()
    return lambda: start + step * next(counter)


class ManualClock:
    """A clock the test moves by hand (the answer timer reads it)."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def demo_score(
    text: str,
    *,
    expects: Sequence[str] = (),
    budget: int | None = None,
    glossary: Mapping[str, str] | None = None,
    jargon: Sequence[str] = (),
    plain: Sequence[str] = (),
    role: str | None = None,
    earlier: Sequence[AnswerResult] = (),
) -> AnswerResult:
    base = fake_score(text, expects=expects, budget=budget)
    lower = text.lower()
    elements: dict[str, ElementResult] = {}
    for name, element in base.elements.items():
        start = lower.find(name)
        spans = [Span(start=start, end=start + len(name), text=text[start : start + len(name)])]
        elements[name] = (
            ElementResult(present=True, evidence=[name], spans=spans)
            if element.present and start >= 0
            else element
        )
    flags = []
    for flag in base.flags:
        start = lower.find(flag.code)
        message, suggestion = FLAG_ADVICE.get(flag.code, (flag.code, ""))
        flags.append(
            Flag(
                code=flag.code,
                message=message,
                start=start,
                end=start + len(flag.code),
                suggestion=suggestion,
                evidence=text[start : start + len(flag.code)],
            )
        )
    dimensions: dict[str, int] = {}
    for name in expects:
        dimension = ELEMENT_DIMENSION.get(name)
        if dimension is not None:
            present = 100 if elements[name].present else 0
            dimensions[dimension] = min(dimensions.get(dimension, 100), present)
    codes = {f.code for f in flags}
    dimensions["clarity"] = max(0, 100 - 25 * len(codes - {"blame"}))
    dimensions["ownership"] = 40 if "blame" in codes else 100
    return base.model_copy(update={"elements": elements, "flags": flags, "dimensions": dimensions})


def scenario_dir(tmp_path: Path) -> Path:
    """A scenario directory holding only the engine fixture scenario."""
    directory = tmp_path / "scenarios"
    directory.mkdir(exist_ok=True)
    shutil.copy(FIXTURES / "engine" / "branching.yaml", directory / "branching.yaml")
    return directory


def fixture_catalog() -> Catalog:
    return Catalog(scenarios=[load_fixture("branching.yaml")])


def make_app(
    tmp_path: Path,
    *,
    store: bool = True,
    catalog: Catalog | None = None,
    start: str | None = None,
    typing_delay: float = 0.0,
    live_hints: bool = False,
    clock: Callable[[], float] | None = None,
    scenario_dirs: list[str] | None = None,
    data_dir: Path | None = None,
    real: bool = False,
) -> CoachApp:
    """An app on the fixture scenario with the demo scorer and fixed clocks.

    ``catalog`` defaults to the fixture alone (no disk scan); ``start`` opens
    straight at that scenario's Prep screen, as ``coach rehearse ID`` does.
    ``real`` uses the shipped scenarios and the real scorer instead.
    """
    config = AppConfig(
        scenario_dirs=scenario_dirs or [],
        data_dir=str(data_dir or tmp_path / "data"),
        typing_delay=typing_delay,
        keys_guard=0.0,
        live_hints=live_hints,
        use_store=store,
        clock=clock or ManualClock(),
        session_clock=ticking_clock(),
        scorer=None if real else demo_score,
    )
    app = CoachApp(config)
    if not real:
        app.catalog = catalog if catalog is not None or scenario_dirs else fixture_catalog()
    if start is not None:
        scenario = app.catalog.get(start) if app.catalog else None
        app.start_scenario = scenario or load_fixture("branching.yaml")
    return app


def freeze_cursors(app: CoachApp) -> None:
    """Stop the cursor blinking so a snapshot does not depend on when it is taken."""
    for widget in app.screen.query("*"):
        if isinstance(widget, TextArea | Input):
            widget.cursor_blink = False


def notices(messages: list[Message]) -> list[str]:
    """The text of every notification posted while the app ran."""
    out = []
    for message in messages:
        notification: Any = getattr(message, "notification", None)
        if type(message).__name__ == "Notify" and notification is not None:
            out.append(f"{notification.title or ''}: {notification.message}")
    return out


def screen_text(app: CoachApp) -> str:
    """Everything on the screen now, as plain text (what a user would read)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)
