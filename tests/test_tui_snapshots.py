"""Snapshots of Home, Prep, Rehearsal mid-conversation and the Debrief.

Everything that could move is fixed: the catalog is built here, the clocks are
frozen, the scorer is the demo scorer, and the cursor does not blink. Each SVG
in ``__snapshots__`` was looked at before it was accepted; update one only after
looking at the new one (``pytest --snapshot-update``, then open the SVG).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_fakes import load_fixture
from test_tui_screens import settle, stored_session
from textual.pilot import Pilot
from tui_support import freeze_cursors, make_app

from coach.tui.services import Catalog
from coach.tui.widgets import AnswerBox

SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times are shown in local time; the snapshots are taken in UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def showcase_catalog() -> Catalog:
    """The fixture and two variants of it, so Home shows several roles."""
    base = load_fixture("branching.yaml")
    security = base.model_copy(
        update={
            "id": "security-public-bucket",
            "title": "Customer records left open to the internet",
            "role": "security",
            "difficulty": "hard",
            "summary": "A storage bucket was public for 43 hours. Brief a CEO who was a lawyer.",
        }
    )
    data = base.model_copy(
        update={
            "id": "data-double-billing",
            "title": "March invoices overcharged by a double count",
            "role": "data",
            "difficulty": "medium",
            "summary": "1,870 customers were billed twice for six days of usage.",
        }
    )
    return Catalog(scenarios=[data, base, security])


def test_home(snap_compare: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    stored_session(data, ["impact mitigation", "timeline next_update"], day=0)
    stored_session(data, ["blame", "impact", "mitigation", "timeline"], day=1)
    stored_session(data, ["blame them"], finish=False, day=2)
    app = make_app(tmp_path, data_dir=data, catalog=showcase_catalog())

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("down", "down")  # onto the first scenario, past the resume row
        freeze_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_prep(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False, start="engine-branching")

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.pause()
        freeze_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_rehearsal_mid_conversation(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, start="engine-branching", live_hints=True)

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"It was blame on the vendor, honestly", "enter")
        await settle(pilot)
        draft = "The impact is 1,200 customers who could not pay"
        app.screen.query_one("#answer", AnswerBox).insert(draft)
        await pilot.pause(0.3)
        await settle(pilot)
        freeze_cursors(app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def _play_debrief(pilot: Pilot[None]) -> None:
    await pilot.press("enter")
    await settle(pilot)
    for answer in (
        "The vendor pushed the config, so the blame is theirs",
        "The impact is 1,200 customers and our mitigation was a rollback at 14:05",
        "The timeline is a fix by 18:00 and a next_update at 16:00",
    ):
        await pilot.press(*answer, "enter")
        await settle(pilot)
    freeze_cursors(pilot.app)  # type: ignore[arg-type]


def test_debrief(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, start="engine-branching")
    assert snap_compare(app, terminal_size=SIZE, run_before=_play_debrief)


def test_debrief_light_theme_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app = make_app(tmp_path, start="engine-branching")

    async def run_before(pilot: Pilot[None]) -> None:
        await pilot.press("ctrl+t")
        await _play_debrief(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
