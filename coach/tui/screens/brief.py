"""Screens for the user's own incident: the brief form, the brief picker and the follow-up.

- :class:`BriefFormScreen` (``coach brief new``; ``n`` in the picker): one field
  per brief field, validated by the brief model itself (:mod:`coach.brief.form`),
  saved as YAML in the data directory's ``briefs/``. "Save and rehearse" opens
  the Prep screen of the scenario that fits the brief.
- :class:`BriefPickerScreen` (``b`` on Home): choose the brief rehearsals use.
- :class:`FollowupScreen` (``f`` on the Debrief): the written update drafted
  from the session, to copy as Markdown or plain text, or save.

:func:`brief_content` is what the Prep screen shows for a brief: its facts and
the readiness report. All decisions are the core's (:mod:`coach.brief`); these
screens only show them and collect input.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from coach.errors import CoachError
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.brief.followup import Followup
    from coach.brief.model import Brief
    from coach.engine.transcript import Transcript
    from coach.tui.app import CoachApp

#: Option ids in the picker.
NEW_BRIEF = "new"
NO_BRIEF = "none"
BRIEF_PREFIX = "brief:"
#: The picker's action row, and a broken brief's mark, are chips: text on a
#: background of their own, so they read on the panel and on the highlight bar in
#: both themes. Accent-coloured text alone was faint on the light theme's panel,
#: and red text was lost on its highlight bar (tests/test_tui_brief_picker_style.py
#: measures the contrast).
NEW_BRIEF_PROMPT = Content.styled(" + New brief… ", "bold $foreground on $accent-muted")
HAS_ERRORS = " has errors "
ERROR_CHIP = "bold $text-error on $error-muted"


def _one_line(text: str) -> str:
    return " ".join(strip_terminal(text).split())


def brief_content(name: str, brief: Brief, tips: list[str] | None = None) -> Content:
    """The Prep screen's left pane for a brief: its facts, then what it cannot answer yet."""
    from coach.brief.facts import given_facts, join
    from coach.brief.readiness import readiness

    facts = given_facts(brief)
    # Two fields no scenario line speaks, so they are not placeholders; the meeting
    # still asks for them ("what do you need from me?", "when will you know why?").
    for key, value in (
        ("resources", join(brief.resources)),
        ("cause_known_by", brief.cause_known_by),
    ):
        if value and _one_line(value):
            facts[key] = value
    sections = (
        ("What happened", "what_happened"),
        ("System", "system"),
        ("Impact", "impact"),
        ("Cause", "cause"),
        ("When you'll know the cause", "cause_known_by"),
        ("What has been done", "mitigation"),
        ("The plan", "plan"),
        ("When", "eta"),
        ("What you need", "resources"),
        ("People", "people"),
        ("Next update", "next_update"),
    )
    report = readiness(brief)
    parts: list[Content | str | tuple[str, str]] = [
        (f"Your brief: {_one_line(name)}", "bold $text-primary"),
        (f"   ready for {len(report.answered)} of {len(report.counted)} questions", "dim"),
        "\n\n",
    ]
    for title, key in sections:
        value = facts.get(key)
        if value is None:
            continue
        if key == "cause" and brief.cause_status:
            title = f"Cause ({brief.cause_status})"
        parts.extend([(title, "bold $text-accent"), "\n", _one_line(value), "\n\n"])
    if report.gaps or report.notes:
        parts.extend([("Not in your brief yet", "bold $text-warning"), "\n"])
        for item in [*report.gaps, *report.notes]:
            parts.extend([("✗ ", "$text-error"), (item.gap, "bold"), "\n  ", item.advice, "\n"])
            if item.say:
                parts.extend(["  ", ("In the meeting: ", "italic"), item.say, "\n"])
        parts.append("\n")
    if tips:
        parts.extend([("Tips", "bold $text-accent"), "\n"])
        parts.extend(f"• {' '.join(tip.split())}\n" for tip in tips)
    return Content.assemble(*parts).rstrip()


