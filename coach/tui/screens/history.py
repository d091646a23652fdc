"""History: every stored session in a sortable, filterable table, a score
trend per scenario, and two attempts compared side by side.

Enter opens a session as its Debrief (an unfinished one resumes); ``r``
resumes, ``e`` exports, ``space`` marks a session and ``c`` compares the two
marked. The numbers come from the store (:mod:`coach.store`) and the
comparison from :func:`coach.store.compare.compare`; this screen only lays
them out.

Sorting and filtering cover every stored session; the table holds the result
:data:`CHUNK` rows at a time and adds more as the cursor nears its end, because
a Textual ``DataTable`` measures every cell it holds and ten thousand rows would
take seconds to appear.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Static

from coach.engine.report import brief_attempts, session_title
from coach.errors import CoachError
from coach.store.records import ScenarioStats, SessionSummary, scenario_stats
from coach.textsafe import strip_terminal
from coach.tui.commands import PaletteCommand
from coach.tui.render import (
    answer_content,
    dimension_label,
    legend,
    level_style,
    question_line,
)

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript, Turn
    from coach.scenario.model import Scenario
    from coach.store.compare import Comparison, ScoreChange
    from coach.tui.app import CoachApp

Format = Literal["md", "html", "json"]

#: Rows added to the table at a time (more as the cursor nears the end);
#: sorting and filtering cover every session.
CHUNK = 60
#: The next chunk is added when the cursor comes this close to the last row.
CHUNK_MARGIN = 10
#: Finished sessions drawn in a scenario's trend (the most recent ones).
TREND_POINTS = 30
#: Characters of a scenario title in the trends panel.
TREND_TITLE = 32
#: Bar heights, lowest to highest.
SPARKS = "▁▂▃▄▅▆▇█"
#: Scenarios in the trends panel (those practised most recently first).
TREND_ROWS = 5
#: Below this width the table drops its Role column so it fits 80 columns.
WIDE = 100
#: The Scenario column takes the width the other columns leave, within these bounds.
SCENARIO_MIN, SCENARIO_MAX = 22, 72
#: The other columns: (key, label, width).
FIXED_COLUMNS = (
    ("started", "Started", 16),
    ("role", "Role", 12),
    ("status", "Status", 10),
    ("overall", "Score", 5),
    ("answers", "Ans", 3),
    ("id", "Id", 8),
)
#: Seconds of no typing before the filter is applied.
FILTER_PAUSE = 0.15
#: A very long answer is cut here in the comparison, shorter than on the Debrief
#: as two sit side by side (exports carry all of it).
COMPARE_PREVIEW_CHARS = 2_000


@dataclass(frozen=True)
class SortKey:
    label: str
    key: Callable[[SessionSummary], Any]
    #: Newest, highest and most first; names A to Z.
    descending: bool


SORTS: dict[str, SortKey] = {
    "started": SortKey("Started", lambda s: s.started_at, True),
    "scenario": SortKey("Scenario", lambda s: session_title(s.title, s.brief).lower(), False),
    "role": SortKey("Role", lambda s: s.role, False),
    "status": SortKey("Status", lambda s: s.status, False),
    "overall": SortKey("Score", lambda s: s.overall, True),
    "answers": SortKey("Ans", lambda s: s.answers, True),
    "id": SortKey("Id", lambda s: s.id, False),
}
#: What ``s`` steps through.
SORT_CYCLE = ("started", "overall", "scenario", "status")
_SPLIT = re.compile(r"[\W_]+")
STATUS_STYLE = {"finished": "", "unfinished": "bold", "abandoned": "dim"}


def _text(value: str, width: int | None = None, style: str = "") -> Text:
    """A table cell from user or file text: never parsed as markup, escapes stripped."""
    text = Text(strip_terminal(value).replace("\n", " "), style=style, no_wrap=True, end="")
    if width is not None and text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text


def _scenario_cell(s: SessionSummary, width: int) -> Text:
    """The scenario's title; for a session rehearsed with a brief, "Your incident:
    NAME" (the scenario's title names another incident) and, dim, whose questions."""
    if s.brief is None:
        return _text(s.title, width)
    text = Text.assemble(
        _text(session_title(s.title, s.brief)), _text(f" · {s.title}", style="dim")
    )
    text.no_wrap, text.end = True, ""
    if text.cell_len > width:
        text.truncate(width, overflow="ellipsis")
    return text


