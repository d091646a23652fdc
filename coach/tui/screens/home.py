"""Home: the roles, their scenarios with your scores, a filter, and unfinished sessions.

Home paints first with a "Loading" line; the catalog (pydantic, YAML) loads in a
worker after that, so the app is on screen as fast as a bare Textual app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.engine.report import brief_attempts, session_title
from coach.textsafe import strip_terminal
from coach.tui.palette import PaletteCommand

if TYPE_CHECKING:
    from coach.scenario.model import Scenario
    from coach.store import ScenarioStats, SessionSummary
    from coach.tui.app import CoachApp
    from coach.tui.services import Catalog

#: Option ids: what a row opens.
SCENARIO_PREFIX = "scenario:"
RESUME_PREFIX = "resume:"
#: How many unfinished sessions Home offers (History has the rest).
RESUME_ROWS = 3


class HomeScreen(Screen[None]):
    """Pick a role and a scenario, or resume an unfinished session."""

    CSS_PATH = "home.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="home.filter", tooltip="Type to filter scenarios"),
        Binding("h", "history", "History", id="home.history", tooltip="Past sessions"),
        Binding(
            "b",
            "briefs",
            "Your incident",
            id="home.briefs",
            tooltip="Rehearse your own incident from a brief (or write one)",
        ),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="home.clear-filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._stats: dict[str, ScenarioStats] = {}
        self._unfinished: list[SessionSummary] = []

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Input(placeholder="Filter: title, role, difficulty…  ( / )", id="filter")
            with Horizontal(id="home-body"):
                yield OptionList(Option("Loading scenarios…", disabled=True), id="scenarios")
                with VerticalScroll(id="details"):
                    yield Static("", id="details-text")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#scenarios", OptionList).focus()
        if self.coach.config.exit_after_first_paint:
            # The startup benchmark: leave as soon as Home is on screen.
            self.call_after_refresh(self.coach.exit)
            return
        self.call_after_refresh(self._load)

    @work(exclusive=True, group="home-load")
    async def _load(self) -> None:
        catalog = await self.coach.load_catalog()
        self._read_store()
        self._rebuild()
        notice = catalog.notice()
        if notice:
            self.notify(
                notice,
                title="Some scenario files could not be loaded",
                severity="warning",
                timeout=20,
                markup=False,
            )

    def _read_store(self) -> None:
        self._stats = self.coach.store.stats()
        self._unfinished = self.coach.store.unfinished()

    def refresh_stats(self) -> None:
        """Called when the user comes back to Home: scores may have changed."""
        if self.coach.catalog is None:
            return
        self._read_store()
        self._rebuild()

    # -- the list ------------------------------------------------------------------

    def _rebuild(self) -> None:
        catalog = self.coach.catalog
        if catalog is None:
            return
        options = self.query_one("#scenarios", OptionList)
        highlighted = options.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        query = self.query_one("#filter", Input).value.strip().lower()
        rows: list[Option | None] = []
        known = {s.id for s in catalog.scenarios}
        offered = resumable(self._unfinished, self._stats)
        resumable_rows = [u for u in offered if u.scenario in known][:RESUME_ROWS]
        if resumable_rows and not query:
            rows.append(
                Option(Content.styled("Unfinished — resume", "bold $text-accent"), disabled=True)
            )
            rows.extend(
                Option(_resume_prompt(u), id=f"{RESUME_PREFIX}{u.id}") for u in resumable_rows
            )
        for role in catalog.roles():
            matches = [s for s in catalog.scenarios if s.role == role and _matches(s, query)]
            if not matches:
                continue
            count = f"{len(matches)} scenario{'s' if len(matches) != 1 else ''}"
            rows.append(
                Option(
                    Content.assemble((role, "bold $text-accent"), (f"  {count}", "dim")),
                    disabled=True,
                )
            )
            rows.extend(
                Option(_scenario_prompt(s, self._stats.get(s.id)), id=f"{SCENARIO_PREFIX}{s.id}")
                for s in matches
            )
        if not rows:
            message = f"No scenario matches {query!r}." if query else "No scenarios are installed."
            rows.append(Option(message, disabled=True))
        options.clear_options()
        options.add_options(rows)
        index = _index_of(options, keep) if keep else None
        if index is None:
            index = next(
                (
                    i
                    for i in range(options.option_count)
                    if not options.get_option_at_index(i).disabled
                ),
                None,
            )
        options.highlighted = index
        self._show_details()

    def _show_details(self) -> None:
        details = self.query_one("#details-text", Static)
        option = self.query_one("#scenarios", OptionList).highlighted_option
        catalog = self.coach.catalog
        if option is None or option.id is None or catalog is None:
            details.update("")
            return
        if option.id.startswith(RESUME_PREFIX):
            session_id = option.id.removeprefix(RESUME_PREFIX)
            summary = next((u for u in self._unfinished if u.id == session_id), None)
            if summary is not None:
                details.update(
                    Content.assemble(
                        ("Resume ", "bold"),
                        (strip_terminal(session_title(summary.title, summary.brief)), "bold"),
                        "\n\n",
                        _brief_note(summary),
                        f"Session {summary.id}, started "
                        f"{summary.started_at.astimezone():%Y-%m-%d %H:%M}, "
                        f"{summary.answers} answer{'s' if summary.answers != 1 else ''} so far.\n"
                        "Press Enter to continue from the question you were on.",
                    )
                )
            return
        scenario = catalog.get(option.id.removeprefix(SCENARIO_PREFIX))
        if scenario is not None:
            details.update(_details(scenario, self._stats.get(scenario.id)))

    @on(OptionList.OptionHighlighted, "#scenarios")
    def _highlighted(self) -> None:
        self._show_details()

    @on(OptionList.OptionSelected, "#scenarios")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or ""
        if option_id.startswith(RESUME_PREFIX):
            await self.coach.resume_session(option_id.removeprefix(RESUME_PREFIX))
            return
        catalog = self.coach.catalog
        scenario = catalog.get(option_id.removeprefix(SCENARIO_PREFIX)) if catalog else None
        if scenario is not None:
            self.coach.open_prep(scenario)

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self._rebuild()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#scenarios", OptionList).focus()

    # -- actions -----------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.value = ""
        self.query_one("#scenarios", OptionList).focus()

    def action_history(self) -> None:
        self.coach.open_history()

    def action_briefs(self) -> None:
        from coach.tui.screens.brief import BriefPickerScreen

        self.coach.push_screen(BriefPickerScreen())

    def palette_commands(self) -> list[PaletteCommand]:
        return [PaletteCommand("Filter scenarios", "Focus the filter box", self.action_filter)]

    @property
    def catalog(self) -> Catalog | None:
        return self.coach.catalog


def _matches(scenario: Scenario, query: str) -> bool:
    if not query:
        return True
    haystack = " ".join(
        (scenario.id, scenario.title, scenario.role, scenario.difficulty, scenario.summary)
    ).lower()
    return all(word in haystack for word in query.split())


def _stats_text(stats: ScenarioStats | None) -> str:
    if stats is None or stats.attempts == 0:
        return "not rehearsed yet"
    last = "–" if stats.last is None else str(stats.last)
    best = "–" if stats.best is None else str(stats.best)
    plural = "s" if stats.attempts != 1 else ""
    return (
        f"last {last} · best {best} · {stats.attempts} attempt{plural}"
        f"{brief_attempts(stats.with_brief, stats.attempts)}"
    )


#: Each on its own tint, so it stays readable on the highlight bar in both themes.
DIFFICULTY_STYLE = {
    "easy": "$text-success on $success-muted",
    "medium": "$text-warning on $warning-muted",
    "hard": "$text-error on $error-muted",
}


def _scenario_prompt(scenario: Scenario, stats: ScenarioStats | None) -> Content:
    return Content.assemble(
        (scenario.title, "bold"),
        "  ",
        (scenario.difficulty, DIFFICULTY_STYLE.get(scenario.difficulty, "")),
        "\n",
        # Plain: a coloured line vanishes into the highlight bar in the light theme.
        _stats_text(stats),
        "\n",
        (_teaser(scenario.summary), "dim"),
        # The blank line that ends a row is part of it, so the list measures it:
        # OptionList leaves CSS padding out of a row's height, and a row of the
        # same role would then start on that line.
        "\n",
    )


#: A row's summary is cut to this many characters; the details pane has all of it.
TEASER_CHARS = 110


def _teaser(summary: str) -> str:
    """The summary's first sentence, cut short enough for a list row."""
    text = " ".join(summary.split())
    end = text.find(". ")
    first = text if end < 0 else text[: end + 1]
    if len(first) <= TEASER_CHARS:
        return first
    cut = first[:TEASER_CHARS]
    # End on a whole word, so a figure is never cut in half ("3,1…").
    return cut[: cut.rfind(" ")].rstrip(" ,;:") + " …" if " " in cut else cut + "…"


