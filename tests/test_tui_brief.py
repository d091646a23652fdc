"""The app with the user's own incident: the brief form, choosing a brief on Home,
the readiness report on Prep, and the follow-up from the Debrief."""

from __future__ import annotations

from pathlib import Path

from test_tui_screens import settle
from textual.message import Message
from textual.widgets import Input, OptionList, Static, TextArea
from tui_support import make_app, notices, screen_text

from coach.brief.store import BriefStore
from coach.store import SessionStore
from coach.tui.screens.brief import BriefFormScreen, BriefPickerScreen, FollowupScreen
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.prep import PrepScreen
from coach.tui.screens.rehearsal import RehearsalScreen
from coach.tui.widgets import Checklist

SIZE = (110, 40)
PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"


def fill(screen: BriefFormScreen, **values: str) -> None:
    for key, value in values.items():
        widget = screen.query_one(f"#field-{key}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            assert isinstance(widget, Input)
            widget.value = value


async def test_new_brief_rehearse_debrief_followup(tmp_path: Path) -> None:
    """The whole flow: write a brief in the form, rehearse it, and copy the follow-up."""
    app = make_app(tmp_path)
    app.start_brief_form = ""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BriefFormScreen)
        await pilot.press(*"payments")  # the name field has focus
        fill(
            form,
            role="general",
            ceo_name="Priya Natarajan",
            system="the payments gateway",
            what_happened="Card payments have failed since 08:40.",
            impact="2300 users could not pay\n£41,000 orders delayed",
            cause="an expired certificate",
            cause_status="suspected",
            mitigation="09:30 traffic moved to the backup gateway",
            eta="4-6 hours",
        )
        await pilot.press("ctrl+r")  # save and rehearse
        await settle(pilot)

        saved = BriefStore(tmp_path / "data").load("payments")[1]
        assert saved.system == "the payments gateway" and saved.eta is not None
        prep = app.screen
        assert isinstance(prep, PrepScreen)
        text = screen_text(app)
        assert "You are meeting Priya Natarajan" in text
        assert "Your brief: payments" in text
        assert "Not in your brief yet" in text
        # A gap, with its advice and what to say in the meeting.
        assert "✗ The cause is not confirmed" in text and "In the meeting:" in text
        assert app.brief is not None and app.brief[0] == "payments"

        await pilot.press("enter")
        await settle(pilot)
        rehearsal = app.screen
        assert isinstance(rehearsal, RehearsalScreen)
        assert "Priya Natarajan here. What happened to the payments gateway?" in screen_text(app)
        assert "Your incident: payments  with Priya Natarajan" in screen_text(app)
        for answer in ["impact mitigation", "timeline next_update"]:
            await pilot.press(*answer, "enter")
            await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        session_id = rehearsal.session_id
        models = [str(m.render()) for m in debrief.query(".model").results(Static)]
        assert models and all(m.startswith("Model answer, from your brief") for m in models)

        await pilot.press("f")
        await settle(pilot)
        followup = app.screen
        assert isinstance(followup, FollowupScreen)
        draft = followup.query_one("#followup-text", TextArea).text
        assert draft.startswith("# Incident update: the payments gateway")
        assert "- 2,300 users (could not pay)" in draft
        assert "Suspected cause, not yet confirmed: an expired certificate." in draft
        assert "[TODO: when you will confirm the cause]" in draft
        # The note to the user is beside the draft, not in what gets copied.
        note = " ".join(screen_text(app).split())  # however the note wraps
        assert "Draft written from your rehearsal (brief: payments)." in note
        assert f"{len(followup.followup.todos)} TODOs left." in note
        assert "rehearsal" not in draft
        await pilot.press("c")
        assert app.clipboard == draft
        await pilot.press("t")
        assert app.clipboard == followup.followup.text()
        await pilot.press("s")
        await settle(pilot)
        assert (tmp_path / "data" / "exports" / f"followup-{session_id}.md").read_text() == draft
        await pilot.press("escape")
        assert app.screen is debrief
        # Retry rehearses the same incident, even if another brief was chosen since.
        app.brief = None
        await pilot.press("r")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, RehearsalScreen)
        assert again.session.transcript.brief_name == "payments"
        assert again is not rehearsal

    assert session_id is not None
    store = SessionStore.open(tmp_path / "data")
    try:
        transcript = store.get(session_id)
    finally:
        store.close()
    assert transcript.brief_name == "payments"
    assert transcript.brief == saved


