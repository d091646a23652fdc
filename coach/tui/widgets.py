"""Small widgets the screens share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, TextArea

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


class Checklist(OptionList):
    """Items to tick, each wrapped over as many lines as it needs (a SelectionList
    cuts long items short). Enter or space ticks the highlighted item."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", "Tick", show=False, id="checklist.tick"),
    ]

    class Changed(Message):
        """The set of ticked items changed."""

        def __init__(self, checklist: Checklist) -> None:
            super().__init__()
            self.checklist = checklist

        @property
        def control(self) -> Checklist:
            return self.checklist

    def __init__(
        self, items: list[str], *, ticked: Iterable[int] = (), id: str | None = None
    ) -> None:
        self._items = items
        self._ticked: set[int] = set(ticked)
        super().__init__(*(self._prompt(i) for i in range(len(items))), id=id, markup=False)

    @property
    def selected(self) -> list[int]:
        """Indexes of the ticked items, in order."""
        return sorted(self._ticked)

    def _prompt(self, index: int) -> Content:
        mark = ("☑ ", "$text-success") if index in self._ticked else ("☐ ", "")
        return Content.assemble(mark, self._items[index])

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        self._ticked ^= {index}
        self.replace_option_prompt_at_index(index, self._prompt(index))
        self.post_message(self.Changed(self))
