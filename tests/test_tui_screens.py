"""Pilot tests for every screen, on the engine fixture scenario with a demo scorer."""

from __future__ import annotations

from pathlib import Path

from engine_fakes import load_fixture
from textual.message import Message
from textual.widgets import Button, Input, OptionList, Static
from tui_support import ManualClock, make_app, notices, scenario_dir, screen_text, ticking_clock

from coach.engine.session import Session
from coach.engine.states import State
from coach.store import SessionStore
from coach.tui.render import ELEMENT_STYLES, EVIDENCE_STYLE
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.help import HelpScreen
from coach.tui.screens.history import HistoryScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.prep import PrepScreen
from coach.tui.screens.rehearsal import RehearsalScreen
from coach.tui.widgets import AnswerBox, Checklist

SIZE = (100, 30)
FIXTURE_ID = "engine-branching"


def option_texts(app: object) -> list[str]:
    options = app.screen.query_one("#scenarios", OptionList)  # type: ignore[attr-defined]
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def stored_session(data_dir: Path, answers: list[str], *, finish: bool = True, day: int = 0) -> str:
    """A session of the fixture played with ``answers`` and saved, as the app would
    (``day`` days after the tests' epoch)."""
    from tui_support import EPOCH, demo_score

    clock = ticking_clock(start=EPOCH + 86_400 * day)
    session = Session.new(load_fixture("branching.yaml"), clock=clock, scorer=demo_score)
    session.begin()
    for text in answers:
        session.answer(text)
    if finish:
        session.close()
    store = SessionStore.open(data_dir)
    try:
        return store.create(session.transcript)
    finally:
        store.close()


async def settle(pilot: object) -> None:
    """Let workers and the refresh that follows them finish."""
    app = pilot.app  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


# -- Home --------------------------------------------------------------------------------


async def test_home_lists_roles_and_scenarios_with_scores(tmp_path: Path) -> None:
    data = tmp_path / "data"
    stored_session(data, ["impact mitigation", "timeline next_update"])
    stored_session(data, ["impact", "impact", "impact"], finish=True)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        texts = option_texts(app)
        assert any(t.startswith("general") for t in texts), texts  # the role heading
        row = next(t for t in texts if "Engine branching fixture" in t)
        assert "easy" in row
        assert "Exercises every engine transition." in row
        assert "attempts" in row and "best" in row and "last" in row
        assert app.focused is app.screen.query_one("#scenarios")


async def test_home_filter_narrows_the_list_and_says_when_nothing_matches(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"zzz")
        assert option_texts(app) == ["No scenario matches 'zzz'."]
        await pilot.press("escape")
        assert any("Engine branching fixture" in t for t in option_texts(app))
        await pilot.press("slash", *"branching", "enter")
        assert any("Engine branching fixture" in t for t in option_texts(app))
        assert app.focused is app.screen.query_one("#scenarios")


async def test_home_enter_opens_prep(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, PrepScreen)
        assert app.screen.scenario.id == FIXTURE_ID


async def test_home_offers_to_resume_an_unfinished_session(tmp_path: Path) -> None:
    data = tmp_path / "data"
    session_id = stored_session(data, ["blame them"], finish=False)
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        texts = option_texts(app)
        assert texts[0].startswith("Unfinished")
        assert "Engine branching fixture" in texts[1] and "1 answer so far" in texts[1]
        await pilot.press("enter")  # the resume row is highlighted first
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        assert screen.session_id == session_id
        assert screen.session.transcript.node == "q1"
        assert screen.session.transcript.variables["patience"] == 1
        assert "I don't need a culprit" in screen_text(app)
        assert app.focused is screen.query_one("#answer")


