"""What the app is started with: plain data, no Textual, so the CLI can build it cheaply."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.errors import CoachError

if TYPE_CHECKING:
    from coach.engine.session import ScoreFn

#: Seconds the CEO "types" before each line appears: long enough to feel like a
#: reply is coming, short enough never to be in the way.
DEFAULT_TYPING_DELAY = 0.7
#: Seconds after the Debrief appears during which its letter keys (r, e, h) do
#: nothing: the meeting can end while the user is still typing an answer, and
#: those letters must not retry or export by accident.
DEFAULT_KEYS_GUARD = 0.8
#: Longest delay accepted from COACH_TYPING_DELAY; more would feel like a hang.
MAX_TYPING_DELAY = 10.0


def typing_delay_from_env(environ: dict[str, str] | None = None) -> float:
    """``COACH_TYPING_DELAY`` in seconds (``0`` turns the delay off)."""
    env = os.environ if environ is None else environ
    raw = env.get("COACH_TYPING_DELAY", "").strip()
    if not raw:
        return DEFAULT_TYPING_DELAY
    try:
        value = float(raw)
    except ValueError:
        raise CoachError(
            f"COACH_TYPING_DELAY={raw!r} is not a number of seconds; "
            "use e.g. 0.5, or 0 to turn it off"
        ) from None
    if not 0 <= value <= MAX_TYPING_DELAY:
        raise CoachError(
            f"COACH_TYPING_DELAY={raw!r} is out of range; use 0 to {MAX_TYPING_DELAY:g} seconds"
        )
    return value


@dataclass
class AppConfig:
    """Everything the app needs from outside; tests build one directly."""

    #: Extra scenario directories (``--scenarios``), highest priority first.
    scenario_dirs: list[str] = field(default_factory=list)
    #: ``--data-dir``; ``None`` means COACH_DATA_DIR or the platform's user data dir.
    data_dir: str | None = None
    typing_delay: float = DEFAULT_TYPING_DELAY
    #: See DEFAULT_KEYS_GUARD; tests set 0.
    keys_guard: float = DEFAULT_KEYS_GUARD
    #: Open straight into this scenario's Prep screen (``coach rehearse ID``).
    scenario_id: str | None = None
    #: Resume this stored session (``coach rehearse --resume ID``).
    resume_id: str | None = None
    #: Live hints start on or off (off by default: they are a crutch in a real meeting).
    live_hints: bool = False
    #: Use the session store (tests and ``--no-store`` style runs turn it off).
    use_store: bool = True
    #: The answer timer's clock (tests freeze it so snapshots are stable).
    clock: Callable[[], float] = time.monotonic
    #: The engine's clock; ``None`` means the engine's default (wall time).
    session_clock: Callable[[], float] | None = None
    #: The scorer; ``None`` means the real one. Tests may inject a fake.
    scorer: ScoreFn | None = None
    #: Exit right after the first paint of Home (the startup benchmark reads this).
    exit_after_first_paint: bool = False
