"""The follow-up write-up holds only facts the user gave, and marks the rest TODO."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.brief.followup import draft, for_transcript
from coach.brief.loader import load_brief, load_brief_text
from coach.brief.model import Brief
from coach.engine.session import Session
from coach.engine.transcript import Transcript
from coach.scenario.library import load_scenario

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"
WORD = re.compile(r"[a-z0-9]+")
FOLLOWUP_DATA = yaml.safe_load(
    resources.files("coach.brief").joinpath("data", "followup.yaml").read_text(encoding="utf-8")
)


def _template_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _template_strings(v)]
    return []


#: The words the draft itself may add: its templates, not the word lists it reads
#: answers with (a draft must not be able to say "revised" unless a template does).
TEMPLATE_WORDS = set(
    WORD.findall(
        " ".join(
            _template_strings(
                {
                    k: v
                    for k, v in FOLLOWUP_DATA.items()
                    if k not in ("updates", "filler_words", "system_from_answers")
                }
            )
        ).lower()
    )
)
ANSWERS = [
    "About 2,300 users could not pay since 08:40; we moved traffic to the backup gateway at 09:30.",
    "We believe an expired certificate on the load balancer caused it; we'll confirm by 15:00.",
    "We expect the fix within 4 to 6 hours, once the new certificate is tested.",
    "Omar Haddad owns the fix and support has a script for customers.",
    "I'll update you at 13:00 and every hour after that.",
]


def session_with(
    brief: Brief | None, answers: list[str], started: float | None = None
) -> Transcript:
    scenario = load_scenario("general-critical-incident")
    name = "payments" if brief else None
    if started is None:
        session = Session.new(scenario, brief=brief, brief_name=name)
    else:
        session = Session.new(scenario, brief=brief, brief_name=name, clock=lambda: started)
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


#: When the sessions of the tests that need a fixed time started: 09:15 UTC, 4 March 2025.
STARTED = datetime(2025, 3, 4, 9, 15, tzinfo=UTC).timestamp()


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time is UTC, so a session's start reads the same on any machine."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_full_brief_gives_every_section_and_no_todo(utc: None) -> None:
    brief = load_brief(PAYMENTS)
    followup = for_transcript(session_with(brief, ANSWERS, STARTED))
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
        "Estimated time to fix: 4–6 hours from 09:15 on 4 March.",
        "## Next update\n\nEvery hour until the fix is out.\n",
        "- Omar Haddad, on-call payments engineer (owns the fix)",
        "## What we need\n\n- Two engineers from the platform team until 18:00\n",
    ):
        assert fact in md
    assert foreign_words(md, PAYMENTS.read_text(encoding="utf-8"), "March") == set()
    assert numbers(md) <= numbers(PAYMENTS.read_text(encoding="utf-8"), "09:15 4")


def test_answers_fill_what_the_brief_lacks() -> None:
    brief = load_brief_text("system: the payments gateway\ncause_status: suspected\n")
    transcript = session_with(brief, ANSWERS)
    md = for_transcript(transcript).markdown()
    assert "About 2,300 users could not pay" in md
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
    assert f"{hedged}" in md and "definitely" not in md


def test_what_we_need_comes_from_an_answer_that_asks() -> None:
    answers = [
        "About 2,300 users could not pay; we moved traffic to the backup gateway at 09:30.",
        "I need two more platform engineers from you until 18:00.",
    ]
    md = for_transcript(session_with(Brief(), answers)).markdown()
    needs = md.split("## What we need")[1]
    assert needs.strip() == ("I need two more platform engineers from you until 18:00.")


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


# -- answers that update the brief --------------------------------------------------

UPDATE_BRIEF = """\
system: the payments gateway
impact:
  - {value: 2300, unit: users, what: could not pay}
  - {value: 41000, unit: money, currency: GBP, what: orders delayed}
  - {value: 12, unit: percent, what: of card payments declined}