async def rehearse_brief(app: CoachApp, name: str, brief: Brief) -> None:
    """Use this brief for rehearsals and open the Prep screen of the scenario that fits it."""
    from coach.brief.match import match_scenario

    app.brief = (name, brief)
    app.sub_title = f"your incident: {name}"
    catalog = await app.load_catalog()
    try:
        match = match_scenario(brief, catalog.scenarios)
    except CoachError as error:
        app.notify(str(error), title="No scenario", severity="error", markup=False)
        return
    if match.notice:
        app.notify(match.notice, title="Scenario", timeout=10, markup=False)
    app.open_prep(match.scenario, notice=match.notice)


class BriefFormScreen(Screen[None]):
    """Write a brief, or edit one: every field optional."""

    CSS_PATH = "brief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="brief.save", tooltip="Save the brief"),
        Binding(
            "ctrl+r",
            "save_and_rehearse",
            "Save & rehearse",
            id="brief.rehearse",
            tooltip="Save, then prepare the scenario that fits the brief",
        ),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            id="brief.cancel",
            tooltip="Leave without saving (asks first if anything changed)",
        ),
    ]

    def __init__(self, name: str | None = None, brief: Brief | None = None) -> None:
        super().__init__()
        self.brief_name = name
        self.editing = brief is not None
        self.initial = brief
        #: What the fields held when the form opened or was last saved.
        self._saved: tuple[str, ...] = ()
        #: Set once the user chose to quit without saving.
        self._discarded = False

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        from coach.brief.form import FIELDS, form_from_brief

        values = form_from_brief(self.initial) if self.initial is not None else {}
        yield Header()
        with VerticalScroll(id="brief-form"):
            yield Static(
                Content.assemble(
                    ("Your incident brief", "bold"),
                    "\n",
                    (
                        "Fill in what you know; every field is optional. The readiness "
                        "report says what is missing and how to handle it in the meeting.",
                        "dim",
                    ),
                ),
                id="brief-intro",
            )
            rewrites = self._rewrites_note()
            if rewrites is not None:
                yield Static(rewrites, id="brief-rewrites")
            yield Static("Name (a file name: payments-outage)", classes="field-label")
            yield Input(
                value=self.brief_name or "",
                placeholder="payments-outage",
                id="field-name",
                disabled=self.editing,
            )
            yield Static("", id="error-name", classes="field-error")
            for key, label, multi in FIELDS:
                yield Static(label, classes="field-label")
                value = values.get(key, "")
                if multi:
                    yield TextArea(value, id=f"field-{key}", classes="field-multi")
                else:
                    yield Input(value=value, id=f"field-{key}")
                yield Static("", id=f"error-{key}", classes="field-error")
        with Horizontal(id="brief-actions"):
            yield Button("Save", id="save", variant="primary", compact=True)
            yield Button("Save and rehearse", id="rehearse", compact=True)
            yield Button("Cancel", id="cancel", compact=True)
            yield Static("", id="brief-status")
        yield Footer()

    def on_mount(self) -> None:
        first = "#field-role" if self.editing else "#field-name"
        self.query_one(first).focus()
        self._saved = self._snapshot()

    def _rewrites_note(self) -> Content | None:
        """When the brief's file was written by hand or from the template: saving
        from the form rewrites it in the form's layout, so say where the original goes."""
        from coach.brief.store import BriefStore

        if not self.editing or not self.brief_name:
            return None
        store = BriefStore(self.coach.config.data_dir)
        try:
            if not store.rewrites(self.brief_name):
                return None
            backup = store.backup_path(self.brief_name)
        except CoachError:
            return None
        return Content.assemble(
            ("Saving rewrites the file's layout", "bold $text-warning"),
            f" and drops its comments; the file as it is now is kept beside it as "
            f"{_one_line(backup.name)}.",
        )

    def _snapshot(self) -> tuple[str, ...]:
        name = self.query_one("#field-name", Input).value
        return (name, *self.values().values())

    @property
    def dirty(self) -> bool:
        """Whether anything was typed since the form opened or was last saved."""
        return self._snapshot() != self._saved

    def values(self) -> dict[str, str]:
        from coach.brief.form import FIELDS

        out: dict[str, str] = {}
        for key, _, multi in FIELDS:
            if multi:
                out[key] = self.query_one(f"#field-{key}", TextArea).text
            else:
                out[key] = self.query_one(f"#field-{key}", Input).value
        return out

    def _show_errors(self, problems: dict[str, str]) -> None:
        from coach.brief.form import FIELDS

        for key in ("name", *(k for k, _, _ in FIELDS)):
            error = self.query_one(f"#error-{key}", Static)
            error.update(problems.get(key, ""))
            error.display = key in problems
        if problems:
            first = next(iter(problems))
            self.query_one("#brief-status", Static).update(
                Content.styled(f"{len(problems)} field(s) to fix", "$text-error")
            )
            target = self.query(f"#field-{first}")
            if target:
                target.first().focus()
        else:
            self.query_one("#brief-status", Static).update("")

    def save(self) -> tuple[str, Brief] | None:
        """Validate and save; the (name, brief) saved, or None with the errors shown."""
        from coach.brief.form import FormError, brief_from_form
        from coach.brief.store import BriefStore, check_name

        name = self.query_one("#field-name", Input).value.strip()
        problems: dict[str, str] = {}
        try:
            check_name(name)
        except CoachError as error:
            problems["name"] = str(error) if name else "give the brief a name, e.g. payments-outage"
        brief = None
        try:
            brief = brief_from_form(self.values())
        except FormError as error:
            problems.update(error.problems)
        if problems or brief is None:
            self._show_errors(problems)
            return None
        store = BriefStore(self.coach.config.data_dir)
        try:
            backup = store.backup_path(name) if self.editing and store.rewrites(name) else None
            path = store.save(name, brief, overwrite=self.editing)
        except CoachError as error:
            self._show_errors({"name": str(error)})
            return None
        self._show_errors({})
        self.brief_name, self.editing = name, True
        self.query_one("#field-name", Input).disabled = True
        self._saved = self._snapshot()
        self.notify(str(path), title="Brief saved", timeout=6, markup=False)
        if backup is not None:
            self.notify(
                f"The file as it was (comments and all) is in {backup}.",
                title="Original kept",
                timeout=10,
                markup=False,
            )
            rewrites = self.query("#brief-rewrites")
            if rewrites:
                rewrites.first().display = False
        return name, brief

    def action_save(self) -> None:
        self.save()

    async def action_save_and_rehearse(self) -> None:
        saved = self.save()
        if saved is not None:
            await rehearse_brief(self.coach, *saved)

    def action_cancel(self) -> None:
        """Leave; with unsaved changes, only once the user says to discard them."""
        if not self.dirty:
            self._leave()
            return

        def chosen(discard: bool | None) -> None:
            if discard:
                self._leave()

        self.coach.push_screen(DiscardChangesScreen(), chosen)

    def _leave(self) -> None:
        if len(self.coach.screen_stack) > 2:
            self.dismiss()
        else:
            self.coach.go_home()

    def ask_before_quit(self) -> bool:
        """Called when the app is asked to quit: with unsaved changes, ask first and
        return True (the app then waits; "Discard and quit" quits)."""
        if self._discarded or not self.dirty:
            return False
        if isinstance(self.coach.screen, DiscardChangesScreen):
            return True  # already asking

        async def chosen(discard: bool | None) -> None:
            if discard:
                self._discarded = True
                await self.coach.action_quit()

        self.coach.push_screen(DiscardChangesScreen(quitting=True), chosen)
        return True

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#rehearse")
    async def _rehearse_pressed(self) -> None:
        await self.action_save_and_rehearse()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()