def resumable(
    unfinished: list[SessionSummary], stats: dict[str, ScenarioStats]
) -> list[SessionSummary]:
    """The unfinished sessions Home offers to resume, in the order given.

    A session left at its first question (no answers) is kept in the store, so a
    kill at that moment loses nothing, but resuming it is the same as starting
    again. It is offered only while it is the latest session of its scenario:
    once a newer attempt exists (finished or not), or a newer empty one, it has
    nothing left to give, and every quick quit would otherwise add a row.
    History and ``coach history`` still list it.
    """

    def superseded(summary: SessionSummary) -> bool:
        latest = stats.get(summary.scenario)
        newest = latest.latest_at if latest is not None else None
        return newest is not None and summary.started_at < newest

    return [u for u in unfinished if u.answers or not superseded(u)]


def _resume_prompt(summary: SessionSummary) -> Content:
    if summary.answers:
        progress = f"{summary.answers} answer{'s' if summary.answers != 1 else ''} so far"
    else:
        progress = "not started: at the first question"
    # A brief session is the user's own incident ("Your incident: NAME"); the details
    # pane says whose questions it borrowed, which would wrap the row here.
    return Content.assemble(
        ("↻ ", "$text-accent"),
        (strip_terminal(session_title(summary.title, summary.brief)), "bold"),
        (f"  started {summary.started_at.astimezone():%d %b %H:%M} · {progress}", "dim"),
        "\n",
    )


def _brief_note(summary: SessionSummary) -> str:
    """For a brief session: where its questions came from, before the session line."""
    if not summary.brief:
        return ""
    return (
        f"Your own incident, from the brief {strip_terminal(summary.brief)}, with the CEO "
        f"and questions of {strip_terminal(summary.title)}.\n\n"
    )


def _details(scenario: Scenario, stats: ScenarioStats | None) -> Content:
    return Content.assemble(
        (scenario.title, "bold"),
        "\n",
        (f"{scenario.role} · {scenario.difficulty} · {_stats_text(stats)}", "dim"),
        "\n\n",
        " ".join(scenario.summary.split()),
        "\n\n",
        ("The CEO: ", "bold"),
        f"{scenario.ceo.name} — {' '.join(scenario.ceo.style.split())}",
        "\n\n",
        ("Enter", "bold $text-accent"),
        " to prepare and start.",
    )


def _index_of(options: OptionList, option_id: str) -> int | None:
    from textual.widgets.option_list import OptionDoesNotExist

    try:
        return options.get_option_index(option_id)
    except OptionDoesNotExist:
        return None