cause: an expired certificate on the load balancer
cause_status: suspected
cause_known_by: "15:00"
eta: {by: "16:00"}
"""
USERS = "- 2,300 users (could not pay)\n"
MONEY = "- £41,000 (orders delayed)\n"
ETA = "Estimated time to fix: by 16:00.\n"
SUSPECTED = "Suspected cause, not yet confirmed: an expired certificate on the load balancer."

#: (id, answers, the label, what the draft must say, what it must not say). Labels:
#: "update" (the answer says the fact changed: the draft gives the new one), "slip"
#: (it differs with no such words: the scorer flags a contradiction, the draft keeps
#: the brief's and leaves the sentence out) and "same" (nothing changed).
UPDATE_CASES: list[tuple[str, list[str], str, list[str], list[str]]] = [
    (
        "now-up-from",
        ["It's now 3,100 users, up from 2,300 this morning."],
        "update",
        ["- 3,100 users (could not pay), up from 2,300 users\n", MONEY],
        [USERS],
    ),
    (
        "latest-count-two-figures",
        ["The latest count is 3,100 users and £52,000 in delayed orders."],
        "update",
        [
            "- 3,100 users (could not pay), up from 2,300 users\n",
            "- £52,000 (orders delayed), up from £41,000\n",
        ],
        [USERS, MONEY],
    ),
    (
        "up-from-after-the-figure",
        ["We have 3,100 users affected, up from 2,300."],
        "update",
        ["- 3,100 users (could not pay), up from 2,300 users\n"],
        [USERS],
    ),
    (
        "down-to",
        ["It's down to 1,800 users now."],
        "update",
        ["- 1,800 users (could not pay), down from 2,300 users\n"],
        [USERS],
    ),
    (
        "risen-to-percent",
        ["Declines have risen to 15% of card payments."],
        "update",
        ["- 15% (of card payments declined), up from 12%\n", USERS],
        ["- 12% (of card payments declined)\n"],
    ),
    (
        # The scorer flags this as a contradiction; the answer says the count was
        # updated, which is what decides.
        "updated-count-flagged",
        ["The updated count is 3,100 users."],
        "update",
        ["- 3,100 users (could not pay), up from 2,300 users\n"],
        [USERS],
    ),
    (
        "the-latest-of-two-updates",
        ["It's now 2,800 users.", "The latest count is 3,100 users."],
        "update",
        ["- 3,100 users (could not pay), up from 2,300 users\n"],
        [USERS, "2,800"],
    ),
    (
        "slip-ten-times",
        ["About 23,000 users could not pay."],
        "slip",
        [USERS],
        ["23,000"],
    ),
    (
        "slip-right-now",
        # "right now" is not "it's now": the figure did not change, it was misspoken.
        ["Right now 23,000 users can't pay."],
        "slip",
        [USERS],
        ["23,000"],
    ),
    (
        "now-in-another-clause",
        # The "now" is about the fix, not the users: the estimate changes, the users not.
        ["Right now 23,000 users can't pay and the fix is now expected by 18:00."],
        "update",
        [USERS, "Estimated time to fix: by 18:00 (earlier estimate: by 16:00).\n"],
        [ETA],
    ),
    (
        "same-figure",
        ["About 2,300 users could not pay."],
        "same",
        [USERS, MONEY, ETA, SUSPECTED],
        ["up from", "earlier estimate"],
    ),
    (
        "same-figure-with-now",
        ["It's now 2,300 users."],
        "same",
        [USERS],
        ["up from", "down from", "revised from"],
    ),
    (
        "a-part-is-not-the-total",
        ["Of those, 400 VIP customers are now affected."],
        "same",
        [USERS],
        ["400 users"],
    ),
    (
        "a-projection-is-not-the-loss",
        ["Unfixed, we'd now lose £4,000 an hour."],
        "slip",
        [MONEY],
        ["£4,000"],
    ),
    (
        "eta-now-expect",
        ["We now expect the fix by 18:00."],
        "update",
        ["Estimated time to fix: by 18:00 (earlier estimate: by 16:00).\n"],
        [ETA],
    ),
    (
        "eta-named-time",
        ["The fix is now expected by tomorrow morning."],
        "update",
        ["Estimated time to fix: by tomorrow morning (earlier estimate: by 16:00).\n"],
        [ETA],
    ),
    (
        "eta-instead-of",
        ["The fix is now expected by 18:00 instead of 16:00."],
        "update",
        ["Estimated time to fix: by 18:00 (earlier estimate: by 16:00).\n"],
        [ETA],
    ),
    (
        "eta-workaround-first",
        ["We now expect a workaround by 17:00 and the full fix by 19:00."],
        "update",
        ["Estimated time to fix: by 19:00 (earlier estimate: by 16:00).\n"],
        [ETA, "17:00 (earlier"],
    ),
    (
        "eta-slip",
        ["We'll have it fixed by tonight."],
        "slip",
        [ETA],
        ["tonight"],
    ),
    (
        "eta-same",
        ["We expect the fix by 16:00."],
        "same",
        [ETA],
        ["earlier estimate"],
    ),
    (
        "eta-for-the-cause-is-not-the-fix",
        ["We now expect to confirm the cause by 17:00."],
        "same",
        [ETA, SUSPECTED],
        ["earlier estimate"],
    ),
    (
        "cause-confirmed",
        ["We have confirmed the cause: an expired certificate on the load balancer."],
        "update",
        [
            "We have confirmed the cause: an expired certificate "
            "on the load balancer.\n\nEarlier view of the cause: an expired certificate on "
            "the load balancer.\n",
        ],
        [SUSPECTED, "We expect to confirm the cause"],
    ),
    (
        "cause-confirmed-another",
        ["The cause has been confirmed: a bad DNS change, not the certificate."],
        "update",
        ["The cause has been confirmed: a bad DNS change"],
        [SUSPECTED],
    ),
    (
        "cause-not-confirmed-yet",
        ["We haven't confirmed the cause yet."],
        "same",
        [SUSPECTED, "We expect to confirm the cause by 15:00."],
        ["haven't confirmed"],
    ),
    (
        "cause-confirmed-in-future",
        ["Once we have confirmed the cause, we will roll out the fix."],
        "same",
        [SUSPECTED],
        ["Once we have confirmed"],
    ),
    (
        "confirmed-something-else",
        ["We have confirmed that no card data was exposed."],
        "same",
        [SUSPECTED],
        ["Earlier view"],
    ),
    (
        "cause-overclaimed",
        ["It was definitely caused by an expired certificate on the load balancer."],
        "slip",
        [SUSPECTED],
        ["definitely"],
    ),
]


@pytest.mark.parametrize(
    ("answers", "label", "says", "never"),
    [pytest.param(*case[1:], id=case[0]) for case in UPDATE_CASES],
)
def test_updates_replace_the_brief_and_slips_do_not(
    answers: list[str], label: str, says: list[str], never: list[str]
) -> None:
    transcript = session_with(load_brief_text(UPDATE_BRIEF), answers)
    followup = for_transcript(transcript)
    md = followup.markdown()
    for text in says:
        assert text in md
    for text in never:
        assert text not in md
    flagged = {f.code for t in transcript.user_turns if t.result for f in t.result.flags} & {
        "contradiction",
        "overclaimed_cause",
    }
    if label == "slip":
        # The scorer flagged it, and the draft neither repeats it nor reports a change.
        assert flagged
        assert "updated in the meeting" not in followup.note
        assert not any(answer in md for answer in answers)
    elif label == "update":
        assert "It gives what you updated in the meeting: " in followup.note
    else:
        assert "updated in the meeting" not in followup.note
    # The plain text says the same.
    assert set(WORD.findall(followup.text().lower())) == set(WORD.findall(md.lower()))


def test_the_note_lists_each_update() -> None:
    answers = [
        "It's now 3,100 users, up from 2,300 this morning.",
        "We have confirmed the cause: an expired certificate on the load balancer.",
        "We now expect the fix by 18:00.",
    ]
    followup = for_transcript(session_with(load_brief_text(UPDATE_BRIEF), answers))
    assert (
        "It gives what you updated in the meeting: 2,300 users → 3,100 users; the cause "
        "is now confirmed; by 16:00 → by 18:00."
    ) in followup.note
    # The note is for the user: nothing of it is in what is sent.
    assert "→" not in followup.markdown() + followup.text()


def test_a_duration_estimate_is_revised_in_the_users_words(utc: None) -> None:
    brief = load_brief_text("system: the payments gateway\neta: {value: 4, high: 6, unit: hours}\n")
    said = ["Our revised estimate is 6 to 8 hours."]
    revised = for_transcript(session_with(brief, said, STARTED))
    assert (
        "Estimated time to fix: 6 to 8 hours from 09:15 on 4 March (earlier estimate: 4–6 hours)."
    ) in revised.markdown()
    for same in ("We now expect the fix in 4 to 6 hours.", "It will be back in an hour."):
        md = for_transcript(session_with(brief, [same], STARTED)).markdown()
        assert "Estimated time to fix: 4–6 hours from 09:15 on 4 March.\n" in md
        assert "earlier estimate" not in md


def test_an_unknown_cause_that_now_has_a_suspect() -> None:
    brief = load_brief_text("system: the payments gateway\ncause_status: unknown\n")
    said = "We now think a bad config push caused it; we'll confirm by 15:00."
    followup = for_transcript(session_with(brief, [said]))
    cause = followup.markdown().split("## Cause\n\n")[1].split("\n\n## ")[0]
    assert cause == (f"{said}\n\n[TODO: when you will confirm the cause]")
    assert "the cause now has a suspect" in followup.note
    unchanged = for_transcript(session_with(brief, ["We don't know the cause yet."]))
    assert "The cause is not known yet." in unchanged.markdown()


@pytest.mark.parametrize(
    "said",
    [
        # Forms the scorer may not read as a figure (or reads as another kind of
        # sum). The draft must not let the brief's figure stand unremarked: it gives
        # the new figure, or asks the user to check.
        "The number of affected users has risen from 2,300 to 3,100.",
        "We were at 2,300 users; it's now 3,100.",
        "Card declines are now 15%.",
        "We've refunded £5,000 so far; delayed orders are now £50,000.",
    ],
)
def test_a_change_the_draft_cannot_place_is_never_silent(said: str) -> None:
    md = for_transcript(session_with(load_brief_text(UPDATE_BRIEF), [said])).markdown()
    impact = md.split("## Impact\n\n")[1].split("\n\n## ")[0]
    checked = f'[TODO: check the figures above against what you said: "{said}"]'
    assert checked in impact or re.search(r"(up|down|revised) from", impact), impact


def test_answer_sentences_with_a_figure_since_updated_are_left_out() -> None:
    # No brief: the impact comes from the answers, and the first answer's figure was
    # updated later; its sentence is not written up, the update is.
    answers = [
        "At 08:40 the gateway began declining card payments. About 2,300 users could not pay.",
        "We expect the fix by 16:00, once the certificate is replaced.",
        "Quick update: it's now 3,100 users, up from 2,300.",
        "We now expect the fix by 18:00.",
    ]
    md = for_transcript(session_with(None, answers)).markdown()
    assert "About 2,300 users could not pay" not in md
    assert "Quick update: it's now 3,100 users, up from 2,300." in md
    assert "by 16:00" not in md
    assert "We now expect the fix by 18:00." in md
    assert "At 08:40 the gateway began declining card payments." in md


# -- what happened, from the answers -------------------------------------------------


def test_what_happened_comes_from_the_opening_answer() -> None:
    brief = load_brief_text(UPDATE_BRIEF)
    opening = (
        "Sure. At 08:40 the gateway began declining\x07 card payments. "
        "About 2,300 users could not pay. What else do you need?"
    )
    md = for_transcript(session_with(brief, [opening])).markdown()
    what = md.split("## What happened\n\n")[1].split("\n\n## ")[0]
    # Only the sentence that describes the incident: not the filler, not the question,
    # not the impact (the brief gives it under Impact), and no control characters.
    assert what == ("At 08:40 the gateway began declining card payments.")


def test_what_happened_falls_back_to_the_impact_the_user_described() -> None:
    # The brief gives the mitigation, so the sentence is free for What happened.
    brief = load_brief_text(UPDATE_BRIEF + "mitigation: [09:30 traffic moved]\n")
    opening = "About 2,300 users could not pay since 08:40; we moved traffic at 09:30."
    md = for_transcript(session_with(brief, [opening])).markdown()
    assert f"## What happened\n\n{opening}\n" in md


def test_what_happened_skips_slips_and_cause_talk() -> None:
    brief = load_brief_text(UPDATE_BRIEF)
    for opening in (
        "About 23,000 users could not pay.",
        "We haven't confirmed the cause yet.",
        "Good morning. Thanks.",
    ):
        md = for_transcript(session_with(brief, [opening])).markdown()
        assert "## What happened\n\n[TODO: what happened, in one sentence" in md, opening


def test_the_briefs_what_happened_comes_first() -> None:
    brief = load_brief_text(UPDATE_BRIEF + "what_happened: Card payments failed from 08:40.\n")
    md = for_transcript(session_with(brief, ["The gateway began declining payments."])).markdown()
    assert "## What happened\n\nCard payments failed from 08:40.\n" in md
    assert "began declining" not in md


def test_what_happened_uses_the_best_attempt_at_the_opening_question() -> None:
    answers = [
        "Payments are failing.",
        "At 08:40 the gateway began declining card payments. About 2,300 users could not pay.",
    ]
    transcript = session_with(load_brief_text(UPDATE_BRIEF), answers)
    turns = transcript.user_turns
    assert turns[0].node == turns[1].node
    assert (turns[1].score or 0) > (turns[0].score or 0)
    md = for_transcript(transcript).markdown()
    assert "## What happened\n\nAt 08:40 the gateway began" in md
    assert "Payments are failing" not in md


def test_a_session_without_a_brief_drafts_from_the_answers_alone() -> None:
    followup = for_transcript(session_with(None, ANSWERS))
    md = followup.markdown()
    assert "## What happened\n\n[TODO: what happened" in md  # its one sentence is impact
    for answer in ANSWERS[:2] + ANSWERS[3:]:
        assert answer in md
    assert "[TODO: the affected system]" in md and "To:" not in md
    assert foreign_words(md, *ANSWERS) == set()


# -- only facts the user gave ---------------------------------------------------------

NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?")
CUES = [
    "It's now {n} users",
    "The latest count is {n} users",
    "About {n} users could not pay",
    "Delayed orders are now £{n}",
    "We have lost £{n} in orders",
    "Declines have risen to {p}% of card payments",
]
TIMES = ["We now expect the fix by {t}", "We'll have it fixed by {t}", "We expect the fix by {t}"]


def numbers(*texts: str) -> set[str]:
    return {plain_numbers(n).rstrip(".,") for text in texts for n in NUMBER.findall(text)}


@settings(max_examples=25, deadline=None)
@given(
    users=st.integers(100, 90_000),
    said=st.lists(st.tuples(st.integers(0, len(CUES) - 1), st.integers(100, 90_000)), max_size=3),
    time=st.tuples(st.integers(0, 2), st.integers(9, 23)),
    confirm=st.booleans(),
    with_brief=st.booleans(),
)
def test_every_figure_and_time_in_the_draft_was_given(
    users: int,
    said: list[tuple[int, int]],
    time: tuple[int, int],
    confirm: bool,
    with_brief: bool,
) -> None:
    brief_text = (
        "system: the payments gateway\n"
        f"impact:\n  - {{value: {users}, unit: users, what: could not pay}}\n"
        f"  - {{value: {users * 10}, unit: money, currency: GBP, what: orders delayed}}\n"
        "  - {value: 12, unit: percent, what: of card payments declined}\n"
        "cause: an expired certificate\ncause_status: suspected\n"
        'eta: {by: "16:00"}\n'
    )
    answers = [CUES[i].format(n=f"{n:,}", p=n % 100) + "." for i, n in said]
    answers.append(TIMES[time[0]].format(t=f"{time[1]}:30") + ".")
    if confirm:
        answers.append("We have confirmed the cause: an expired certificate.")
    brief = load_brief_text(brief_text) if with_brief else None
    followup = for_transcript(session_with(brief, answers))
    sources = [brief_text if with_brief else "", *answers]
    for sent in (followup.markdown(), followup.text()):
        assert numbers(sent) <= numbers(*sources), sent
        assert foreign_words(sent, *sources) == set(), sent


@pytest.mark.parametrize(
    ("later", "written"),
    [
        # After the update, "about 3,000" rounds it: the sentence is the user's fact.
        ("About 3,000 users could not pay, and we moved traffic at 09:30.", True),
        # "2,300" again, with no words of change, is a slip back to the old figure.
        ("About 2,300 users could not pay, and we moved traffic at 09:30.", False),
    ],
)
def test_a_figure_said_after_its_update_must_agree_with_it(later: str, written: bool) -> None:
    answers = ["It's now 3,100 users, up from 2,300.", later]
    md = for_transcript(session_with(None, answers)).markdown()
    assert (later in md) is written
    assert "It's now 3,100 users, up from 2,300." in md or later in md


# -- a written update, not a transcript ------------------------------------------------


def test_sentences_from_answers_read_as_a_written_update() -> None:
    # Every section taken from an answer used to start "As I said in the meeting:",
    # which reads oddly in an update sent to the CEO afterwards.
    followup = for_transcript(session_with(Brief(), ANSWERS))
    md = followup.markdown()
    assert "said" not in md.lower() and "meeting" not in md.lower()
    assert "## Next update\n\nI'll update you at 13:00 and every hour after that.\n" in md
    assert "Where your brief had nothing, it quotes your answers." in followup.note
    assert "quotes your answers" not in draft(None, load_brief(PAYMENTS)).note


@pytest.mark.parametrize(
    ("opening", "system"),
    [
        ("The payments gateway is down; about 2,300 users could not pay.", "the payments gateway"),
        ("At 08:40 the payments gateway began declining card payments.", "the payments gateway"),
        ("Since 08:40 our EU Checkout has been failing for 2,300 users.", "our EU Checkout"),
        # Conservative: nothing named plainly as failing keeps the TODO.
        ("About 2,300 users could not pay since 08:40.", None),
        ("The whole system is down.", None),
        ("We think the database crashed because of a bad migration.", None),
        ("Sign-ups fail: the email provider is rejecting our messages.", None),
    ],
)
def test_the_title_names_the_system_only_as_the_user_named_it(
    opening: str, system: str | None
) -> None:
    followup = for_transcript(session_with(Brief(), [opening]))
    if system is None:
        assert followup.title == "Incident update: [TODO: the affected system]"
        assert "names the system" not in followup.note
    else:
        assert followup.title == f"Incident update: {system}"
        assert f'The title names the system as you did: "{system}".' in followup.note
        assert foreign_words(followup.markdown(), opening) == set()


def test_the_briefs_system_wins_over_an_answers() -> None:
    brief = load_brief_text("system: the card gateway\n")
    followup = for_transcript(session_with(brief, ["The payments API is down."]))
    assert followup.title == "Incident update: the card gateway"
    assert "names the system" not in followup.note


def test_a_duration_is_counted_from_the_sessions_start(utc: None) -> None:
    brief = load_brief_text("eta: {value: 4, high: 6, unit: hours}\n")
    followup = for_transcript(session_with(brief, [], STARTED))
    assert "Estimated time to fix: 4–6 hours from 09:15 on 4 March." in followup.markdown()
    assert "The estimate counts from the rehearsal's start (09:15 on 4 March)" in followup.note
    # Without a session the draft cannot tell when the estimate was given, and asks.
    alone = draft(None, brief)
    assert (
        "Estimated time to fix: 4–6 hours from [TODO: when the estimate was given]."
        in alone.markdown()
    )
    assert "rehearsal's start" not in alone.note
    # A clock time needs no starting point.
    by = for_transcript(session_with(load_brief_text('eta: {by: "16:00"}\n'), [], STARTED))
    assert "Estimated time to fix: by 16:00.\n" in by.markdown()
    assert "rehearsal's start" not in by.note


def test_a_cause_marked_known_but_not_given_asks_for_it() -> None:
    md = draft(None, load_brief_text("cause_status: known\n")).markdown()
    cause = md.split("## Cause")[1].split("##")[0]
    assert (
        cause.strip() == "[TODO: the cause: your brief marks it known but does not say what it is]"
    )


def test_one_full_stop_after_a_fact_that_ends_with_one() -> None:
    brief = load_brief_text(
        'eta: {by: "4 p.m."}\ncause: a bad push\ncause_status: suspected\n'
        "cause_known_by: 3 p.m.\nplan: Roll back, then wait...\n"
    )
    followup = draft(None, brief)
    for sent in (followup.markdown(), followup.text()):
        assert "Estimated time to fix: by 4 p.m.\n" in sent
        assert "We expect to confirm the cause by 3 p.m.\n" in sent
        assert "Roll back, then wait...\n" in sent  # an ellipsis is the user's
        assert not re.search(r"(?<!\.)\.\.(?!\.)", sent)
