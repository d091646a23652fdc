"""The offer shown when the session database is not a readable database.

The store never writes to such a file. This modal names it and lets the user
choose: move it aside to ``*.corrupt-<timestamp>`` and start a fresh database
(:meth:`coach.tui.services.StoreHandle.reset_corrupt`), or carry on without
history (rehearsals work, nothing is saved, the file stays as it is).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from coach.textsafe import strip_terminal

#: What the modal returns: move the file aside, or go on without history.
MOVE_ASIDE = True
CONTINUE = False


class CorruptStoreScreen(ModalScreen[bool]):
    """Ask what to do with a damaged session database."""

    CSS_PATH = "corrupt.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "m",
            "move_aside",
            "Move aside",
            id="corrupt.move",
            tooltip="Move the damaged database aside and start a fresh one",
        ),
        Binding(
            "escape",
            "continue",
            "Continue",
            id="corrupt.continue",
            tooltip="Continue without history (the damaged file is left as it is)",
        ),
    ]

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__()
        self.path = path
        self.problem = problem

    def compose(self) -> ComposeResult:
        path = strip_terminal(str(self.path))
        with Vertical(id="corrupt"):
            yield Static(
                Content.styled("The session database cannot be read", "bold $text-error"),
                id="corrupt-title",
            )
            yield Static(
                Content.assemble(
                    (path, "bold"),
                    " is not a readable coach database. It has not been changed.\n\n",
                    "Move it aside to ",
                    (f"{Path(path).name}.corrupt-<timestamp>", "bold"),
                    " (kept, not deleted) and start a fresh history, or continue without "
                    "history: rehearsals work, but nothing is saved.",
                ),
                id="corrupt-text",
            )
            with Horizontal(id="corrupt-actions"):
                yield Button(
                    "Move it aside and start fresh",
                    id="move-aside",
                    variant="primary",
                    compact=True,
                )
                yield Button("Continue without history", id="continue", compact=True)

    def on_mount(self) -> None:
        self.query_one("#move-aside", Button).focus()

    @on(Button.Pressed, "#move-aside")
    def action_move_aside(self) -> None:
        self.dismiss(MOVE_ASIDE)

    @on(Button.Pressed, "#continue")
    def action_continue(self) -> None:
        self.dismiss(CONTINUE)