def _words(text: str) -> str:
    """Lower-case words, each preceded by a space (so `" fin" in` tests a word start)."""
    return " " + " ".join(_SPLIT.split(strip_terminal(text).lower()))


def _when(moment: datetime) -> str:
    t = moment.astimezone()
    return f"{t.year:04d}-{t.month:02d}-{t.day:02d} {t.hour:02d}:{t.minute:02d}"


def sparkline(values: list[int]) -> Content:
    """Scores 0 to 100 as bars on that absolute scale (so 80 -> 82 looks like the
    small step it is), each coloured by how good it is."""
    if not values:
        return Content.styled("·", "dim")
    top = len(SPARKS) - 1
    return Content.assemble(
        *((SPARKS[round(max(0, min(100, v)) * top / 100)], level_style(v, 100)) for v in values)
    )


def trend_line(stats: ScenarioStats) -> Content:
    """``Title  ▃▅▆█  last 90  best 90  5 attempts`` for one scenario."""
    title = _text(stats.title or stats.scenario, TREND_TITLE).plain
    if stats.finished:
        summary = Content.assemble(
            ("  last ", "dim"),
            (str(stats.last), f"bold {level_style(stats.last or 0, 100)}"),
            ("  best ", "dim"),
            (str(stats.best), "bold"),
        )
    else:
        summary = Content.styled("  no finished session yet", "dim")
    attempts = (
        f"  {stats.attempts} attempt{'s' if stats.attempts != 1 else ''}"
        f"{brief_attempts(stats.with_brief, stats.attempts)}"
    )
    return Content.assemble(
        f"{title:<{TREND_TITLE}} ",
        sparkline(stats.trend[-TREND_POINTS:]),
        summary,
        (attempts, "dim"),
    )


