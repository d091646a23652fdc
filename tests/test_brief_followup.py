"""The follow-up write-up holds only facts the user gave, and marks the rest TODO."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from coach.brief.followup import draft, for_transcript
from coach.brief.loader import load_brief, load_brief_text
from coach.brief.model import Brief
from coach.engine.session import Session
from coach.engine.transcript import Transcript
from coach.scenario.library import load_scenario

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"
WORD = re.compile(r"[a-z0-9]+")
TEMPLATE_WORDS = set(
    WORD.findall(
        resources.files("coach.brief").joinpath("data", "followup.yaml").read_text().lower()
    )
)
ANSWERS = [
    "About 2,300 users could not pay since 08:40; we moved traffic to the backup gateway at 09:30.",
    "We believe an expired certificate on the load balancer caused it; we'll confirm by 15:00.",
    "We expect the fix within 4 to 6 hours, once the new certificate is tested.",
    "Omar Haddad owns the fix and support has a script for customers.",
    "I'll update you at 13:00 and every hour after that.",
]


def session_with(brief: Brief | None, answers: list[str]) -> Transcript:
    scenario = load_scenario("general-critical-incident")
    session = Session.new(scenario, brief=brief, brief_name="payments" if brief else None)
    session.begin()
    for text in answers:
        if not session.awaiting_answer:
            break
        session.answer(text)
    session.abandon()
    return session.transcript


def foreign_words(text: str, *sources: str) -> set[str]:
    """Words of ``text`` that are in none of the sources nor the template's own words."""
    given = set(WORD.findall(plain_numbers(" ".join(sources)).lower())) | TEMPLATE_WORDS
    return set(WORD.findall(plain_numbers(text).lower())) - given


def plain_numbers(text: str) -> str:
    """ "2,300" and 2300 are the same figure."""
    return re.sub(r"(?<=[0-9]),(?=[0-9]{3})", "", text)


def test_a_full_brief_gives_every_section_and_no_todo() -> None:
    brief = load_brief(PAYMENTS)
    followup = for_transcript(session_with(brief, ANSWERS))
    md = followup.markdown()
    assert followup.todos == []
    assert md.startswith("# Incident update: the payments gateway\n")
    assert "To: Priya Natarajan" in md
    for fact in (
        "- 2,300 users (could not pay)",
        "- £41,000 (orders delayed)",
        "Suspected cause, not yet confirmed: an expired intermediate certificate",
        "We expect to confirm the cause by 15:00 today.",
        "- 09:30 traffic moved to the backup gateway",
        "Estimated time to fix: 4–6 hours.",
        "## Next update\n\nEvery hour until the fix is out.\n",
        "- Omar Haddad, on-call payments engineer (owns the fix)",
        "## What we need\n\n- Two engineers from the platform team until 18:00\n",
    ):
        assert fact in md
    assert foreign_words(md, PAYMENTS.read_text(encoding="utf-8")) == set()


def test_answers_fill_what_the_brief_lacks() -> None:
    brief = load_brief_text("system: the payments gateway\ncause_status: suspected\n")
    transcript = session_with(brief, ANSWERS)
    md = for_transcript(transcript).markdown()
    assert "As I said in the meeting: About 2,300 users could not pay" in md
    assert "we moved traffic to the backup gateway at 09:30." in md
    assert "I'll update you at 13:00 and every hour after that." in md
    # Nothing from the scenario's own incident (a customer portal, 62,000 customers).
    assert "portal" not in md and "62,000" not in md and "£85,000" not in md
    assert foreign_words(md, "the payments gateway suspected", *ANSWERS) == set()
    assert "[TODO: what happened, in one sentence a non-technical reader understands]" in md


def test_no_sentence_is_written_twice() -> None:
    # The cause answer also carries a time ("we'll confirm by 15:00"), which the scorer
    # reads as a timeline; it used to be repeated under "Plan and timeline".
    answers = [
        "About 40,000 customers could not search.",
        "We believe a bad index rebuild caused it; we'll confirm by 15:00.",
        "We rolled back at 09:40 and paused the rebuild job.",
    ]
    md = for_transcript(session_with(None, answers)).markdown()
    assert md.count("We believe a bad index rebuild caused it") == 1
    timeline = md.split("## Plan and timeline")[1].split("##")[0]
    assert "[TODO: the plan and when it will be done]" in timeline


def test_sentences_at_odds_with_the_brief_are_left_out() -> None:
    # The brief says the cause is only suspected; an answer that states it as fact is
    # flagged (overclaimed_cause), and the written update must not repeat it.
    brief = load_brief_text("system: the payments gateway\ncause_status: suspected\n")
    overclaim = "It was definitely caused by an expired certificate on the load balancer."
    transcript = session_with(brief, [overclaim])
    flags = [f.code for t in transcript.user_turns if t.result for f in t.result.flags]
    assert "overclaimed_cause" in flags
    md = for_transcript(transcript).markdown()
    assert "definitely" not in md
    assert "[TODO: the cause, or what you know so far and when you will know]" in md
    hedged = "We believe an expired certificate caused it; we'll confirm by 15:00."
    md = for_transcript(session_with(brief, [overclaim, hedged])).markdown()
    assert f"As I said in the meeting: {hedged}" in md and "definitely" not in md