class DiscardChangesScreen(ModalScreen[bool]):
    """Asked before unsaved changes to a brief are thrown away: True to discard them."""

    CSS_PATH = "brief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape",
            "keep",
            "Keep editing",
            id="brief-discard.keep",
            tooltip="Back to the brief, as you left it",
        ),
    ]

    def __init__(self, *, quitting: bool = False) -> None:
        super().__init__()
        self.quitting = quitting

    def compose(self) -> ComposeResult:
        leave = "quit" if self.quitting else "leave"
        with Vertical(id="brief-discard"):
            yield Static(
                Content.styled("This brief has changes that are not saved", "bold $text-warning"),
            )
            yield Static(
                f"If you {leave} now, what you typed since the last save is lost. "
                "Keep editing to save it (ctrl+s).",
                id="brief-discard-text",
            )
            with Horizontal(id="brief-discard-actions"):
                yield Button("Keep editing", id="keep", variant="primary", compact=True)
                yield Button(
                    "Discard and quit" if self.quitting else "Discard changes",
                    id="discard",
                    variant="error",
                    compact=True,
                )

    def on_mount(self) -> None:
        # The safe choice has focus: Enter straight away keeps the work.
        self.query_one("#keep", Button).focus()

    @on(Button.Pressed, "#keep")
    def action_keep(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#discard")
    def _discard(self) -> None:
        self.dismiss(True)


class BriefPickerScreen(ModalScreen[None]):
    """Choose the brief rehearsals use, write a new one, or rehearse without one."""

    CSS_PATH = "brief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape", "close", "Close", id="brief-picker.close", tooltip="Keep things as they are"
        ),
        Binding("n", "new", "New brief", id="brief-picker.new", tooltip="Write a new brief"),
        Binding("e", "edit", "Edit", id="brief-picker.edit", tooltip="Edit the highlighted brief"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.problems: dict[str, str] = {}

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="brief-picker"):
            yield Static("Rehearse your own incident", classes="section-title")
            yield OptionList(id="briefs")
            yield Static("", id="brief-picker-help", classes="muted")

    def on_mount(self) -> None:
        from coach.brief.readiness import readiness
        from coach.brief.store import BriefStore

        options = self.query_one("#briefs", OptionList)
        current = self.coach.brief[0] if self.coach.brief else None
        try:
            entries = BriefStore(self.coach.config.data_dir).list()
        except CoachError as error:
            entries = []
            self.notify(str(error), title="Briefs", severity="error", markup=False)
        rows: list[Option] = []
        for entry in entries:
            name = _one_line(entry.name)
            mark = "● " if entry.name == current else "  "
            if entry.brief is None:
                first = next((d for d in entry.diagnostics if d.is_error), None)
                problem = _one_line(first.format()) if first else "cannot be read"
                self.problems[entry.name] = problem
                rows.append(
                    Option(
                        Content.assemble(mark, (name, "bold"), "  ", (HAS_ERRORS, ERROR_CHIP)),
                        id=f"{BRIEF_PREFIX}{entry.name}",
                    )
                )
                continue
            about = _one_line(entry.brief.system or entry.brief.what_happened or "")
            rows.append(
                Option(
                    Content.assemble(
                        mark,
                        (name, "bold"),
                        # Plain: a coloured span vanishes into the light theme's highlight bar.
                        f"  ready {readiness(entry.brief).percent}%",
                        (f"  {about[:50]}", "dim"),
                    ),
                    id=f"{BRIEF_PREFIX}{entry.name}",
                )
            )
        rows.append(Option(NEW_BRIEF_PROMPT, id=NEW_BRIEF))
        if current is not None:
            rows.append(Option(Content.styled("Rehearse without a brief", "dim"), id=NO_BRIEF))
        options.add_options(rows)
        options.highlighted = 0
        options.focus()
        self.query_one("#brief-picker-help", Static).update(
            "Enter: rehearse with it · n: new · e: edit · Esc: close"
        )

    @on(OptionList.OptionSelected, "#briefs")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id == NEW_BRIEF:
            self.action_new()
        elif option_id == NO_BRIEF:
            self.coach.brief = None
            self.coach.sub_title = self.coach.SUB_TITLE
            self.notify("Rehearsals use the scenarios' own facts again.", title="No brief")
            self.dismiss()
        elif option_id.startswith(BRIEF_PREFIX):
            await self._rehearse(option_id.removeprefix(BRIEF_PREFIX))

    async def _rehearse(self, name: str) -> None:
        from coach.brief.store import BriefStore

        if name in self.problems:
            self.notify(
                self.problems[name], title="Fix the brief first", severity="error", markup=False
            )
            return
        try:
            _, brief = BriefStore(self.coach.config.data_dir).load(name)
        except CoachError as error:
            self.notify(str(error), title="Cannot use the brief", severity="error", markup=False)
            return
        self.dismiss()
        await rehearse_brief(self.coach, name, brief)

    def _highlighted_name(self) -> str | None:
        option = self.query_one("#briefs", OptionList).highlighted_option
        if option is None or not (option.id or "").startswith(BRIEF_PREFIX):
            return None
        return (option.id or "").removeprefix(BRIEF_PREFIX)

    def action_new(self) -> None:
        self.dismiss()
        self.coach.push_screen(BriefFormScreen())

    def action_edit(self) -> None:
        from coach.brief.store import BriefStore

        name = self._highlighted_name()
        if name is None:
            return
        try:
            _, brief = BriefStore(self.coach.config.data_dir).load(name)
        except CoachError as error:
            self.notify(str(error), title="Cannot edit it here", severity="error", markup=False)
            return
        self.dismiss()
        self.coach.push_screen(BriefFormScreen(name, brief))

    def action_close(self) -> None:
        self.dismiss()


