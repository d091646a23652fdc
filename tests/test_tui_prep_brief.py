"""Prep with a brief shows every fact the meeting asks for (what you need, when
you will know the cause), and why the scenario was chosen when the brief's role
has none: a line under the heading that stays, not only a toast; ``coach run
--brief --json`` carries the same notice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_tui_screens import settle
from textual.widgets import Static
from tui_support import make_app, screen_text

from coach.brief.loader import load_brief, load_brief_text
from coach.brief.store import BriefStore
from coach.cli import main
from coach.tui.screens.brief import brief_content
from coach.tui.screens.prep import PrepScreen

SIZE = (110, 40)
PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"
ANSWER = "About 2,300 users could not pay; we moved traffic to the backup gateway."


def marketing_brief() -> str:
    return PAYMENTS.read_text(encoding="utf-8").replace("role: architect", "role: marketing")


def test_prep_shows_what_you_need_and_when_you_will_know_the_cause() -> None:
    text = str(brief_content("payments", load_brief(PAYMENTS)))
    assert "What you need\ntwo engineers from the platform team until 18:00" in text
    assert "When you'll know the cause\n15:00 today" in text
    # In the order the meeting asks: the cause, then when it will be confirmed.
    assert text.index("Cause (suspected)") < text.index("When you'll know the cause")
    assert text.index("The plan") < text.index("What you need") < text.index("People")


def test_several_needs_are_listed_and_empty_ones_left_out() -> None:
    brief = load_brief_text(
        "resources:\n  - a DBA\n  - budget for a bigger instance\ncause_known_by: '   '\n"
    )
    text = str(brief_content("db", brief))
    assert "What you need\na DBA; budget for a bigger instance" in text
    assert "When you'll know the cause" not in text
    assert "What you need" not in str(brief_content("x", load_brief_text("system: x\n")))


def test_terminal_escapes_in_the_new_fields_are_stripped() -> None:
    brief = load_brief_text('resources: ["\\e[31ma DBA"]\ncause_known_by: "\\e[2J15:00"\n')
    text = str(brief_content("x", brief))
    assert "\x1b" not in text and "a DBA" in text and "15:00" in text


async def test_the_fallback_notice_stays_on_prep_under_the_heading(tmp_path: Path) -> None:
    BriefStore(tmp_path / "data").save_text("payments", marketing_brief())
    app = make_app(tmp_path, real=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        prep = app.screen
        assert isinstance(prep, PrepScreen)
        assert prep.scenario.id == "general-critical-incident"
        assert prep.notice is not None and "general-critical-incident" in prep.notice
        title = str(prep.query_one("#prep-title", Static).render()).splitlines()
        # The line right under the heading, before who you are meeting.
        assert title[0].startswith("Your incident: payments")
        assert title[1].startswith("Note: No scenario for the role 'marketing'")
        assert any(line.startswith("You are meeting") for line in title[2:])
        assert "Note: No scenario for the role" in screen_text(app)


async def test_coach_rehearse_brief_shows_the_notice_on_prep(tmp_path: Path) -> None:
    """What `coach rehearse --brief NAME` sets up before the app runs."""
    from coach.brief.choose import choose

    BriefStore(tmp_path / "data").save_text("payments", marketing_brief())
    choice = choose("payments", None, [], str(tmp_path / "data"))
    assert choice.notice is not None
    app = make_app(tmp_path, real=True)
    app.brief = (choice.brief_name, choice.brief)
    app.start_scenario = choice.scenario
    app.start_notice = choice.notice
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen)
        title = str(app.screen.query_one("#prep-title", Static).render())
        assert f"Note: {choice.notice}" in " ".join(title.split())


async def test_prep_without_a_fallback_has_no_notice(tmp_path: Path) -> None:
    store = BriefStore(tmp_path / "data")
    store.save_text("payments", PAYMENTS.read_text(encoding="utf-8"))  # an architect brief
    app = make_app(tmp_path, real=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen)
        assert app.screen.scenario.role == "architect"
        assert "Note:" not in str(app.screen.query_one("#prep-title", Static).render())
        # And a scenario picked on Home afterwards has none either.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen) and app.screen.notice is None
        assert "Note:" not in str(app.screen.query_one("#prep-title", Static).render())


def run_json(capsys: pytest.CaptureFixture[str], tmp_path: Path, *argv: str) -> dict[str, object]:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps([ANSWER]), encoding="utf-8")
    code = main(["run", *argv, "--answers", str(answers), "--json", "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, object] = json.loads(out)
    return data


def test_coach_run_json_has_the_notice_or_null(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = BriefStore(tmp_path)
    store.save_text("marketing", marketing_brief())
    store.save_text("architect", PAYMENTS.read_text(encoding="utf-8"))
    fallback = run_json(capsys, tmp_path, "--brief", "marketing")
    assert isinstance(fallback["notice"], str)
    assert fallback["notice"].startswith("No scenario for the role 'marketing'")
    assert fallback["scenario"] == "general-critical-incident"
    assert run_json(capsys, tmp_path, "--brief", "architect")["notice"] is None
    named = run_json(capsys, tmp_path, "general-critical-incident", "--brief", "marketing")
    assert named["notice"] is None  # the user chose the scenario: nothing to explain
    assert run_json(capsys, tmp_path, "general-critical-incident")["notice"] is None