def test_what_we_need_comes_from_an_answer_that_asks() -> None:
    answers = [
        "About 2,300 users could not pay; we moved traffic to the backup gateway at 09:30.",
        "I need two more platform engineers from you until 18:00.",
    ]
    md = for_transcript(session_with(Brief(), answers)).markdown()
    needs = md.split("## What we need")[1]
    assert needs.strip() == (
        "As I said in the meeting: I need two more platform engineers from you until 18:00."
    )


def test_a_cause_without_a_status_is_neither_suspected_nor_confirmed() -> None:
    md = draft(None, load_brief_text("cause: a bad config push\n")).markdown()
    cause = md.split("## Cause")[1].split("##")[0]
    assert "Cause: a bad config push." in cause and "Suspected cause" not in cause
    assert "[TODO: say whether this cause is confirmed or only suspected]" in cause
    dated = draft(None, load_brief_text("cause: a bad config push\ncause_known_by: '15:00'\n"))
    assert "We expect to confirm the cause by 15:00." in dated.markdown()
    assert "TODO" not in dated.markdown().split("## Cause")[1].split("##")[0]


def test_the_note_to_the_user_is_not_in_the_draft() -> None:
    followup = draft(None, load_brief(PAYMENTS), "payments")
    assert followup.note.startswith("Draft written from your rehearsal (brief: payments).")
    for sent in (followup.markdown(), followup.text()):
        assert "rehearsal" not in sent and "\n\n\n" not in sent
    assert followup.markdown().startswith("# Incident update: the payments gateway\n\nTo: Priya")
    bare = draft(None, Brief())
    assert bare.markdown().startswith("# Incident update: [TODO: the affected system]\n\n## What")


def test_nothing_given_is_all_todo() -> None:
    followup = draft(None, Brief())
    assert len(followup.todos) == 8
    # Asking the CEO for nothing is fine: no "What we need" section, and no TODO for it.
    assert "## What we need" not in followup.markdown()
    assert followup.title == "Incident update: [TODO: the affected system]"
    assert foreign_words(followup.markdown()) == set()


def test_a_suspected_cause_without_a_time_asks_for_one() -> None:
    brief = load_brief_text("cause: a bad config push\ncause_status: suspected\n")
    md = draft(None, brief).markdown()
    assert "Suspected cause, not yet confirmed: a bad config push." in md
    assert "[TODO: when you will confirm the cause]" in md
    known = draft(None, load_brief_text("cause: a bad config push\ncause_status: known\n"))
    assert "Cause: a bad config push." in known.markdown()
    assert "confirm" not in known.markdown().split("## Cause")[1].split("##")[0]


def test_plain_text_has_the_same_facts_without_markdown() -> None:
    followup = draft(None, load_brief(PAYMENTS), "payments")
    text = followup.text()
    assert "#" not in text and "*" not in text
    assert text.startswith("Incident update: the payments gateway\n=====")
    assert "  - 2,300 users (could not pay)" in text
    assert set(WORD.findall(text.lower())) == set(WORD.findall(followup.markdown().lower()))


def test_terminal_escapes_in_user_text_are_dropped() -> None:
    brief = Brief(system="the \x1b[31mred\x1b[0m gateway")
    assert "\x1b" not in draft(None, brief).markdown()


@pytest.mark.parametrize("fmt", ["md", "text", "json"])
def test_coach_followup_prints_a_stored_sessions_draft(tmp_path: Path, fmt: str) -> None:
    briefs = tmp_path / "briefs"
    briefs.mkdir()
    (briefs / "payments.yaml").write_text(PAYMENTS.read_text(encoding="utf-8"), encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS[:2]))
    base = [sys.executable, "-m", "coach", "--data-dir", str(tmp_path)]
    run = subprocess.run(
        [*base, "run", "--brief", "payments", "--answers", str(answers), "--save", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    session_id = json.loads(run.stdout)["session_id"]
    out = subprocess.run(
        [*base, "followup", session_id, "--format", fmt], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    if fmt == "json":
        data = json.loads(out.stdout)
        assert data["session"] == session_id
        assert "(brief: payments)" in data["note"]
        assert "rehearsal" not in data["markdown"] + data["text"]
    else:
        assert "Incident update: the payments gateway" in out.stdout
        assert "2,300 users (could not pay)" in out.stdout
        # The note to the user is beside the draft, not in it: stdout is what is sent.
        assert "rehearsal" not in out.stdout
        assert out.stderr.startswith("coach: Draft written from your rehearsal (brief: payments)")
    missing = subprocess.run([*base, "followup", "zzzzzz"], capture_output=True, text=True)
    assert missing.returncode == 1 and missing.stderr.startswith("coach: ")
