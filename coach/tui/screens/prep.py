"""Prep: the situation brief, a checklist to tick, the role's glossary, and Start.

The Start button has focus when the screen opens, so Enter begins the rehearsal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from coach.tui.palette import PaletteCommand
from coach.tui.widgets import Checklist

if TYPE_CHECKING:
    from coach.scenario.model import Scenario
    from coach.tui.app import CoachApp

#: What the brief shows, in the order someone would tell it.
BRIEF_SECTIONS: tuple[tuple[str, str], ...] = (
    ("What happened", "what_happened"),
    ("System", "system"),
    ("Impact", "impact"),
    ("Cause", "cause"),
    ("What has been done", "mitigation"),
    ("The plan", "plan"),
    ("When", "eta"),
    ("People", "people"),
    ("Next update", "next_update"),
)
CAUSE_STATUS = {
    "known": "known",
    "suspected": "suspected, not confirmed",
    "unknown": "not known yet",
}


class PrepScreen(Screen[None]):
    """Read the brief, tick the checklist, then start."""

    CSS_PATH = "prep.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "start", "Start", id="prep.start", tooltip="Start the rehearsal"),
        Binding("escape", "back", "Back", id="prep.back", tooltip="Back to Home"),
        Binding(
            "c",
            "focus_checklist",
            "Checklist",
            id="prep.checklist",
            show=False,
            tooltip="Go to the checklist (space ticks an item)",
        ),
    ]

    def __init__(self, scenario: Scenario, *, notice: str | None = None) -> None:
        super().__init__()
        self.scenario = scenario
        #: Why this scenario was chosen for the brief (no scenario for its role, so
        #: the general one): the toast fades, so the screen keeps it under the heading.
        self.notice = notice

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        s = self.scenario
        chosen = self.coach.brief
        # With a brief, the incident is the user's own: the scenario gives the CEO
        # and the questions, so its title (another incident) steps back.
        heading: tuple[str, str] = (s.title, "bold")
        detail = f"   {s.role} · {s.difficulty}"
        if chosen is not None:
            heading = (f"Your incident: {chosen[0]}", "bold")
            detail = f"   {s.role} questions · {s.difficulty}"
        checklist, ticked = self._checklist()
        yield Header()
        with Vertical(id="prep"):
            # The notice goes right under the heading it explains.
            notice = (
                Content.assemble(("Note: ", "bold $text-warning"), self.notice, "\n")
                if self.notice
                else ""
            )
            yield Static(
                Content.assemble(
                    heading,
                    (detail, "dim"),
                    "\n",
                    notice,
                    ("You are meeting ", ""),
                    (self._ceo_name(), "bold"),
                    f" — {' '.join(s.ceo.style.split())}",
                ),
                id="prep-title",
            )
            with Horizontal(id="prep-body"):
                with VerticalScroll(id="brief"):
                    yield Static(self._brief(), id="brief-text")
                with Vertical(id="prep-side"):
                    yield Static("Before you walk in", classes="section-title")
                    yield Checklist(checklist, ticked=ticked, id="checklist")
                    yield Static("Glossary", classes="section-title")
                    with VerticalScroll(id="glossary"):
                        yield Static(self._glossary(), id="glossary-text")
            with Horizontal(id="prep-actions"):
                yield Button("Start the meeting", id="start", variant="primary")
                yield Static("", id="checklist-count")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()
        self._count()

    def _checklist(self) -> tuple[list[str], list[int]]:
        """The questions to prepare and those already answered. The scenario's
        checklist asks about its own incident; with a brief, the questions every
        CEO asks come from the readiness report, ticked where the brief answers."""
        chosen = self.coach.brief
        if chosen is None:
            return [" ".join(item.split()) for item in self.scenario.checklist], []
        from coach.brief.readiness import readiness

        items = readiness(chosen[1]).counted
        return [item.question for item in items], [
            i for i, item in enumerate(items) if item.answered
        ]

    def _ceo_name(self) -> str:
        """The CEO's name: the user's brief can name the real one."""
        chosen = self.coach.brief
        return chosen[1].ceo_name if chosen and chosen[1].ceo_name else self.scenario.ceo.name

    def _brief(self) -> Content:
        chosen = self.coach.brief
        if chosen is not None:
            # Rehearsing the user's own incident: their facts and what the brief lacks.
            from coach.tui.screens.brief import brief_content

            # Not the scenario's tips: they advise on its own incident.
            return brief_content(*chosen)
        situation = self.scenario.situation
        parts: list[Content | str | tuple[str, str]] = []
        for title, field_name in BRIEF_SECTIONS:
            value = " ".join(str(getattr(situation, field_name)).split())
            if field_name == "cause":
                title = (
                    f"Cause ({CAUSE_STATUS.get(situation.cause_status, situation.cause_status)})"
                )
            parts.extend([(title, "bold $text-accent"), "\n", value, "\n\n"])
        if self.scenario.tips:
            parts.extend([("Tips", "bold $text-accent"), "\n"])
            parts.extend(f"• {' '.join(tip.split())}\n" for tip in self.scenario.tips)
        return Content.assemble(*parts).rstrip()

    def _glossary(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        for term, meaning in self.scenario.glossary.items():
            parts.extend([(term, "bold"), " — ", " ".join(meaning.split()), "\n"])
        return Content.assemble(*parts).rstrip()

    def _count(self) -> None:
        checklist = self.query_one("#checklist", Checklist)
        ticked = len(checklist.selected)
        total = checklist.option_count
        self.query_one("#checklist-count", Static).update(
            f"Checklist {ticked}/{total} ticked · Enter on Start begins"
        )

    @on(Checklist.Changed, "#checklist")
    def _ticked(self) -> None:
        self._count()

    @on(Button.Pressed, "#start")
    def _start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        self.coach.start_rehearsal(self.scenario)

    def action_back(self) -> None:
        self.coach.go_home()

    def action_focus_checklist(self) -> None:
        self.query_one("#checklist", Checklist).focus()

    def palette_commands(self) -> list[PaletteCommand]:
        return [PaletteCommand("Start the meeting", self.scenario.title, self.action_start)]