async def test_the_form_shows_each_problem_at_its_field(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    app.start_brief_form = ""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BriefFormScreen)
        fill(form, impact="2300 users\n3 usrs", eta="soonish", cause_status="maybe")
        await pilot.press("ctrl+s")
        await settle(pilot)
        errors = {
            key: str(form.query_one(f"#error-{key}", Static).render())
            for key in ("name", "impact", "eta", "cause_status")
        }
        assert errors["name"] == "give the brief a name, e.g. payments-outage"
        assert errors["impact"].startswith("line 2: unknown unit 'usrs'; did you mean 'users'?")
        assert errors["eta"].startswith("'soonish': write it like '4-6 hours'")
        assert errors["cause_status"] == (
            "unknown cause status 'maybe' (use one of: known, suspected, unknown)"
        )
        assert not (tmp_path / "data" / "briefs").exists()
        # An empty brief is fine: every field is optional.
        fill(form, impact="", eta="", cause_status="")
        form.query_one("#field-name", Input).value = "empty"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "data" / "briefs" / "empty.yaml").exists()
        assert not form.query_one("#error-impact", Static).display


async def test_home_b_chooses_a_brief_and_prep_shows_its_readiness(tmp_path: Path) -> None:
    store = BriefStore(tmp_path / "data")
    store.save_text(
        "payments",
        PAYMENTS.read_text(encoding="utf-8").replace("role: architect", "role: general"),
    )
    store.save_text("broken", "impact:\n  - {value: 3, unit: usrs}\n")
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("b")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, BriefPickerScreen)
        options = picker.query_one("#briefs", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0].strip().startswith("broken") and "has errors" in prompts[0]
        assert "payments" in prompts[1] and "ready 100%" in prompts[1]
        assert prompts[2].strip() == "+ New brief…"
        await pilot.press("enter")  # the broken one is refused, with its first error
        await settle(pilot)
        assert app.screen is picker
        await pilot.press("down", "enter")
        await settle(pilot)
        prep = app.screen
        assert isinstance(prep, PrepScreen)
        assert prep.scenario.id == "engine-branching"
        text = screen_text(app)
        assert "Your brief: payments" in text and "ready for 13 of 13 questions" in text
        assert "You are meeting Priya Natarajan" in text
        assert app.sub_title == "your incident: payments"
        # The heading and the checklist are the user's incident, not the scenario's:
        # the CEO's questions from the readiness report, ticked where the brief answers.
        assert "Your incident: payments" in text and prep.scenario.title not in text
        checklist = prep.query_one("#checklist", Checklist)
        assert checklist.option_count == 13 and checklist.selected == list(range(13))
        assert "Checklist 13/13 ticked" in text
        # Back on Home, b marks the brief in use and offers to drop it.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        options = app.screen.query_one("#briefs", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[1].startswith("● payments")
        assert prompts[-1] == "Rehearse without a brief"
        options.highlighted = options.option_count - 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.brief is None and isinstance(app.screen, HomeScreen)


async def test_a_role_without_scenarios_gets_the_general_one_with_a_notice(
    tmp_path: Path,
) -> None:
    BriefStore(tmp_path / "data").save_text(
        "payments",
        PAYMENTS.read_text(encoding="utf-8").replace("role: architect", "role: marketing"),
    )
    app = make_app(tmp_path, real=True)
    messages: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        prep = app.screen
        assert isinstance(prep, PrepScreen)
        assert prep.scenario.id == "general-critical-incident"
    assert any("No scenario for the role 'marketing'" in n for n in notices(messages))


def test_prep_shows_each_gap_with_how_to_handle_it_in_the_meeting() -> None:
    from coach.brief.loader import load_brief_text
    from coach.tui.screens.brief import brief_content

    text = str(brief_content("gappy", load_brief_text("system: the search API\n")))
    assert "Your brief: gappy" in text and "the search API" in text
    assert "✗ Impact has no figure." in text
    assert "In the meeting: \"We don't have a count yet." in text
    assert "In the meeting: \"We don't know the cause yet." in text


async def test_e_in_the_picker_edits_a_brief_and_saving_keeps_the_rest(tmp_path: Path) -> None:
    store = BriefStore(tmp_path / "data")
    store.save_text("payments", PAYMENTS.read_text(encoding="utf-8"))
    before = store.load("payments")[1]
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BriefFormScreen)
        name = form.query_one("#field-name", Input)
        assert name.value == "payments" and name.disabled
        assert form.query_one("#field-system", Input).value == "the payments gateway"
        fill(form, system="the card payments gateway")
        await pilot.press("ctrl+s")
        await settle(pilot)
    after = store.load("payments")[1]
    assert after.system == "the card payments gateway"
    assert after.model_copy(update={"system": before.system}) == before