async def test_home_lists_good_scenarios_and_notes_a_broken_file(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path)
    (directory / "broken.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    messages: list[Message] = []
    app = make_app(tmp_path, store=False, scenario_dirs=[str(directory)])
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert any("Engine branching fixture" in t for t in option_texts(app))
        broken = [n for n in notices(messages) if "broken.yaml" in n]
        assert broken, notices(messages)
        assert "S006" in broken[0] and "coach validate" in broken[0]


async def test_home_runs_without_the_store_and_says_so(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x", encoding="utf-8")
    messages: list[Message] = []
    app = make_app(tmp_path, data_dir=not_a_dir)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert any("Engine branching fixture" in t for t in option_texts(app))
        assert any(n.startswith("History is off") for n in notices(messages)), notices(messages)
        await pilot.press("h")
        assert isinstance(app.screen, HomeScreen)
        assert any(n.startswith("History unavailable") for n in notices(messages))


async def test_home_h_opens_history(tmp_path: Path) -> None:
    """History is the store's screen (tests/test_tui_history.py); here: it is reachable."""
    data = tmp_path / "data"
    stored_session(data, ["impact mitigation", "timeline next_update"])
    app = make_app(tmp_path, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


# -- Prep ---------------------------------------------------------------------------------


async def test_prep_shows_brief_checklist_glossary_and_focuses_start(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PrepScreen)
        assert app.focused is screen.query_one("#start", Button)
        brief = str(screen.query_one("#brief-text", Static).render())
        for text in ("checkout fails for card payments", "1,200 customers", "rolled back at 14:05"):
            assert text in brief
        assert "Cause (known)" in brief
        assert "rollback" in str(screen.query_one("#glossary-text", Static).render())
        checklist = screen.query_one("#checklist", Checklist)
        checklist.focus()
        await pilot.press("space")
        assert checklist.selected == [0]
        assert "1/1 ticked" in str(screen.query_one("#checklist-count", Static).render())


async def test_prep_enter_on_start_begins_the_rehearsal(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen)
        assert "Sam Ortiz here. What happened to the checkout service?" in screen_text(app)


async def test_prep_escape_goes_home_even_when_started_there(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, PrepScreen)


# -- Rehearsal ---------------------------------------------------------------------------


async def start_rehearsal(pilot: object) -> RehearsalScreen:
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, RehearsalScreen)
    return screen


async def test_rehearsal_answer_box_has_focus_and_enter_sends(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        assert app.focused is screen.query_one("#answer", AnswerBox)
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        assert screen.session.transcript.node == "q2"
        assert "When is it fixed" in screen_text(app)
        assert screen.query_one("#answer", AnswerBox).text == ""
        assert app.focused is screen.query_one("#answer", AnswerBox)


async def test_rehearsal_refuses_an_empty_answer_and_changes_nothing(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await start_rehearsal(pilot)
        before = screen.session.transcript.model_dump()
        await pilot.press("space", "space", "enter")
        await settle(pilot)
        assert screen.session.transcript.model_dump() == before
        assert any(n.startswith("Nothing to send") for n in notices(messages))
        assert len(screen.query(".message")) == 1
        assert isinstance(app.screen, RehearsalScreen)


async def test_rehearsal_ctrl_j_inserts_a_newline(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        await pilot.press(*"impact", "ctrl+j", *"mitigation")
        box = screen.query_one("#answer", AnswerBox)
        assert box.text == "impact\nmitigation"
        await pilot.press("enter")
        await settle(pilot)
        assert screen.session.transcript.user_turns[0].text == "impact\nmitigation"


async def test_rehearsal_follow_up_lowers_patience(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        assert "2/2" in str(screen.query_one("#patience", Static).render())
        await pilot.press(*"it was blame on them", "enter")
        await settle(pilot)
        assert "I don't need a culprit, I need a plan." in screen_text(app)
        assert "1/2" in str(screen.query_one("#patience", Static).render())


async def test_rehearsal_typing_delay_shows_typing_and_holds_answers(tmp_path: Path) -> None:
    messages: list[Message] = []
    # Long enough to hold on a loaded machine while the test looks at it.
    app = make_app(tmp_path, start=FIXTURE_ID, typing_delay=4.0)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        assert screen.query_one("#typing").display
        assert screen.ceo_typing
        assert not screen.query(".message")
        screen.query_one("#answer", AnswerBox).insert("impact mitigation")
        await pilot.press("enter")
        assert any("finish first" in n for n in notices(messages))
        assert screen.session.transcript.user_turns == []
        await settle(pilot)
        for _ in range(100):
            if not screen.ceo_typing:
                break
            await pilot.pause(0.1)
        assert not screen.ceo_typing
        assert not screen.query_one("#typing").display
        assert len(screen.query(".message")) == 1
        await pilot.press("enter")  # the draft typed while the CEO "typed" is kept
        await settle(pilot)
        assert screen.session.transcript.user_turns[0].text == "impact mitigation"


async def test_rehearsal_timer_and_spoken_length(tmp_path: Path) -> None:
    clock = ManualClock(500.0)
    app = make_app(tmp_path, start=FIXTURE_ID, clock=clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        clock.now += 75
        await pilot.pause(0.6)
        assert "1:15" in str(screen.query_one("#timer", Static).render())
        words = " ".join(["word"] * 150)
        screen.query_one("#answer", AnswerBox).insert(words)
        await pilot.pause()
        status = str(screen.query_one("#draft-status", Static).render())
        assert "150 words of 60" in status  # q1's budget is 60 words
        assert "~1:00 aloud" in status  # 150 words at 150 words a minute


async def test_rehearsal_live_hints_are_off_by_default_and_toggle(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        hints = screen.query_one("#hints", Static)
        assert not hints.display
        await pilot.press("f2")
        assert hints.display
        await pilot.press(*"impact only so far")
        await pilot.pause(0.3)
        await settle(pilot)
        text = str(hints.render())
        assert "✓ impact" in text and "✗ mitigation" in text
        await pilot.press("f2")
        assert not hints.display


async def test_rehearsal_ctrl_g_ends_the_meeting_with_a_debrief(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert screen.session.state is State.ABANDONED
        assert "No ending reached" in screen_text(app)


async def test_rehearsal_escape_pauses_and_keeps_the_session(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        session_id = screen.session_id
        assert session_id is not None
        assert option_texts(app)[0].startswith("Unfinished")
    store = SessionStore.open(tmp_path / "data")
    try:
        assert store.get(session_id).status == "unfinished"
    finally:
        store.close()


async def test_rehearsal_typing_question_mark_types_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_rehearsal(pilot)
        await pilot.press("question_mark")
        assert screen.query_one("#answer", AnswerBox).text == "?"
        assert not isinstance(app.screen, HelpScreen)


# -- Debrief -----------------------------------------------------------------------------


ANSWERS_WITH_A_FOLLOW_UP = ["blame", "impact mitigation", "timeline next_update"]


async def play_to_debrief(pilot: object, answers: list[str]) -> DebriefScreen:
    await start_rehearsal(pilot)
    for answer in answers:
        await pilot.press(*answer, "enter")  # type: ignore[attr-defined]
        await settle(pilot)
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, DebriefScreen)
    return screen


async def test_debrief_shows_scores_answers_model_answers_and_practice(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await play_to_debrief(pilot, ANSWERS_WITH_A_FOLLOW_UP)
        headline = str(screen.query_one("#headline", Static).render())
        assert f"Overall {screen.debrief.overall}/100" in headline
        assert "The CEO trusts you" in headline
        scores = str(screen.query_one("#score-lines", Static).render())
        for label in ("Impact", "Timeline", "Mitigation", "Next steps", "Clarity", "Ownership"):
            assert label in scores
        practise = str(screen.query_one("#practise-text", Static).render())
        assert practise.startswith("1. ")
        texts = [str(w.render()) for w in screen.query(".yours > Static")]
        assert len(texts) == 3
        assert "blame" in texts[0] and "Blame and deflection" in texts[0]
        assert "→ Say what you own" in texts[0]
        assert "missing: impact, mitigation" in texts[0]
        models = [str(w.render()) for w in screen.query(".model")]
        assert "Checkout failed for 1,200 customers" in models[0]
        assert len(models) == 2  # one per question, beside every answer to it


async def test_debrief_highlights_evidence_and_underlines_flags(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await play_to_debrief(pilot, ANSWERS_WITH_A_FOLLOW_UP)
        first, second = list(screen.query(".yours > Static"))[:2]
        flagged = first.render()
        styles = {str(span.style) for span in flagged.spans}  # type: ignore[union-attr]
        assert any("underline" in s for s in styles)
        evidence = second.render()
        marked = {
            evidence.plain[s.start : s.end]: str(s.style)  # type: ignore[union-attr]
            for s in evidence.spans  # type: ignore[union-attr]
        }
        assert marked["mitigation"] == ELEMENT_STYLES["mitigation"]
        assert marked["impact"] == EVIDENCE_STYLE
        legend = str(screen.query_one("#legend", Static).render())
        assert legend.startswith("Highlighted: figures · timeline · mitigation")
        practise = str(screen.query_one("#practise-text", Static).render())
        assert "across all answers" in practise


async def test_debrief_names_what_the_ceo_gave_up_on_by_the_question(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await play_to_debrief(pilot, ["impact mitigation", "impact", "impact"])
        assert [g.node for g in screen.transcript.gaps] == ["q2"]
        headline = str(screen.query_one("#headline", Static).render())
        assert "The CEO gave up asking about: timeline, next update, asked in “When" in headline
        assert "q2" not in headline


async def test_debrief_retry_starts_again_and_export_writes_markdown(tmp_path: Path) -> None:
    messages: list[Message] = []
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        screen = await play_to_debrief(pilot, ["impact mitigation", "timeline next_update"])
        await pilot.press("e")
        exported = list((tmp_path / "data" / "exports").glob("*.md"))
        assert len(exported) == 1
        assert screen.session_id and screen.session_id in exported[0].name
        assert "impact mitigation" in exported[0].read_text(encoding="utf-8")
        assert any(n.startswith("Exported") for n in notices(messages))
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen)
        assert app.screen.session.transcript.user_turns == []


async def test_debrief_letter_keys_wait_a_moment_so_typing_cannot_retry(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    # Long enough never to run out on a loaded machine; the timer is fired by hand below.
    app.config.keys_guard = 600.0
    async with app.run_test(size=SIZE) as pilot:
        screen = await play_to_debrief(pilot, ["impact mitigation", "timeline next_update"])
        await pilot.press("r", "e")  # letters still being typed as the meeting ends
        await settle(pilot)
        assert app.screen is screen
        assert not (tmp_path / "data" / "exports").exists()
        screen._arm_keys()  # what the guard's timer does when it fires
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RehearsalScreen)


async def test_debrief_h_opens_history_and_escape_goes_home(tmp_path: Path) -> None:
    app = make_app(tmp_path, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        await play_to_debrief(pilot, ["impact mitigation", "timeline next_update"])
        await pilot.press("h")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("last 100" in t for t in option_texts(app))


# -- Help, palette, themes ----------------------------------------------------------------


async def test_help_lists_every_key(tmp_path: Path) -> None:
    from coach.tui.screens.help import _describe, _sections

    app = make_app(tmp_path, store=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-text", Static).render())
        for _title, bindings in _sections():
            for binding in bindings:
                described = _describe(binding)
                if described:
                    assert described[0] in text and described[1] in text
        for key in ("ctrl+j", "f2", "ctrl+g", "ctrl+q", "ctrl+t", "ctrl+p"):
            assert key in text
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_main_actions(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"History")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape", "ctrl+p", *"Rehearse: Engine")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrepScreen)


async def test_light_and_dark_themes(tmp_path: Path) -> None:
    app = make_app(tmp_path, store=False, start=FIXTURE_ID)
    async with app.run_test(size=SIZE) as pilot:
        dark = app.theme
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await start_rehearsal(pilot)
        assert "Sam Ortiz" in screen_text(app)
        await pilot.press("ctrl+t")
        assert app.theme == dark


async def test_every_screen_is_readable_at_80x24_and_200x60(tmp_path: Path) -> None:
    for size in ((80, 24), (200, 60)):
        app = make_app(tmp_path / f"{size[0]}", start=FIXTURE_ID)
        async with app.run_test(size=size) as pilot:
            text = screen_text(app)
            assert "Engine branching fixture" in text and "Start the meeting" in text
            screen = await start_rehearsal(pilot)
            assert "What happened to the checkout service?" in screen_text(app)
            assert screen.query_one("#answer").region.height >= 4
            await pilot.press(*"impact mitigation", "enter")
            await settle(pilot)
            await pilot.press(*"timeline next_update", "enter")
            await settle(pilot)
            assert isinstance(app.screen, DebriefScreen)
            assert "Overall" in screen_text(app)


def test_home_rows_cut_the_summary_on_a_whole_word() -> None:
    from coach.tui.screens.home import TEASER_CHARS, _teaser

    summary = (
        "A configuration error in the 11:02 deployment stopped 91% of orders for 46 minutes "
        "at the lunchtime peak: 3,100 failed orders worth $410,000. A rollback followed."
    )
    teaser = _teaser(summary)
    assert len(teaser) <= TEASER_CHARS + 2 and teaser.endswith(" …")
    assert "3,1" not in teaser
    assert _teaser("Short.  Then more.") == "Short."
