"""The brief form never loses work silently: leaving (Esc, Cancel) or quitting
(ctrl+q) with unsaved changes asks first, a pristine form leaves at once, and
saving over a hand-written file keeps the original beside it and says so."""

from __future__ import annotations

from pathlib import Path

from test_tui_brief import fill
from test_tui_screens import settle
from textual.message import Message
from textual.widgets import Button, Input, Static
from tui_support import make_app, notices, screen_text

from coach.brief.store import BriefStore
from coach.tui.screens.brief import BriefFormScreen, BriefPickerScreen, DiscardChangesScreen
from coach.tui.screens.home import HomeScreen

SIZE = (110, 40)
HAND_WRITTEN = """\
# Written by hand the night before the meeting.
system: the payments gateway   # the EU one
cause: an expired certificate
"""


async def open_form(pilot: object, app: object) -> BriefFormScreen:
    await settle(pilot)
    await pilot.press("b")  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("n")  # type: ignore[attr-defined]
    await settle(pilot)
    form = app.screen  # type: ignore[attr-defined]
    assert isinstance(form, BriefFormScreen)
    return form


async def test_esc_on_a_pristine_form_leaves_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        assert not form.dirty
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_esc_with_unsaved_changes_asks_and_keeps_editing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        await pilot.press(*"payments")  # the name field has focus
        fill(form, system="the payments gateway")
        assert form.dirty
        await pilot.press("escape")
        await settle(pilot)
        ask = app.screen
        assert isinstance(ask, DiscardChangesScreen)
        assert "changes that are not saved" in screen_text(app)
        assert app.focused is ask.query_one("#keep", Button)  # Enter keeps the work
        await pilot.press("escape")  # Esc in the question keeps editing too
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#field-system", Input).value == "the payments gateway"
        # Cancel asks the same; Keep editing returns to the form as it was.
        await pilot.click("#cancel")
        await settle(pilot)
        assert isinstance(app.screen, DiscardChangesScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and form.query_one("#field-name", Input).value == "payments"
        # Discard leaves, and nothing was written.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert BriefStore(tmp_path / "data").names() == []


async def test_a_saved_form_leaves_without_asking(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        await pilot.press(*"payments")
        fill(form, system="the payments gateway")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not form.dirty
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    assert BriefStore(tmp_path / "data").load("payments")[1].system == "the payments gateway"


async def test_ctrl_q_with_unsaved_changes_asks_before_quitting(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_form(pilot, app)
        fill(form, system="the payments gateway")
        await pilot.press("ctrl+q")
        await settle(pilot)
        ask = app.screen
        assert isinstance(ask, DiscardChangesScreen) and ask.quitting
        assert str(ask.query_one("#discard", Button).label) == "Discard and quit"
        await pilot.press("ctrl+q")  # asked already: not a second question on top
        await settle(pilot)
        assert app.screen is ask and len(app.screen_stack) == 4  # base, Home, form, ask
        await pilot.press("enter")  # keep editing
        await settle(pilot)
        assert app.screen is form and app.is_running
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.click("#discard")
        await settle(pilot)
        assert not app.is_running


async def test_ctrl_q_on_a_pristine_form_quits_at_once(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot, app)
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert not app.is_running


async def test_editing_a_hand_written_brief_says_saving_rewrites_it_and_keeps_it(
    tmp_path: Path,
) -> None:
    store = BriefStore(tmp_path / "data")
    path = store.save_text("payments", HAND_WRITTEN)
    app = make_app(tmp_path)
    messages: list[Message] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BriefPickerScreen)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BriefFormScreen) and not form.dirty
        note = str(form.query_one("#brief-rewrites", Static).render())
        assert note.startswith("Saving rewrites the file's layout")
        assert "drops its comments" in note and "kept beside it as payments.yaml.bak" in note
        fill(form, plan="renew the certificate")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not form.query_one("#brief-rewrites", Static).display
    backup = path.with_name("payments.yaml.bak")
    assert backup.read_text(encoding="utf-8") == HAND_WRITTEN
    assert store.load("payments")[1].plan == "renew the certificate"
    assert any(n.startswith("Original kept:") and str(backup) in n for n in notices(messages))


async def test_a_brief_the_form_wrote_has_no_rewrite_note(tmp_path: Path) -> None:
    from coach.brief.loader import load_brief_text

    BriefStore(tmp_path / "data").save("payments", load_brief_text(HAND_WRITTEN))
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, BriefFormScreen)
        assert not app.screen.query("#brief-rewrites")
