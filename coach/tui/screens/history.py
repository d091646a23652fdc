"""History: a table of past sessions; Enter opens one as its Debrief (or resumes it).

A minimal screen so History is reachable from Home and the Debrief; the store's
issue replaces it with the full one (sorting, filters, trends, compare).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from coach.errors import CoachError
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.store import SessionSummary
    from coach.tui.app import CoachApp

#: Sessions shown; older ones stay in the store (``coach history`` lists them all).
HISTORY_ROWS = 500


class HistoryScreen(Screen[None]):
    """Past sessions, newest first."""

    CSS_PATH = "history.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="history.back", tooltip="Back"),
        Binding("enter", "open", "Open", id="history.open", tooltip="Open as its Debrief"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, SessionSummary] = {}

    @property
    def coach(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="history-title")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Id", "Scenario", "Role", "Started", "Status", "Overall")
        store = self.coach.store.get()
        summaries = store.list(limit=HISTORY_ROWS) if store is not None else []
        for s in summaries:
            self._rows[s.id] = s
            overall = str(s.overall) if s.status != "unfinished" else "–"
            table.add_row(
                s.id,
                strip_terminal(s.title),
                s.role,
                f"{s.started_at:%Y-%m-%d %H:%M}",
                s.status,
                overall,
                key=s.id,
            )
        count = f"{len(summaries)} session{'s' if len(summaries) != 1 else ''}"
        self.query_one("#history-title", Static).update(
            f"History — {count}. Enter opens a session (an unfinished one resumes)."
        )
        table.focus()

    @on(DataTable.RowSelected, "#sessions")
    async def _selected(self, event: DataTable.RowSelected) -> None:
        await self._open(str(event.row_key.value))

    async def action_open(self) -> None:
        table = self.query_one("#sessions", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            await self._open(str(key.value))

    async def _open(self, session_id: str) -> None:
        summary = self._rows.get(session_id)
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
        catalog = await self.coach.load_catalog()
        scenario = catalog.get(transcript.scenario_id)
        if scenario is None:
            self.notify(
                f"scenario {transcript.scenario_id!r} is not installed; "
                f"`coach show {session_id}` prints the session",
                title="Cannot open",
                severity="warning",
                markup=False,
            )
            return
        self.coach.open_debrief(scenario, transcript, session_id)

    def action_back(self) -> None:
        self.app.pop_screen()
