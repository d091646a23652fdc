"""Help (F1 or ?): every key, on every screen, read from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

#: Keys that belong to Textual's own widgets rather than to coach's bindings.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "Move between parts of the screen"),
    ("↑ ↓ / page up / page down", "Move in lists and scroll"),
    ("enter", "Open the highlighted row, press the focused button, send the answer"),
    ("space", "Tick a checklist item"),
    ("ctrl+p", "Command palette: every action by name"),
)


def _sections() -> list[tuple[str, list[BindingType]]]:
    # Imported here: the help lists the screens, the screens do not need the help.
    from coach.tui.app import CoachApp
    from coach.tui.screens.brief import (
        BriefFormScreen,
        BriefPickerScreen,
        DiscardChangesScreen,
        FollowupScreen,
    )
    from coach.tui.screens.corrupt import CorruptStoreScreen
    from coach.tui.screens.debrief import DebriefScreen
    from coach.tui.screens.history import CompareScreen, HistoryScreen
    from coach.tui.screens.home import HomeScreen
    from coach.tui.screens.prep import PrepScreen
    from coach.tui.screens.rehearsal import RehearsalScreen
    from coach.tui.widgets import AnswerBox

    return [
        ("Everywhere", CoachApp.BINDINGS),
        ("Home", HomeScreen.BINDINGS),
        ("Prep", PrepScreen.BINDINGS),
        ("Rehearsal", [*RehearsalScreen.BINDINGS, *AnswerBox.BINDINGS]),
        ("Debrief", DebriefScreen.BINDINGS),
        ("History", HistoryScreen.BINDINGS),
        ("Compare two attempts", CompareScreen.BINDINGS),
        ("Your incident: choose a brief", BriefPickerScreen.BINDINGS),
        ("Your incident: the brief form", BriefFormScreen.BINDINGS),
        ("Leaving a brief with unsaved changes", DiscardChangesScreen.BINDINGS),
        ("The follow-up (Debrief f)", FollowupScreen.BINDINGS),
        ("Damaged session database", CorruptStoreScreen.BINDINGS),
        ("This help", HelpScreen.BINDINGS),
    ]


def _describe(binding: BindingType) -> tuple[str, str] | None:
    if not isinstance(binding, Binding):
        key, _action, *rest = binding
        return key, rest[0] if rest else ""
    label = binding.tooltip or binding.description
    if not label:
        return None
    keys = " / ".join(
        k.strip().replace("question_mark", "?").replace("slash", "/")
        for k in binding.key.split(",")
    )
    return keys, label


class HelpScreen(ModalScreen[None]):
    """Every key coach listens to."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss_help", "Close", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help"):
            yield Static(Content.styled("Keys", "bold $text-accent"), id="help-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._content(), id="help-text")
            yield Static(Content.styled("escape closes this help", "dim"), id="help-hint")

    def _content(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        for title, bindings in _sections():
            rows = [row for row in map(_describe, bindings) if row]
            if not rows:
                continue
            parts.extend([(title, "bold $text-accent"), "\n"])
            parts.extend(Content.assemble((f"  {k:<22}", "bold"), f"{v}\n") for k, v in rows)
            parts.append("\n")
        parts.extend([("Lists, buttons and boxes", "bold $text-accent"), "\n"])
        parts.extend(Content.assemble((f"  {k:<22}", "bold"), f"{v}\n") for k, v in WIDGET_KEYS)
        return Content.assemble(*parts).rstrip()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
