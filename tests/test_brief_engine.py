"""A session of the user's own incident: placeholders from the brief, checks
against it in every scored answer, and the brief kept with the transcript."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.brief.facts import given_facts, neutral_facts, placeholder_facts
from coach.brief.loader import load_brief, load_brief_text
from coach.brief.model import Brief
from coach.engine.debrief import build_debrief
from coach.engine.session import Session
from coach.engine.transcript import Transcript
from coach.scenario.library import load_scenario
from coach.scenario.model import Scenario

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"


@pytest.fixture(scope="module")
def general() -> Scenario:
    return load_scenario("general-critical-incident")


@pytest.fixture(scope="module")
def brief() -> Brief:
    return load_brief(PAYMENTS)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        self.now += 5
        return self.now


def test_placeholder_facts_come_from_the_brief(brief: Brief) -> None:
    facts = placeholder_facts(brief)
    assert facts["system"] == "the payments gateway"
    assert facts["eta"] == "4–6 hours"
    assert facts["eta_when"] == "in 4–6 hours"
    assert (
        facts["impact"]
        == "2,300 users (could not pay); £41,000 (orders delayed); 12% (of card payments declined)"
    )
    assert facts["cause_status"] == "suspected"
    assert (
        facts["mitigation"] == "09:05 incident declared; 09:30 traffic moved to the backup gateway"
    )
    assert facts["people"].startswith("Dana Whitfield, head of customer support; Omar Haddad")
    assert facts["next_update"] == "every hour until the fix is out"
    assert facts["ceo_name"] == "Priya Natarajan"


def test_terminal_escapes_in_a_brief_never_reach_the_ceos_lines(general: Scenario) -> None:
    # A brief is the user's text; `coach run` printed the CEO's line with the escape in it.
    brief = Brief(
        system="the \x1b[31mred\x1b[0m gateway",
        ceo_name="\x1b]0;title\x07Priya",
        cause="a bad push",
        cause_status="suspected",
        cause_known_by="\x1b[2J15:00",
    )
    facts = placeholder_facts(brief)
    assert facts["system"] == "the red gateway" and facts["ceo_name"] == "Priya"
    session = Session.new(general, brief=brief)
    session.begin()
    assert "\x1b" not in session.transcript.turns[0].text
    assert "the red gateway" in session.transcript.turns[0].text
    session.answer("It was caused by a bad push.")
    flags = [f for t in session.transcript.user_turns if t.result for f in t.result.flags]
    assert flags and all("\x1b" not in f.message + f.suggestion for f in flags)


def test_missing_fields_get_neutral_wording_not_the_scenarios() -> None:
    partial = load_brief_text("eta: {value: 2, unit: hours}\n")
    assert given_facts(partial) == {"eta": "2 hours", "eta_when": "in 2 hours"}
    facts = placeholder_facts(partial)
    assert facts["system"] == neutral_facts()["system"] == "the system"
    assert "ceo_name" not in facts  # the scenario's CEO keeps their name


def test_the_ceo_talks_about_the_users_system(general: Scenario, brief: Brief) -> None:
    session = Session.new(general, brief=brief, brief_name="payments", clock=Clock())
    opening = session.begin()
    assert opening[-1].text == "You asked for ten minutes. What's happened to the payments gateway?"
    assert "customer portal" not in opening[-1].text
    assert session.transcript.brief == brief
    assert session.transcript.brief_name == "payments"


def test_without_a_brief_the_scenario_speaks_for_itself(general: Scenario) -> None:
    session = Session.new(general, clock=Clock())
    assert session.begin()[-1].text.endswith("What's happened to the customer portal?")
    assert session.brief_facts is None


def test_an_empty_brief_uses_neutral_wording(general: Scenario) -> None:
    session = Session.new(general, brief=Brief(), clock=Clock())
    assert session.begin()[-1].text.endswith("What's happened to the system?")


def test_answers_are_checked_against_the_brief(general: Scenario, brief: Brief) -> None:
    session = Session.new(general, brief=brief, clock=Clock())
    session.begin()
    draft = session.draft_result("About 23,000 users could not pay.")
    assert "contradiction" in draft.flag_codes
    session.answer(
        "Card payments have failed since 08:40 and about 23,000 users could not pay; "
        "it was caused by an expired certificate. We moved traffic to the backup gateway."
    )
    result = session.transcript.user_turns[-1].result
    assert result is not None
    assert {"contradiction", "overclaimed_cause"} <= result.flag_codes
    assert any(d.code == "contradiction" for d in result.deductions)


def test_resume_keeps_the_brief(general: Scenario, brief: Brief) -> None:
    session = Session.new(general, brief=brief, brief_name="payments", clock=Clock())
    session.begin()
    session.answer(
        "About 2,300 users could not pay; we moved traffic to the backup gateway at 09:30."
    )
    saved = Transcript.model_validate_json(session.transcript.model_dump_json())
    assert saved.brief == brief and saved.brief_name == "payments"
    resumed = Session.resume(general, saved, clock=Clock())
    assert resumed.facts["system"] == "the payments gateway"
    assert resumed.brief_facts is not None
    assert "contradiction" in resumed.draft_result("It hit 23,000 users.").flag_codes


def test_the_debrief_quotes_the_questions_as_asked(general: Scenario, brief: Brief) -> None:
    session = Session.new(general, brief=brief, clock=Clock())
    session.begin()
    session.answer(
        "About 2,300 users could not pay; we moved traffic to the backup gateway at 09:30."
    )
    session.abandon()
    debrief = build_debrief(general, session.transcript)
    assert debrief.reviews[0].question.endswith("What's happened to the payments gateway?")


def coach(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_coach_run_with_a_brief(tmp_path: Path) -> None:
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    (briefs / "payments.yaml").write_text(
        PAYMENTS.read_text(encoding="utf-8").replace("role: architect", "role: marketing"),
        encoding="utf-8",
    )
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        json.dumps(["About 23,000 users could not pay; we moved traffic to the backup gateway."])
    )
    out = coach(
        "run", "--brief", "payments", "--answers", str(answers), "--json", data_dir=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert "No scenario for the role 'marketing'" in out.stderr
    assert "general-critical-incident" in out.stderr
    data = json.loads(out.stdout)
    assert data["scenario"] == "general-critical-incident"
    assert data["brief"] == "payments"
    text = json.dumps(data)
    assert "the payments gateway" in text
    assert "contradiction" in text
    plain = coach("run", "--brief", "payments", "--answers", str(answers), data_dir=tmp_path)
    assert plain.stdout.splitlines()[0] == (
        "Your incident: payments  [questions from general-critical-incident]"
    )


def test_coach_run_needs_a_scenario_or_a_brief(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text('["x"]')
    out = coach("run", "--answers", str(answers), data_dir=tmp_path)
    assert out.returncode == 1
    assert out.stderr.startswith("coach: name a scenario")
    out = coach("run", "--brief", "nope", "--answers", str(answers), data_dir=tmp_path)
    assert out.returncode == 1
    assert "no brief named 'nope'" in out.stderr
