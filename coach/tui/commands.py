"""The command palette's coach commands: the main actions, then one per scenario.

A screen adds its own actions by defining ``palette_commands()`` returning
:class:`PaletteCommand` items (the Rehearsal screen offers "Toggle live hints",
the Debrief "Retry" and "Export", and so on).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from coach.engine.report import session_title
from coach.textsafe import strip_terminal
from coach.tui.palette import PaletteCommand

if TYPE_CHECKING:
    from coach.tui.app import CoachApp

__all__ = ["CoachCommands", "PaletteCommand"]

#: Unfinished sessions the palette offers to resume (History lists them all).
RESUME_COMMANDS = 3


class CoachCommands(Provider):
    """Home, History, Help, theme, the current screen's actions, resuming an
    unfinished session, and every scenario."""

    def _commands(self) -> Iterator[PaletteCommand]:
        app: CoachApp = self.app  # type: ignore[assignment]
        screen_commands = getattr(self.screen, "palette_commands", None)
        if screen_commands is not None:
            yield from screen_commands()
        yield PaletteCommand("Home", "Pick a role and a scenario", app.go_home)
        yield PaletteCommand("History", "Past sessions: open, resume, export", app.open_history)
        yield PaletteCommand("Help", "Every key, on every screen", app.action_help)
        yield PaletteCommand(
            "Toggle light/dark theme", "Switch between light and dark", app.action_toggle_theme
        )
        for summary in app.store.unfinished()[:RESUME_COMMANDS]:
            answers = f"{summary.answers} answer{'s' if summary.answers != 1 else ''}"
            yield PaletteCommand(
                # "Your incident: NAME" for a brief session (its scenario is another incident).
                f"Resume: {strip_terminal(session_title(summary.title, summary.brief))}",
                f"Session {summary.id}, {answers} so far — continue at the question you were on",
                _resumer(app, summary.id),
            )
        catalog = app.catalog
        if catalog is not None:
            for scenario in catalog.scenarios:
                yield PaletteCommand(
                    f"Rehearse: {scenario.title}",
                    f"{scenario.role} · {scenario.difficulty} — open its Prep screen",
                    _opener(app, scenario.id),
                )

    async def discover(self) -> Hits:
        for command in self._commands():
            if not command.title.startswith("Rehearse: "):
                yield DiscoveryHit(command.title, command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command.callback,
                    text=command.title,
                    help=command.help,
                )


def _resumer(app: CoachApp, session_id: str) -> Callable[[], Awaitable[None]]:
    async def resume() -> None:
        await app.resume_session(session_id)

    return resume


def _opener(app: CoachApp, scenario_id: str) -> Callable[[], None]:
    def open_prep() -> None:
        catalog = app.catalog
        scenario = catalog.get(scenario_id) if catalog else None
        if scenario is not None:
            app.open_prep(scenario)

    return open_prep