class HistoryScreen(Screen[None]):
    """Past sessions: sort, filter, open, resume, export and compare."""

    CSS_PATH = "history.tcss"
    # The table has focus from the start: a second focus change would rebuild the footer.
    AUTO_FOCUS = "#sessions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history.back", tooltip="Back"),
        Binding(
            "enter",
            "open",
            "Open",
            id="history.open",
            tooltip="Open as its Debrief (resume if unfinished)",
        ),
        Binding(
            "space", "mark", "Mark", id="history.mark", tooltip="Mark for comparing (two at most)"
        ),
        Binding(
            "c",
            "compare",
            "Compare",
            id="history.compare",
            tooltip="Compare the two marked sessions",
        ),
        Binding(
            "r", "resume", "Resume", id="history.resume", tooltip="Continue an unfinished session"
        ),
        Binding("e", "export", "Export", id="history.export", tooltip="Save as Markdown"),
        Binding("s", "sort", "Sort", id="history.sort", tooltip="Sort by the next column"),
        Binding("o", "reverse", "Order", id="history.order", tooltip="Reverse the order"),
        Binding("slash", "filter", "Filter", id="history.filter", tooltip="Type to filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[SessionSummary] = []
        self.shown: list[SessionSummary] = []
        self.sort_column = "started"
        self.descending = True
        self.marked: list[str] = []
        self._by_id: dict[str, SessionSummary] = {}
        self._haystack: dict[str, str] = {}
        self._filter = ""
        self._suspended = False
        #: The table's layout as last drawn: (narrow, scenario column width).
        self._layout: tuple[bool, int] | None = None
        #: The scenarios whose trend is drawn, most recently practised first.
        self.trends: list[ScenarioStats] | None = None
        self._store_stats: dict[str, ScenarioStats] = {}
        self._matches: list[SessionSummary] = []
        self._total = 0
        self._columns_shown: list[tuple[str, str, int]] = []
        self._typing: Timer | None = None
        #: Set once the table shows the newest sessions and the trends are drawn.
        self.ready = asyncio.Event()
        #: Set once every summary is read (a sort, a filter or scrolling down reads them).
        self.all_loaded = asyncio.Event()

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="Filter: scenario, role, status or id words (e.g. data unfinished)",
            id="filter",
        )
        yield Static("", id="trends")
        yield Static("", id="history-status")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_suspend(self, event: events.ScreenSuspend) -> None:
        self._suspended = True

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Back from a resumed rehearsal or a Debrief: the store may have changed.
        if self._suspended:
            self._suspended = False
            self.load()

    def on_resize(self, event: events.Resize) -> None:
        if self.sessions and self._layout != self._layout_for(event.size.width):
            self._fill_table()

    # -- data ------------------------------------------------------------------------

    def load(self) -> None:
        """Show the newest sessions and every scenario's trend (two small queries).
        Every summary is read only when a sort, a filter or scrolling past the
        newest needs them: ten thousand take longer than the first paint may."""
        store = self.coach.store.get()
        newest: list[SessionSummary] = []
        stats: dict[str, ScenarioStats] = {}
        if store is not None:
            try:
                newest = store.list(limit=CHUNK)
                stats = store.stats(trend_points=TREND_POINTS)
            except CoachError as error:
                self.notify(str(error), title="History", severity="error", markup=False)
        self._set_sessions(newest)
        self._store_stats = stats
        self._total = sum(s.attempts for s in stats.values())
        if self._total <= len(newest):
            self.all_loaded.set()
        else:
            self.all_loaded.clear()
        self.refresh_view()
        self.ready.set()

    def _ensure_all(self) -> None:
        """Read every session summary, once per load (a fast query without transcripts)."""
        if self.all_loaded.is_set():
            return
        store = self.coach.store.get()
        if store is None:
            return
        try:
            sessions = store.list()
        except CoachError as error:
            self.notify(str(error), title="History", severity="error", markup=False)
            return
        self._set_sessions(sessions)
        self._total = len(sessions)
        self.all_loaded.set()

    def _set_sessions(self, sessions: list[SessionSummary]) -> None:
        self.sessions = sessions
        self._by_id = {s.id: s for s in sessions}
        self._haystack = {}

    def _words_of(self, s: SessionSummary) -> str:
        words = self._haystack.get(s.id)
        if words is None:  # built on the first filter, not on every load
            # A brief session also answers to its brief's name, "brief" and "incident".
            brief = f" your incident brief {s.brief}" if s.brief is not None else ""
            words = self._haystack[s.id] = _words(
                f"{s.id} {s.scenario} {s.title} {s.role} {s.status}{brief}"
            )
        return words

    def matches(self) -> list[SessionSummary]:
        """The sessions the filter lets through, in the chosen order."""
        # Each word must start a word of the session's id, scenario, title, role or
        # status: "fin" finds finished sessions, not unfinished ones.
        words = _words(self._filter).split()
        rows = [s for s in self.sessions if all(f" {w}" in self._words_of(s) for w in words)]
        # Newest first breaks ties in every order (Python's sort is stable).
        rows.sort(key=lambda s: s.started_at, reverse=True)
        if self.sort_column != "started":
            rows.sort(key=SORTS[self.sort_column].key, reverse=self.descending)
        elif not self.descending:
            rows.reverse()
        return rows

    @property
    def _default_view(self) -> bool:
        """Newest first, unfiltered: exactly what the first query read."""
        return not self._filter.strip() and self.sort_column == "started" and self.descending

    def refresh_view(self) -> None:
        if not self._default_view:
            self._ensure_all()
        self._matches = self.matches()
        self.shown = self._matches[:CHUNK]
        self._fill_table()
        self._fill_trends()
        self._show_status()

    @property
    def matching(self) -> int:
        return len(self._matches)

    # -- the table ----------------------------------------------------------------------

    @staticmethod
    def _layout_for(width: int) -> tuple[bool, int]:
        """(narrow, scenario column width) for a screen ``width`` columns wide: the
        Scenario column gets what the others leave, so wide terminals show whole titles."""
        narrow = width < WIDE if width else False
        others = [w for key, _, w in FIXED_COLUMNS if not (narrow and key == "role")]
        # Each column has a cell of padding either side; the scrollbar takes two.
        spare = width - sum(others) - 2 * (len(others) + 1) - 2
        return narrow, max(SCENARIO_MIN, min(SCENARIO_MAX, spare))

    def _columns(self) -> list[tuple[str, str, int]]:
        self._layout = narrow, scenario = self._layout_for(self.size.width)
        columns = [*FIXED_COLUMNS[:1], ("scenario", "Scenario", scenario), *FIXED_COLUMNS[1:]]
        return [c for c in columns if not (narrow and c[0] == "role")]

    def _fill_table(self) -> None:
        table = self.query_one("#sessions", DataTable)
        current = self._cursor_id()
        table.clear(columns=True)
        columns = self._columns()
        for key, label, width in columns:
            if key == self.sort_column:
                label = f"{label} {'▼' if self.descending else '▲'}"
            table.add_column(label, key=key, width=max(width, len(label)))
        self._columns_shown = columns
        self._add_rows(self.shown)
        if current is not None and current in self._by_id:
            index = next((i for i, s in enumerate(self.shown) if s.id == current), None)
            if index is not None:
                table.move_cursor(row=index, animate=False)

    def _add_rows(self, sessions: list[SessionSummary]) -> None:
        table = self.query_one("#sessions", DataTable)
        columns = self._columns_shown
        widths = {key: width for key, _, width in columns}
        for s in sessions:
            cells = {
                "started": Text(_when(s.started_at)),
                "scenario": _scenario_cell(s, widths["scenario"]),
                "role": _text(s.role, 12),
                "status": Text(s.status, style=STATUS_STYLE.get(s.status, "")),
                "overall": Text(str(s.overall), justify="right"),
                "answers": Text(str(s.answers), justify="right"),
                "id": self._id_cell(s.id),
            }
            table.add_row(*(cells[key] for key, _, _ in columns), key=s.id)

    def _id_cell(self, session_id: str) -> Text:
        """The id, with ● when marked for comparing (no column of its own: every
        column costs paint time on every row)."""
        if session_id in self.marked:
            return Text.assemble(session_id, (" ●", "bold"))
        return Text(session_id)

    def _more_rows(self) -> None:
        """Append the next chunk of matching sessions to the table."""
        if not self.all_loaded.is_set():
            self._ensure_all()
            self._matches = self.matches()
        more = self._matches[len(self.shown) : len(self.shown) + CHUNK]
        if more:
            self.shown = self.shown + more
            self._add_rows(more)
            self._show_status()

    def _cursor_id(self) -> str | None:
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def _show_status(self) -> None:
        total = self._total
        if not total:
            text = "No stored sessions yet: pick a scenario on Home and rehearse it."
        else:
            parts = [f"{total:,} session{'s' if total != 1 else ''}"]
            if self._filter.strip():
                parts.append(f"{self.matching:,} match the filter")
            matching = self.matching if self.all_loaded.is_set() else total
            if matching > len(self.shown):
                parts.append(f"showing {len(self.shown):,} (↓ for more)")
            order = "▼" if self.descending else "▲"
            parts.append(f"sorted by {SORTS[self.sort_column].label} {order}")
            if self.marked:
                parts.append(f"marked: {', '.join(self.marked)}")
            text = " · ".join(parts)
        self.query_one("#history-status", Static).update(Content(text))

    # -- trends -----------------------------------------------------------------------

    def _fill_trends(self) -> None:
        if self._filter.strip():
            chronological = sorted(self._matches, key=lambda s: s.started_at)
            stats = scenario_stats(
                (s.scenario, s.title, s.status, s.overall, s.started_at, s.brief)
                for s in chronological
            )
        else:
            stats = self._store_stats
        order = sorted(
            stats.values(), key=lambda st: (st.latest_at is not None, st.latest_at), reverse=True
        )[:TREND_ROWS]
        if order == self.trends:
            return  # typing in the filter often leaves the trends as they are
        self.trends = order
        panel = self.query_one("#trends", Static)
        panel.display = bool(order)
        # One Static for every row: far cheaper to mount than a widget per scenario.
        lines: list[Content | str] = []
        for scenario in order:
            if lines:
                lines.append("\n")
            lines.append(trend_line(scenario))
        panel.update(Content.assemble(*lines))

    # -- events -----------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # Refill once typing pauses: a refill of hundreds of rows per keystroke would lag.
        self._filter = event.value
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(FILTER_PAUSE, self.refresh_view)

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        if self._typing is not None:
            self._typing.stop()
            self._typing = None
            self.refresh_view()
        self.query_one("#sessions", DataTable).focus()

    @on(DataTable.RowSelected, "#sessions")
    async def _selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            await self.open_session(str(event.row_key.value))

    @on(DataTable.RowHighlighted, "#sessions")
    def _near_the_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.shown) - CHUNK_MARGIN:
            self._more_rows()

    @on(DataTable.HeaderSelected, "#sessions")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        if column not in SORTS:
            return
        if column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column = column
            self.descending = SORTS[column].descending
        self.refresh_view()

    # -- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        if self.focused is self.query_one("#filter", Input):
            self.query_one("#sessions", DataTable).focus()
            return
        self.app.pop_screen()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort_column) if self.sort_column in SORT_CYCLE else -1
        self.sort_column = SORT_CYCLE[(index + 1) % len(SORT_CYCLE)]
        self.descending = SORTS[self.sort_column].descending
        self.refresh_view()

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.refresh_view()

    async def action_open(self) -> None:
        session_id = self._cursor_id()
        if session_id is not None:
            await self.open_session(session_id)

    def action_mark(self) -> None:
        session_id = self._cursor_id()
        if session_id is None:
            return
        if session_id in self.marked:
            self.marked.remove(session_id)
        else:
            self.marked.append(session_id)
            del self.marked[:-2]  # the two most recently marked
        table = self.query_one("#sessions", DataTable)
        for s in self.shown:
            table.update_cell(s.id, "id", self._id_cell(s.id))
        self._show_status()

    async def action_resume(self) -> None:
        session_id = self._cursor_id()
        if session_id is None:
            return
        if self._by_id[session_id].status != "unfinished":
            self.notify(
                f"Session {session_id} is {self._by_id[session_id].status}; only unfinished "
                "sessions resume. Enter opens it as its Debrief.",
                title="Cannot resume",
                severity="warning",
                markup=False,
            )
            return
        await self.coach.resume_session(session_id)

    async def action_export(self, fmt: Format = "md") -> None:
        session_id = self._cursor_id()
        if session_id is None:
            return
        from coach.tui.services import export_session

        try:
            transcript = self.coach.store.load(session_id)
            scenario = await self._scenario_for(transcript)
            exported = export_session(
                self.coach.config.data_dir, transcript, scenario, session_id, fmt
            )
        except CoachError as error:
            self.notify(str(error), title="Export failed", severity="error", markup=False)
            return
        self.notify(
            exported.notice, title="Exported", severity=exported.severity, timeout=12, markup=False
        )

    async def action_compare(self) -> None:
        if len(self.marked) != 2:
            self.notify(
                "Mark two sessions with space, then press c to compare them.",
                title="Compare",
                severity="warning",
            )
            return
        from coach.store.compare import compare

        first, second = self.marked
        try:
            a, b = self.coach.store.load(first), self.coach.store.load(second)
        except CoachError as error:
            self.notify(str(error), title="Cannot compare", severity="error", markup=False)
            return
        if a.scenario_id != b.scenario_id:
            self.notify(
                f"{first} and {second} are attempts at different scenarios; "
                "compare two attempts at the same one.",
                title="Compare",
                severity="warning",
                markup=False,
            )
            return
        comparison = compare(a, b)
        ids = (first, second) if comparison.before is a else (second, first)
        scenario = await self._scenario_for(a)
        name = scenario.ceo.name if scenario is not None else "CEO"
        self.app.push_screen(CompareScreen(comparison, ids, ceo_name=name))

    async def open_session(self, session_id: str) -> None:
        """An unfinished session resumes; any other opens as its Debrief."""
        summary = self._by_id.get(session_id)
        if summary is None:
            return
        if summary.status == "unfinished":
            await self.coach.resume_session(session_id)
            return
        try:
            transcript = self.coach.store.load(session_id)
        except CoachError as error:
            self.notify(str(error), title="Cannot open", severity="error", markup=False)
            return
        scenario = await self._scenario_for(transcript)
        if scenario is None:
            self.notify(
                f"Scenario {transcript.scenario_id!r} is not installed, or has changed so this "
                f"session no longer fits it; `coach show {session_id}` prints the session.",
                title="Cannot open",
                severity="warning",
                markup=False,
            )
            return
        self.coach.open_debrief(scenario, transcript, session_id)

    async def _scenario_for(self, transcript: Transcript) -> Scenario | None:
        """The installed scenario the session can be shown against, if any."""
        from coach.store.export import matching_scenario

        catalog = await self.coach.load_catalog()
        return matching_scenario(transcript, catalog.get(transcript.scenario_id))

    def palette_commands(self) -> list[PaletteCommand]:
        return [
            PaletteCommand("Export as Markdown", "The highlighted session", self.action_export),
            PaletteCommand(
                "Export as HTML", "A self-contained page", lambda: self.action_export("html")
            ),
            PaletteCommand(
                "Export as JSON",
                "Lossless; `coach import` reads it",
                lambda: self.action_export("json"),
            ),
            PaletteCommand("Compare marked sessions", "Side by side", self.action_compare),
            PaletteCommand("Filter sessions", "Type words to match", self.action_filter),
        ]


