"""The whole app, Home -> Prep -> Rehearsal -> Debrief, and the bad input it must survive."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from test_tui_screens import option_texts, settle
from textual import events
from textual.message import Message
from tui_support import make_app, notices, scenario_dir, screen_text

from coach.store import SessionStore
from coach.tui.screens.debrief import DebriefScreen
from coach.tui.screens.home import HomeScreen
from coach.tui.screens.prep import PrepScreen
from coach.tui.screens.rehearsal import RehearsalScreen
from coach.tui.widgets import AnswerBox

SIZE = (100, 30)


async def test_full_flow_with_follow_ups(tmp_path: Path) -> None:
    """From Home to the Debrief, through two kinds of follow-up: the same
    question pushed back ("I don't need a culprit") and a follow-up node."""
    app = make_app(tmp_path, scenario_dirs=[str(scenario_dir(tmp_path))])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash", *"branching", "enter", "enter")
        assert isinstance(app.screen, PrepScreen)
        await pilot.press("enter")
        await settle(pilot)
        rehearsal = app.screen
        assert isinstance(rehearsal, RehearsalScreen)
        assert "What happened to the checkout service?" in screen_text(app)

        await pilot.press(*"honestly it was the blame of the vendor", "enter")
        await settle(pilot)
        assert "I don't need a culprit, I need a plan." in screen_text(app)
        assert rehearsal.session.transcript.node == "q1"

        await pilot.press(*"the impact is 1,200 customers", "enter")
        await settle(pilot)
        assert "What have you done to stop it?" in screen_text(app)
        assert rehearsal.session.transcript.node == "q1f"

        await pilot.press(*"mitigation: rolled back at 14:05", "enter")
        await settle(pilot)
        assert "When is it fixed" in screen_text(app)

        await pilot.press(*"timeline 18:00, next_update at 16:00", "enter")
        await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.debrief.ending_id == "shaky"
        text = screen_text(app)
        assert f"Overall {debrief.debrief.overall}/100" in text
        session_id = rehearsal.session_id
        assert session_id is not None

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("1 attempt" in t for t in option_texts(app))

    store = SessionStore.open(tmp_path / "data")
    try:
        saved = store.get(session_id)
    finally:
        store.close()
    assert saved.status == "finished"
    assert saved.user_turns[0].text == "honestly it was the blame of the vendor"
    assert len(saved.user_turns) == 4


# -- bad input ------------------------------------------------------------------------------


async def test_a_100_kb_paste_neither_crashes_nor_freezes(tmp_path: Path) -> None:
    app = make_app(tmp_path, start="engine-branching", live_hints=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        box = screen.query_one("#answer", AnswerBox)
        paste = ("impact mitigation with 1,200 customers affected.\n" * 2100)[:100_000]
        started = time.perf_counter()
        app.post_message(events.Paste(paste))  # as the terminal driver delivers it
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        assert box.text == paste
        await pilot.press("x")  # still typing
        assert box.text.endswith("x")
        await pilot.press("enter")
        await settle(pilot)
        elapsed = time.perf_counter() - started
        assert len(screen.session.transcript.user_turns[0].text) == 100_001
        assert "more characters" in screen_text(app) or screen.query(".message.you")
        assert "When is it fixed" in screen_text(app)
        assert elapsed < 30, f"a 100 KB paste took {elapsed:.1f}s"


async def test_resizing_to_40x12_and_back_on_every_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path, scenario_dirs=[str(scenario_dir(tmp_path))])
    async with app.run_test(size=SIZE) as pilot:

        async def squeeze() -> None:
            await pilot.resize_terminal(40, 12)
            await settle(pilot)
            await pilot.resize_terminal(*SIZE)
            await settle(pilot)

        await settle(pilot)
        await squeeze()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash", *"branching", "enter", "enter")
        await squeeze()
        assert isinstance(app.screen, PrepScreen)
        await pilot.press("enter")
        await settle(pilot)
        await squeeze()
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        assert app.focused is screen.query_one("#answer")
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        await pilot.resize_terminal(40, 12)
        await pilot.press(*"timeline next_update", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        await squeeze()
        assert "Overall" in screen_text(app)


async def test_ctrl_q_mid_session_keeps_the_answers_given(tmp_path: Path) -> None:
    app = make_app(tmp_path, start="engine-branching")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        await pilot.press(*"blame", "enter")
        await settle(pilot)
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        await pilot.press(*"a draft still being typed")
        session_id = screen.session_id
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert session_id is not None
    store = SessionStore.open(tmp_path / "data")
    try:
        saved = store.get(session_id)
        assert saved.status == "unfinished"
        assert [t.text for t in saved.user_turns] == ["blame", "impact mitigation"]
        assert saved.node == "q2"
        assert [s.id for s in store.unfinished()] == [session_id]
    finally:
        store.close()


async def test_a_scenario_dir_full_of_broken_files(tmp_path: Path) -> None:
    directory = scenario_dir(tmp_path)
    (directory / "empty.yaml").write_text("", encoding="utf-8")
    (directory / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (directory / "image.yaml").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (directory / "typo.yaml").write_text(
        (directory / "branching.yaml").read_text(encoding="utf-8").replace("title:", "titel:", 1),
        encoding="utf-8",
    )
    messages: list[Message] = []
    app = make_app(tmp_path, store=False, scenario_dirs=[str(directory), str(tmp_path / "nope")])
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("Engine branching fixture" in t for t in option_texts(app))
        notice = next(n for n in notices(messages) if "could not be loaded" in n)
        assert "… and" in notice  # more problems than the notice lists
        assert "coach validate" in notice
        await pilot.press("enter")
        assert isinstance(app.screen, PrepScreen)


async def test_scoring_a_draft_never_blocks_typing(tmp_path: Path) -> None:
    """Live hints score the draft off the event loop: while the scorer is busy
    with one draft, keystrokes still land in the answer box."""
    from tui_support import demo_score

    busy = threading.Event()
    release = threading.Event()
    done = threading.Event()

    def slow_score(text: str, **kwargs: object) -> object:
        if text.startswith("impact"):  # only the draft; the engine's own calls pass
            busy.set()
            release.wait(timeout=3)
            done.set()
        return demo_score(text, **kwargs)  # type: ignore[arg-type]

    app = make_app(tmp_path, start="engine-branching", live_hints=True)
    app.config.scorer = slow_score  # type: ignore[assignment]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        await pilot.press(*"impact")
        for _ in range(50):  # the debounce fires and the scorer starts on the draft
            if busy.is_set():
                break
            await pilot.pause(0.05)
        assert busy.is_set()
        await pilot.press(*" and mitigation")
        assert screen.query_one("#answer", AnswerBox).text == "impact and mitigation"
        assert not done.is_set()  # typed while the scorer was still busy
        release.set()
        await pilot.pause(0.5)
        await settle(pilot)
        assert "✓ impact" in str(screen.query_one("#hints").render())


async def test_resume_entry_opens_the_rehearsal_at_its_node(tmp_path: Path) -> None:
    """What `coach rehearse --resume ID` does: the app opens on the Rehearsal."""
    from test_tui_screens import stored_session

    data = tmp_path / "data"
    session_id = stored_session(data, ["blame them"], finish=False)
    app = make_app(tmp_path, data_dir=data)
    transcript = app.store.load(session_id)
    scenario = app.catalog.get(transcript.scenario_id)  # type: ignore[union-attr]
    assert scenario is not None
    app.start_session = (session_id, app.resumed_session(scenario, transcript))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RehearsalScreen)
        assert "I don't need a culprit, I need a plan." in screen_text(app)
        assert app.focused is screen.query_one("#answer")
        await pilot.press(*"impact mitigation", "enter")
        await settle(pilot)
        assert "When is it fixed" in screen_text(app)
    store = SessionStore.open(data)
    try:
        saved = store.get(session_id)
    finally:
        store.close()
    assert [t.text for t in saved.user_turns] == ["blame them", "impact mitigation"]


async def test_full_flow_on_a_shipped_scenario_with_the_real_scorer(tmp_path: Path) -> None:
    """A vague, hedged first answer draws a CEO follow-up; strong answers then
    carry the meeting to an ending and the Debrief."""
    import yaml

    scenario_id = "fullstack-checkout-release"
    answers = Path(__file__).parent / "data" / "playthroughs"
    weak = yaml.safe_load((answers / f"{scenario_id}.weak.yaml").read_text(encoding="utf-8"))
    strong = yaml.safe_load((answers / f"{scenario_id}.strong.yaml").read_text(encoding="utf-8"))
    app = make_app(tmp_path, real=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        catalog = app.catalog
        assert catalog is not None
        title = catalog.get(scenario_id).title  # type: ignore[union-attr]
        await pilot.press("slash", *title, "enter", "enter")
        assert isinstance(app.screen, PrepScreen)
        await pilot.press("enter")
        await settle(pilot)
        rehearsal = app.screen
        assert isinstance(rehearsal, RehearsalScreen)
        box = rehearsal.query_one("#answer", AnswerBox)

        box.insert(" ".join(weak[0].split()))
        await pilot.press("enter")
        await settle(pilot)
        pushback = [t for t in rehearsal.session.transcript.turns[2:] if t.speaker == "ceo"]
        assert pushback and pushback[0].kind in ("follow_up", "reaction")
        assert len(rehearsal.query(".message.ceo")) == 1 + len(pushback)  # all on screen

        for answer in strong:
            if not isinstance(app.screen, RehearsalScreen):
                break
            box.insert(" ".join(answer.split()))
            await pilot.press("enter")
            await settle(pilot)
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen), "the strong answers should reach an ending"
        assert debrief.debrief.ending_id is not None
        assert f"Overall {debrief.debrief.overall}/100" in screen_text(app)
