"""Debrief: the scores, what to practise next, and every answer beside the model answer.

Everything shown comes from :func:`coach.engine.debrief.build_debrief` and the
scorer's results in the transcript: evidence spans are highlighted, flags are
underlined and listed with their suggestions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from coach.engine.report import gap_lines
from coach.errors import CoachError
from coach.scoring.names import DIMENSIONS
from coach.textsafe import strip_terminal
from coach.tui.palette import PaletteCommand
from coach.tui.render import (
    answer_content,
    dimension_label,
    legend,
    level_style,
    question_line,
    score_line,
)

if TYPE_CHECKING:
    from coach.engine.debrief import Debrief
    from coach.engine.transcript import Transcript
    from coach.scenario.model import Scenario
    from coach.tui.app import CoachApp

#: A practise-next item quotes at most this much of the answer it points at (a
#: "too long" flag's evidence is the whole answer, which may be 100 KB).
EVIDENCE_QUOTE_CHARS = 160


def _quote(text: str) -> str:
    line = " ".join(text.split())
    if len(line) <= EVIDENCE_QUOTE_CHARS:
        return line
    cut = line[:EVIDENCE_QUOTE_CHARS]
    return (cut[: cut.rfind(" ")] if " " in cut else cut) + " …"


VERDICT_STYLE = {
    "excellent": "bold $text-success",
    "good": "bold $text-success",
    "mixed": "bold $text-warning",
    "poor": "bold $text-error",
    "failed": "bold $text-error",
}


class DebriefScreen(Screen[None]):
    """How the meeting went, and what to fix."""

    CSS_PATH = "debrief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry", id="debrief.retry", tooltip="Rehearse this scenario again"),
        Binding("e", "export", "Export", id="debrief.export", tooltip="Save as Markdown"),
        Binding("h", "history", "History", id="debrief.history", tooltip="Past sessions"),
        Binding(
            "f",
            "followup",
            "Follow-up",
            id="debrief.followup",
            tooltip="Draft the written update to send after the meeting",
        ),
        Binding("escape", "home", "Home", id="debrief.home", tooltip="Back to Home"),
    ]

    def __init__(
        self, scenario: Scenario, transcript: Transcript, *, session_id: str | None = None
    ) -> None:
        super().__init__()
        from coach.engine.debrief import build_debrief

        self.scenario = scenario
        self.transcript = transcript
        self.session_id = session_id
        self.debrief: Debrief = build_debrief(scenario, transcript)

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        d = self.debrief
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(self._headline(), id="headline")
            with Horizontal(id="overview"):
                with Vertical(id="scores"):
                    yield Static("Scores", classes="section-title")
                    yield Static(self._scores(), id="score-lines")
                with Vertical(id="practise"):
                    yield Static("Practise next", classes="section-title")
                    yield Static(self._practise(), id="practise-text")
            yield Static("Your answers beside the model answers", classes="section-title")
            yield Static(legend(), id="legend")
            for review in d.reviews:
                with Vertical(classes="review"):
                    yield Static(
                        question_line(self._ceo_name(), review.question), classes="question"
                    )
                    if review.coaching:
                        yield Static(
                            Content.styled(" ".join(review.coaching.split()), "italic $text-muted"),
                            classes="coaching",
                        )
                    with Horizontal(classes="pair"):
                        with Vertical(classes="yours"):
                            for index in review.answers:
                                yield Static(answer_content(self.transcript.turns[index]))
                        yield Static(
                            Content.assemble(
                                (review.model_answer_label, "bold $text-success"),
                                "\n",
                                " ".join(review.model_answer.split()),
                            ),
                            classes="model",
                        )
            if not d.reviews:
                yield Static("No answers were given.", classes="muted")
        # Outside the scroll, so the actions stay in view at any size.
        with Horizontal(id="debrief-actions"):
            yield Button("Retry", id="retry", variant="primary", compact=True)
            yield Button("Export", id="export", compact=True)
            yield Button("History", id="history", compact=True)
            yield Button("Home", id="home", compact=True)
        yield Footer()

    #: Actions on single letters, held back for a moment after the screen opens.
    GUARDED_ACTIONS: ClassVar[frozenset[str]] = frozenset(
        {"retry", "export", "history", "followup"}
    )

    def on_mount(self) -> None:
        # The report has focus so the arrow keys and page keys scroll it.
        self.query_one("#debrief", VerticalScroll).focus()
        guard = self.coach.config.keys_guard
        self._keys_armed = guard <= 0
        if not self._keys_armed:
            self.set_timer(guard, self._arm_keys)

    def _arm_keys(self) -> None:
        self._keys_armed = True
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None shows the key dimmed in the Footer while it is held back.
        if action in self.GUARDED_ACTIONS and not getattr(self, "_keys_armed", True):
            return None
        return True

    # -- content ---------------------------------------------------------------------

    def _headline(self) -> Content:
        d = self.debrief
        parts: list[Content | str | tuple[str, str]] = [
            (f"Overall {d.overall}/100", f"bold {level_style(d.overall, 100)}"),
            ("   ", ""),
            (strip_terminal(d.title), "bold"),
        ]
        if self.transcript.brief_name:
            # "Your incident: NAME": the scenario only gave the CEO and the questions.
            parts.append((f"  questions from {self.scenario.title}", "dim"))
        parts.append("\n")
        if d.ending_title:
            parts.append((d.ending_title, VERDICT_STYLE.get(d.verdict or "", "bold")))
            parts.append((f"  ({d.verdict})", "dim"))
            if d.ending_summary:
                parts.extend(["\n", " ".join(d.ending_summary.split())])
        else:
            parts.append(
                (f"No ending reached: the session was {d.status} before the CEO wrapped up.", "dim")
            )
        gaps = gap_lines(self.transcript)
        if gaps:
            parts.extend(["\n", ("The CEO gave up asking about: ", "bold"), "; ".join(gaps)])
        return Content.assemble(*parts)

    def _scores(self) -> Content:
        scores = self.debrief.scores
        names = [n for n in DIMENSIONS if n in scores] + [n for n in scores if n not in DIMENSIONS]
        if not names:
            return Content.styled("No answers to score.", "dim")
        return Content("\n").join(score_line(dimension_label(n), scores[n]) for n in names)

    def _practise(self) -> Content:
        items = self.debrief.improvements
        if not items:
            return Content.styled("Nothing cost points. Try a harder scenario.", "dim")
        lines: list[Content] = []
        for number, item in enumerate(items, 1):
            # The points add up over every answer, so they are said to: a bare
            # "−300" beside an overall score out of 100 reads as a mistake.
            parts: list[Content | str | tuple[str, str]] = [
                (f"{number}. {item.title}", "bold"),
                (f"  −{item.points}", "$text-error"),
                (" across all answers", "dim"),
            ]
            if item.detail:
                parts.extend(["\n   ", " ".join(item.detail.split())])
            if item.evidence:
                quote = _quote(strip_terminal(item.evidence))
                parts.extend(["\n   ", ("“" + quote + "”", "italic dim")])
            lines.append(Content.assemble(*parts))
        return Content("\n").join(lines)

    # -- actions -------------------------------------------------------------------------

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        actions = {
            "retry": self.action_retry,
            "export": self.action_export,
            "history": self.action_history,
            "home": self.action_home,
        }
        action = actions.get(event.button.id or "")
        if action is not None:
            action()

    def action_retry(self) -> None:
        # Again as it was: with the brief this session rehearsed, or without one.
        brief = self.transcript.brief
        self.coach.brief = (self.transcript.brief_name or "", brief) if brief else None
        self.coach.start_rehearsal(self.scenario)

    def action_export(self, fmt: Literal["md", "html", "json"] = "md") -> None:
        from coach.tui.services import export_session

        try:
            exported = export_session(
                self.coach.config.data_dir, self.transcript, self.scenario, self.session_id, fmt
            )
        except CoachError as error:
            self.notify(str(error), title="Export failed", severity="error", markup=False)
            return
        self.notify(
            exported.notice, title="Exported", severity=exported.severity, timeout=12, markup=False
        )

    def action_history(self) -> None:
        self.coach.open_history()

    def action_followup(self) -> None:
        from coach.tui.screens.brief import FollowupScreen

        self.coach.push_screen(FollowupScreen(self.transcript, self.session_id))

    def _ceo_name(self) -> str:
        brief = self.transcript.brief
        return brief.ceo_name if brief and brief.ceo_name else self.scenario.ceo.name

    def action_home(self) -> None:
        self.coach.go_home()

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand("Retry this scenario", self.debrief.title, self.action_retry),
            PaletteCommand(
                "Export as Markdown", "Into the data dir's exports/", self.action_export
            ),
            PaletteCommand(
                "Export as HTML", "A self-contained page", lambda: self.action_export("html")
            ),
            PaletteCommand(
                "Export as JSON",
                "Lossless; `coach import` reads it",
                lambda: self.action_export("json"),
            ),
        ]