# -- compare -------------------------------------------------------------------------------


def _delta(change: ScoreChange) -> Content:
    if change.delta is None:
        return Content.styled("   –", "dim")
    if change.delta == 0:
        return Content.styled("   ±0", "dim")
    style = "bold $text-success" if change.delta > 0 else "bold $text-error"
    return Content.styled(f"{change.delta:+5d}", style)


def _score(value: int | None) -> str:
    return "  –" if value is None else f"{value:3d}"


class CompareScreen(Screen[None]):
    """Two attempts at one scenario: scores, flags, and the answers to each question."""

    CSS_PATH = "history.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="compare.back", tooltip="Back to History"),
    ]

    def __init__(self, comparison: Comparison, ids: tuple[str, str], ceo_name: str = "CEO") -> None:
        super().__init__()
        self.comparison = comparison
        self.ids = ids
        self.ceo_name = ceo_name

    def compose(self) -> ComposeResult:
        c = self.comparison
        yield Header()
        with VerticalScroll(id="compare"):
            yield Static(self._title(), id="compare-title")
            with Horizontal(id="compare-overview"):
                with Vertical(id="compare-scores"):
                    yield Static("Scores", classes="section-title")
                    yield Static(self._scores(), id="compare-score-lines")
                with Vertical(id="compare-flags"):
                    yield Static("Flags", classes="section-title")
                    yield Static(self._flags(), id="compare-flag-lines")
            yield Static("The two answers to each question", classes="section-title")
            yield Static(legend(), id="compare-legend")
            for node in c.nodes:
                with Vertical(classes="compare-node"):
                    yield Static(question_line(self.ceo_name, node.question), classes="question")
                    with Horizontal(classes="compare-pair"):
                        yield Static(self._answers("Before", node.before), classes="before")
                        yield Static(self._answers("After", node.after), classes="after")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#compare", VerticalScroll).focus()

    def _title(self) -> Content:
        c = self.comparison
        a, b = c.before, c.after
        # Two attempts with one brief are both about the user's incident; with
        # different briefs (or one without) each side says which it rehearsed.
        same = a.brief_name == b.brief_name
        title = session_title(a.scenario_title, a.brief_name) if same else a.scenario_title

        def brief(t: Transcript) -> str:
            return f" · brief {strip_terminal(t.brief_name)}" if t.brief_name and not same else ""

        return Content.assemble(
            (strip_terminal(title), "bold"),
            "\n",
            ("Before ", "dim"),
            f"{self.ids[0]} · {_when(a.started_at)} · {a.status}{brief(a)}",
            ("   After ", "dim"),
            f"{self.ids[1]} · {_when(b.started_at)} · {b.status}{brief(b)}",
            "\n",
            ("Overall ", "bold"),
            (_score(c.overall.before).strip(), f"bold {level_style(a.overall, 100)}"),
            " → ",
            (_score(c.overall.after).strip(), f"bold {level_style(b.overall, 100)}"),
            " ",
            _delta(c.overall),
        )

    def _scores(self) -> Content:
        lines: list[Content | str] = []
        for change in self.comparison.dimensions:
            if lines:
                lines.append("\n")
            lines.append(
                Content.assemble(
                    f"{dimension_label(change.name):<12} "
                    f"{_score(change.before)} → {_score(change.after)}",
                    _delta(change),
                )
            )
        return Content.assemble(*lines) if lines else Content.styled("No scores yet.", "dim")

    def _flags(self) -> Content:
        c = self.comparison

        def names(changes: list[Any], count: Callable[[Any], str]) -> str:
            return ", ".join(f"{ch.code.replace('_', ' ')}{count(ch)}" for ch in changes) or "none"

        return Content.assemble(
            ("Gone  ", "bold $text-success"),
            names(c.flags_gone, lambda ch: f" ×{ch.before}" if ch.before > 1 else ""),
            "\n",
            ("New   ", "bold $text-error"),
            names(c.flags_new, lambda ch: f" ×{ch.after}" if ch.after > 1 else ""),
            "\n",
            ("Still ", "bold $text-warning"),
            names(c.flags_kept, lambda ch: f" ×{ch.before}→×{ch.after}"),
        )

    def _answers(self, side: str, turns: list[Turn]) -> Content:
        """One side of a question: each answer as the Debrief shows it."""
        if not turns:
            return Content.assemble(
                (side, "bold"), "\n", Content.styled("not reached", "dim italic")
            )
        parts: list[Content | str | tuple[str, str]] = [(side, "bold")]
        for turn in turns:
            parts += ["\n", answer_content(turn, who="", limit=COMPARE_PREVIEW_CHARS)]
        return Content.assemble(*parts)

    def action_back(self) -> None:
        self.app.pop_screen()
