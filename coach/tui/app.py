"""The coach app: a small App that owns navigation, the store and the catalog.

Screens do the work; the app only knows how to move between them:

- :meth:`CoachApp.go_home`, :meth:`open_prep`, :meth:`start_rehearsal`,
  :meth:`resume_session`, :meth:`open_debrief`, :meth:`open_history`;
- :attr:`CoachApp.store` is a :class:`~coach.tui.services.StoreHandle`
  (``app.store.get()`` is the :class:`~coach.store.SessionStore` or ``None``);
- :attr:`CoachApp.catalog` is the loaded scenario catalog (``None`` until
  Home has loaded it; :meth:`load_catalog` loads it on demand).

The History screen (``coach.tui.screens.history``) uses exactly these.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from coach.errors import CoachError
from coach.tui.config import AppConfig
from coach.tui.services import Catalog, StoreHandle, load_catalog

if TYPE_CHECKING:
    from textual.command import Provider

    from coach.brief.model import Brief
    from coach.engine.session import Session
    from coach.engine.transcript import Transcript
    from coach.scenario.model import Scenario


def _coach_commands() -> type[Provider]:
    # textual.command is imported when the palette first opens, not at startup.
    from coach.tui.commands import CoachCommands

    return CoachCommands


#: Themes the light/dark toggle moves between (Textual's own).
DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class CoachApp(App[None]):
    """Rehearse reporting a critical technical error to your CEO."""

    TITLE = "coach"
    SUB_TITLE = "rehearse the hardest meeting before it happens"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {lambda: _coach_commands()}
    # Screens switch between side-by-side and stacked layouts at this width.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-narrow"),
        (100, "-wide"),
    ]
    # Short terminals: the Rehearsal's answer box gives rows back to the conversation.
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012 (as above)
        (0, "-short"),
        (20, "-tall"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            priority=True,
            id="app.quit",
            tooltip="Quit; a rehearsal in progress is kept to resume later",
        ),
        Binding("f1", "help", "Help", id="app.help", tooltip="List every key"),
        Binding("question_mark", "help", "Help", show=False, id="app.help-alt"),
        Binding(
            "ctrl+t",
            "toggle_theme",
            "Light/dark",
            id="app.theme",
            tooltip="Switch between the light and the dark theme",
        ),
    ]

    def __init__(self, config: AppConfig | None = None) -> None:
        super().__init__()
        self.config = config or AppConfig()
        self.store = StoreHandle(self.config.data_dir, self.config.use_store)
        self.catalog: Catalog | None = None
        self._catalog_lock = asyncio.Lock()
        #: Set by the CLI for ``coach rehearse ID`` / ``--resume``: where the app opens.
        self.start_scenario: Scenario | None = None
        self.start_session: tuple[str, Session] | None = None
        #: The user's incident brief new rehearsals use, as (name, brief): chosen on
        #: Home (``b``) or with ``coach rehearse --brief``; ``None`` for none.
        self.brief: tuple[str, Brief] | None = None
        #: ``coach brief new``: open the brief form first (with this name, if not empty).
        self.start_brief_form: str | None = None
        #: A notice to show once the app is up (why a brief got the general scenario).
        self.start_notice: str | None = None

    # -- start -----------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        # An empty base: Textual does not load a default screen's CSS_PATH, and a
        # default screen cannot be switched for another; pushed screens can.
        return Screen(id="base")

    def on_mount(self) -> None:
        if self.start_notice:
            self.notify(self.start_notice, title="Scenario", timeout=12, markup=False)
        if self.start_brief_form is not None:
            from coach.tui.screens.brief import BriefFormScreen

            self.push_screen(BriefFormScreen(self.start_brief_form or None))
        elif self.start_session is not None:
            from coach.tui.screens.rehearsal import RehearsalScreen

            session_id, session = self.start_session
            self.push_screen(RehearsalScreen(session, session_id=session_id, resumed=True))
        elif self.start_scenario is not None:
            from coach.tui.screens.prep import PrepScreen

            self.push_screen(PrepScreen(self.start_scenario, notice=self.start_notice))
        else:
            from coach.tui.screens.home import HomeScreen

            self.push_screen(HomeScreen())
        if not self.config.exit_after_first_paint:
            self.call_after_refresh(self.check_store)

    async def load_catalog(self, reload: bool = False) -> Catalog:
        """The scenario catalog, loaded once in a thread (it imports pydantic and YAML)."""
        async with self._catalog_lock:
            if self.catalog is None or reload:
                self.catalog = await asyncio.to_thread(load_catalog, self.config.scenario_dirs)
            return self.catalog

    # -- navigation ------------------------------------------------------------

    def go_home(self) -> None:
        from coach.tui.screens.home import HomeScreen

        for index, screen in enumerate(self.screen_stack):
            if isinstance(screen, HomeScreen):
                while len(self.screen_stack) > index + 1:
                    self.pop_screen()
                screen.refresh_stats()
                return
        # Started straight into a scenario: Home was never built. Keep the base.
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(HomeScreen())

    def open_prep(self, scenario: Scenario, notice: str | None = None) -> None:
        """Prep for ``scenario``; ``notice`` says why it was chosen (a brief's fallback)."""
        from coach.tui.screens.prep import PrepScreen

        self.push_screen(PrepScreen(scenario, notice=notice))

    def start_rehearsal(self, scenario: Scenario) -> None:
        """A new session of ``scenario``, replacing the Prep (or Debrief) screen."""
        from coach.tui.screens.rehearsal import RehearsalScreen

        self.switch_screen(RehearsalScreen(self.new_session(scenario)))

    def _session_options(self) -> dict[str, Any]:
        options: dict[str, Any] = {}
        if self.config.scorer is not None:
            options["scorer"] = self.config.scorer
        if self.config.session_clock is not None:
            options["clock"] = self.config.session_clock
        return options

    def new_session(self, scenario: Scenario) -> Session:
        from coach.engine.session import Session

        options = self._session_options()
        if self.brief is not None:
            options["brief_name"], options["brief"] = self.brief
        return Session.new(scenario, **options)

    def resumed_session(self, scenario: Scenario, transcript: Transcript) -> Session:
        """Raises CoachError when the scenario changed since the session began."""
        from coach.engine.session import Session

        session = Session.resume(scenario, transcript, **self._session_options())
        session.restart_timer()
        return session

    async def resume_session(self, session_id: str) -> None:
        """Continue a stored unfinished session from its exact node."""
        from coach.tui.screens.rehearsal import RehearsalScreen

        try:
            transcript = self.store.load(session_id)
            catalog = await self.load_catalog()
            scenario = catalog.get(transcript.scenario_id)
            if scenario is None:
                raise CoachError(
                    f"session {session_id} is of scenario {transcript.scenario_id!r}, "
                    "which is no longer installed; add its directory with --scenarios"
                )
            session = self.resumed_session(scenario, transcript)
        except CoachError as error:
            self.notify(str(error), title="Cannot resume", severity="error", timeout=10)
            return
        self.push_screen(RehearsalScreen(session, session_id=session_id, resumed=True))

    def open_debrief(
        self, scenario: Scenario, transcript: Transcript, session_id: str | None = None
    ) -> None:
        """Show ``transcript`` as a Debrief (from History, or at the end of a rehearsal)."""
        from coach.tui.screens.debrief import DebriefScreen

        self.push_screen(DebriefScreen(scenario, transcript, session_id=session_id))

    # -- the store -------------------------------------------------------------

    def check_store(self) -> None:
        """Open the store on first use. A file that is not a readable database gets
        the offer to move it aside; any other problem a notice. Either way the
        rehearsals work; they are only not saved."""
        if not self.store.enabled or self.store.available:
            return
        if self.store.corrupt_path is not None:
            self.offer_corrupt_reset()
            return
        self._history_off_notice()

    def offer_corrupt_reset(self) -> None:
        from coach.tui.screens.corrupt import CorruptStoreScreen

        path = self.store.corrupt_path
        if path is not None and not isinstance(self.screen, CorruptStoreScreen):
            self.push_screen(
                CorruptStoreScreen(path, self.store.problem or ""), self._corrupt_answered
            )

    def _corrupt_answered(self, move_aside: bool | None) -> None:
        if not move_aside:
            self._history_off_notice()
            return
        try:
            moved = self.store.reset_corrupt()
        except CoachError as error:
            self.notify(
                str(error), title="Could not move it", severity="error", timeout=12, markup=False
            )
            return
        if not self.store.available:
            self._history_off_notice()
            return
        store = self.store.get()
        where = f"; a fresh history starts in {store.path}" if store is not None else ""
        message = f"The damaged database is now {moved}{where}." if moved else "History is on."
        self.notify(message, title="Fresh history", timeout=10, markup=False)
        from coach.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.refresh_stats()

    def _history_off_notice(self) -> None:
        self.notify(
            f"{self.store.problem}. Rehearsals work, but are not saved.",
            title="History is off",
            severity="warning",
            timeout=12,
            markup=False,
        )

    def open_history(self) -> None:
        if self.store.corrupt_path is not None:
            self.offer_corrupt_reset()
            return
        if not self.store.available:
            self.notify(
                f"History needs the session store: {self.store.problem}",
                title="History unavailable",
                severity="warning",
            )
            return
        from coach.tui.screens.history import HistoryScreen

        self.push_screen(HistoryScreen())

    # -- actions -----------------------------------------------------------------

    def action_help(self) -> None:
        from coach.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    async def action_quit(self) -> None:
        """Quit; a rehearsal in progress is saved unfinished first (it can be resumed).
        A brief form with unsaved changes asks first, and quits if told to."""
        from coach.tui.screens.brief import BriefFormScreen
        from coach.tui.screens.rehearsal import RehearsalScreen

        forms = [s for s in self.screen_stack if isinstance(s, BriefFormScreen)]
        if any(form.ask_before_quit() for form in forms):
            return
        for screen in self.screen_stack:
            if isinstance(screen, RehearsalScreen):
                screen.keep_for_later()
        self.store.close()
        self.exit()