class FollowupScreen(ModalScreen[None]):
    """The written update to send after the meeting: copy it, or save it."""

    CSS_PATH = "brief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="followup.close", tooltip="Back to the Debrief"),
        Binding(
            "c",
            "copy_markdown",
            "Copy Markdown",
            id="followup.copy-md",
            tooltip="Copy the Markdown draft",
        ),
        Binding(
            "t",
            "copy_text",
            "Copy text",
            id="followup.copy-text",
            tooltip="Copy the plain-text draft",
        ),
        Binding(
            "s",
            "save",
            "Save",
            id="followup.save",
            tooltip="Save both into the data dir's exports/",
        ),
    ]

    def __init__(self, transcript: Transcript, session_id: str | None = None) -> None:
        super().__init__()
        from coach.brief.followup import for_transcript

        self.transcript = transcript
        self.session_id = session_id
        self.followup: Followup = for_transcript(transcript)

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        todos = len(self.followup.todos)
        left = f"{todos} TODO{'s' if todos != 1 else ''} left." if todos else "No TODO left."
        # Where the draft came from stays out of the draft itself (it is copied as is).
        note = f"{self.followup.note} {left}"
        with Vertical(id="followup"):
            yield Static("Your follow-up, drafted", classes="section-title")
            yield Static(note, id="followup-note", classes="muted")
            yield TextArea(
                self.followup.markdown(), id="followup-text", read_only=True, soft_wrap=True
            )
            with Horizontal(id="followup-actions"):
                yield Button("Copy Markdown", id="copy-md", variant="primary", compact=True)
                yield Button("Copy text", id="copy-text", compact=True)
                yield Button("Save", id="save-followup", compact=True)
                yield Button("Close", id="close-followup", compact=True)

    def on_mount(self) -> None:
        self.query_one("#copy-md", Button).focus()

    def action_copy_markdown(self) -> None:
        self.coach.copy_to_clipboard(self.followup.markdown())
        self.notify("The Markdown draft is on the clipboard.", title="Copied")

    def action_copy_text(self) -> None:
        self.coach.copy_to_clipboard(self.followup.text())
        self.notify("The plain-text draft is on the clipboard.", title="Copied")

    def action_save(self) -> None:
        from coach import paths

        directory = paths.data_dir(self.coach.config.data_dir) / "exports"
        stem = self.session_id or self.transcript.started_at.strftime("%Y%m%d-%H%M%S")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            md = directory / f"followup-{stem}.md"
            md.write_text(self.followup.markdown(), encoding="utf-8")
            md.with_suffix(".txt").write_text(self.followup.text(), encoding="utf-8")
        except OSError as error:
            self.notify(
                f"cannot write into {directory}: {error.strerror or error}",
                title="Not saved",
                severity="error",
                markup=False,
            )
            return
        self.notify(str(md), title="Saved (.md and .txt)", timeout=8, markup=False)

    def action_close(self) -> None:
        self.dismiss()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {
            "copy-md": self.action_copy_markdown,
            "copy-text": self.action_copy_text,
            "save-followup": self.action_save,
            "close-followup": self.action_close,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()
