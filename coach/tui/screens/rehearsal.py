"""Rehearsal: the CEO asks, you answer, the CEO reacts.

The engine decides everything (what the CEO says next, scores, patience); this
screen shows it. CEO lines appear after a short "typing" delay played in a
worker, the answer box has focus whenever it is your turn, every turn is saved
through the store as it happens, and live hints score the draft in a thread so
typing never waits for the scorer.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, Static, TextArea
from textual.worker import get_current_worker

from coach.textsafe import strip_terminal
from coach.tui.palette import PaletteCommand
from coach.tui.render import (
    clock,
    draft_status,
    element_label,
    patience_content,
)
from coach.tui.widgets import AnswerBox

if TYPE_CHECKING:
    from coach.engine.session import Session
    from coach.engine.transcript import Turn
    from coach.scoring.result import AnswerResult
    from coach.tui.app import CoachApp

#: The log shows this much of a very long answer (the Debrief and exports keep all of it).
LOG_PREVIEW_CHARS = 2_000
#: Wait this long after the last keystroke before scoring the draft for hints.
HINT_DEBOUNCE = 0.15
#: Refresh the answer timer this often (seconds).
TICK = 0.5
PATIENCE = "patience"


class RehearsalScreen(Screen[None]):
    """One rehearsal, from the CEO's first line to the ending."""

    CSS_PATH = "rehearsal.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f2",
            "toggle_hints",
            "Hints",
            id="rehearsal.hints",
            tooltip="Show which expected points your draft already covers",
        ),
        Binding(
            "ctrl+g",
            "end_meeting",
            "End now",
            id="rehearsal.end",
            tooltip="Stop here and see the debrief of the answers so far",
        ),
        Binding(
            "escape",
            "leave",
            "Pause",
            id="rehearsal.pause",
            tooltip="Back to Home; the session is kept to resume later",
        ),
    ]

    def __init__(
        self, session: Session, *, session_id: str | None = None, resumed: bool = False
    ) -> None:
        super().__init__()
        self.session = session
        self.session_id = session_id
        self.resumed = resumed
        self.ceo_typing = False
        self.hints_on = False
        self._asked_at: float | None = None
        self._hint_timer: Timer | None = None
        self._save_problem: str | None = None
        self._finished = False

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    @property
    def ceo_name(self) -> str:
        # The session's facts carry the CEO's name from the user's brief, if it gives one.
        return self.session.facts.get("ceo_name") or self.session.scenario.ceo.name

    # -- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        scenario = self.session.scenario
        yield Header()
        with Vertical(id="rehearsal"):
            with Horizontal(id="status-bar"):
                # With a brief the incident is the user's own, not the scenario's.
                brief_name = self.session.transcript.brief_name
                title = f"Your incident: {brief_name}" if brief_name else scenario.title
                yield Static(
                    Content.assemble((title, "bold"), (f"  with {self.ceo_name}", "dim")),
                    id="scenario-title",
                )
                yield Static("", id="patience")
                yield Static("", id="timer")
            yield VerticalScroll(id="log")
            yield Static(f"{self.ceo_name} is typing…", id="typing")
            yield Static("", id="hints")
            yield AnswerBox(
                id="answer",
                placeholder="Your answer. Enter sends it; ctrl+j starts a new line.",
            )
            yield Static("", id="draft-status")
        yield Footer()

    def on_mount(self) -> None:
        self.hints_on = self.coach.config.live_hints
        self.query_one("#hints").display = self.hints_on
        self.query_one("#typing").display = False
        self._show_patience()
        self.set_interval(TICK, self._tick)
        self.query_one("#answer", AnswerBox).focus()
        from coach.engine.states import State

        if self.resumed and self.session.state is not State.BRIEFING:
            for turn in self.session.transcript.turns:
                self._add_turn(turn)
            self.notify("Picking up where you left off.", title="Resumed", timeout=4)
            self._after_ceo()
            return
        turns = self.session.begin()
        self._save()
        self._play(turns)

    def on_resize(self) -> None:
        # A smaller terminal keeps the newest line in view. (Not Textual's anchor():
        # it pins a short log to the bottom of the pane, far from the status bar.)
        log = self.query_one("#log", VerticalScroll)
        self.call_after_refresh(log.scroll_end, animate=False)

    # -- the conversation ----------------------------------------------------------

    def _add_turn(self, turn: Turn) -> None:
        log = self.query_one("#log", VerticalScroll)
        if turn.speaker == "ceo":
            who = Content.styled(self.ceo_name, "bold $text-accent")
            kind = {"follow_up": "  (follow-up)", "ending": "  (closing)"}.get(turn.kind, "")
            body = Content(strip_terminal(turn.text))
            widget = Static(Content.assemble(who, (kind, "dim"), "\n", body), classes="message ceo")
        else:
            text = strip_terminal(turn.text)
            if len(text) > LOG_PREVIEW_CHARS:
                more = len(text) - LOG_PREVIEW_CHARS
                text = f"{text[:LOG_PREVIEW_CHARS]}… ({more:,} more characters)"
            widget = Static(
                Content.assemble(Content.styled("You", "bold $text-primary"), "\n", text),
                classes="message you",
            )
        log.mount(widget)
        log.scroll_end(animate=False)

    @work(exclusive=True, group="ceo")
    async def _play(self, turns: list[Turn]) -> None:
        """Show the CEO's lines one by one, each after the typing delay."""
        delay = self.coach.config.typing_delay
        typing = self.query_one("#typing", Static)
        self.ceo_typing = True
        self._asked_at = None
        try:
            for turn in turns:
                if delay > 0:
                    typing.display = True
                    await asyncio.sleep(delay)
                    typing.display = False
                self._add_turn(turn)
        finally:
            typing.display = False
            self.ceo_typing = False
        self._after_ceo()

    def _after_ceo(self) -> None:
        self._show_patience()
        if self.session.awaiting_answer:
            self._asked_at = self.coach.config.clock()
            self._update_draft_status()
            answer = self.query_one("#answer", AnswerBox)
            answer.focus()
            if self.hints_on:
                self._schedule_hints()
            return
        self._finish()

    def _finish(self) -> None:
        """The meeting is over: close the session, save it and open the Debrief."""
        if self._finished:
            return
        self._finished = True
        self._asked_at = None
        self.session.close()
        self._save()
        from coach.tui.screens.debrief import DebriefScreen

        self.app.switch_screen(
            DebriefScreen(
                self.session.scenario, self.session.transcript, session_id=self.session_id
            )
        )

    @on(AnswerBox.Submitted, "#answer")
    def _submitted(self, event: AnswerBox.Submitted) -> None:
        if self.ceo_typing:
            self.notify(f"Let {self.ceo_name} finish first.", timeout=2)
            return
        if not self.session.awaiting_answer:
            return
        try:
            turns = self.session.answer(event.text)
        except ValueError as error:
            # Refused by the engine; nothing changed, so nothing else happens here.
            self.notify(str(error), title="Nothing to send", severity="warning", timeout=4)
            return
        answer = self.session.transcript.user_turns[-1]
        event.box.clear()
        self._add_turn(answer)
        self._clear_hints()
        self._save()
        self._play(turns)

    # -- saving --------------------------------------------------------------------

    def _save(self) -> None:
        session_id, problem = self.coach.store.save(self.session_id, self.session.transcript)
        self.session_id = session_id
        if problem and problem != self._save_problem:
            self.notify(
                f"{problem}. The rehearsal goes on; this session is kept in memory only.",
                title="Not saved",
                severity="error",
                timeout=10,
                markup=False,
            )
        self._save_problem = problem

    def keep_for_later(self) -> None:
        """On quit: store the session as it is (unfinished, resumable)."""
        if not self._finished:
            self._save()

    # -- status: timer, draft length, patience --------------------------------------

    def _tick(self) -> None:
        self._update_draft_status()

    def _update_draft_status(self) -> None:
        node = self.session.current_node
        text = self.query_one("#answer", AnswerBox).text
        if self._asked_at is None:
            elapsed = "–:––"
        else:
            elapsed = clock(self.coach.config.clock() - self._asked_at)
        self.query_one("#timer", Static).update(Content.assemble(("Time ", "dim"), elapsed))
        budget = node.budget if node else None
        self.query_one("#draft-status", Static).update(
            Content.assemble(
                draft_status(text, budget),
                ("  ·  Enter sends · ctrl+j new line · F2 hints", "dim"),
            )
        )

    def _show_patience(self) -> None:
        start = self.session.scenario.ceo.patience
        current = self.session.transcript.variables.get(PATIENCE, start)
        self.query_one("#patience", Static).update(patience_content(current, start))

    @on(TextArea.Changed, "#answer")
    def _draft_changed(self) -> None:
        self._update_draft_status()
        if self.hints_on:
            self._schedule_hints()

    # -- live hints ------------------------------------------------------------------

    def _schedule_hints(self) -> None:
        if self._hint_timer is not None:
            self._hint_timer.stop()
        self._hint_timer = self.set_timer(HINT_DEBOUNCE, self._score_draft)

    def _score_draft(self) -> None:
        node = self.session.current_node
        if node is None or not self.session.awaiting_answer:
            return
        self._score_in_thread(self.query_one("#answer", AnswerBox).text, node.id)

    @work(thread=True, exclusive=True, group="hints")
    def _score_in_thread(self, text: str, node_id: str) -> None:
        # A thread: scoring a long draft must never hold up a keystroke.
        result = self.session.draft_result(text) if text.strip() else None
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_hints, result, node_id)

    def _show_hints(self, result: AnswerResult | None, node_id: str) -> None:
        node = self.session.current_node
        if not self.hints_on or node is None or node.id != node_id:
            return
        hints = self.query_one("#hints", Static)
        expects = list(node.expects)
        if result is None:
            wanted = ", ".join(element_label(e) for e in expects) or "a clear answer"
            hints.update(Content.assemble(("Hints ", "bold"), f"The CEO wants: {wanted}."))
            return
        parts: list[Content | str | tuple[str, str]] = [("Hints ", "bold")]
        for name in expects:
            element = result.elements.get(name)
            if element is not None and element.present:
                parts.append((f"✓ {element_label(name)}  ", "$text-success"))
            else:
                parts.append((f"✗ {element_label(name)}  ", "$text-error"))
        if result.flags:
            codes = ", ".join(dict.fromkeys(f.code.replace("_", " ") for f in result.flags))
            parts.append((f"⚑ {codes}", "$text-warning"))
        hints.update(Content.assemble(*parts))

    def _clear_hints(self) -> None:
        self.query_one("#hints", Static).update("")

    # -- actions ---------------------------------------------------------------------

    def action_toggle_hints(self) -> None:
        self.hints_on = not self.hints_on
        self.query_one("#hints").display = self.hints_on
        if self.hints_on:
            self._score_draft()
        self.notify(f"Live hints {'on' if self.hints_on else 'off'}.", timeout=2)

    def action_end_meeting(self) -> None:
        if self._finished:
            return
        self.workers.cancel_group(self, "ceo")
        self.session.abandon()
        self._finish()

    def action_leave(self) -> None:
        self.keep_for_later()
        if self._save_problem is None and self.coach.store.available:
            self.notify("Saved. Resume it from Home.", title="Paused", timeout=4)
        self.coach.go_home()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand(
                "Toggle live hints", "Show what the draft covers", self.action_toggle_hints
            ),
            PaletteCommand(
                "End the meeting now", "See the debrief so far", self.action_end_meeting
            ),
            PaletteCommand("Pause and go Home", "Resume this session later", self.action_leave),
        ]
