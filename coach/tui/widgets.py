"""Small widgets the screens share."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea

#: The key that inserts a newline in the answer box. Enter sends the answer;
#: terminals send ctrl+j as a plain line feed, so it works everywhere, while
#: shift+enter only reaches the app in terminals with the kitty keyboard protocol.
NEWLINE_KEYS = "ctrl+j,shift+enter"


class AnswerBox(TextArea):
    """A multi-line answer box: Enter submits, ctrl+j (or shift+enter) starts a new line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            NEWLINE_KEYS,
            "newline",
            "New line",
            key_display="^j",
            tooltip="Start a new line in the answer (Enter sends it)",
            id="answer.newline",
        ),
    ]

    class Submitted(Message):
        """The user pressed Enter to send ``text``."""

        def __init__(self, box: AnswerBox, text: str) -> None:
            super().__init__()
            self.box = box
            self.text = text

        @property
        def control(self) -> AnswerBox:
            return self.box

    def __init__(self, *, id: str | None = None, placeholder: str = "") -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            placeholder=placeholder,
            highlight_cursor_line=False,
        )

    async def _on_key(self, event: events.Key) -> None:
        # TextArea inserts a newline on Enter; here Enter sends the answer instead
        # (the documented way to change a TextArea key is to override _on_key).
        if event.key == "enter" and not self.read_only:
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        await super()._on_key(event)

    def action_newline(self) -> None:
        if not self.read_only:
            self.insert("\n")
