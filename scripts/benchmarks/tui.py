"""The Textual app: startup and memory.

- Time from process start to the first painted Home screen, against a minimal
  Textual app measured in the same run (both exit right after their first
  paint, in a real pseudo-terminal): medians and their ratio, target ≤ 1.3×.
- Peak RSS of a whole session: a headless app plays a shipped scenario from
  Home to the Debrief with the real scorer (reported).
- Scoring a draft for live hints (reported against one 60 Hz frame): the app
  scores drafts in a thread worker whatever this is, so typing never waits.
"""

from __future__ import annotations

import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import threading
import time
from pathlib import Path

from benchmarks.common import Figure

SECTION = "tui"
ROOT = Path(__file__).resolve().parents[2]
#: The terminal both apps start in.
COLUMNS, ROWS = 100, 30

MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Minimal(App[None]):
        def compose(self):
            yield Header()
            yield Static("Hello")
            yield Footer()

        def on_mount(self) -> None:
            self.call_after_refresh(self.exit)

    Minimal().run()
    """
)

SESSION = textwrap.dedent(
    """
    import asyncio, resource, sys, yaml
    from pathlib import Path
    from coach.tui.app import CoachApp
    from coach.tui.config import AppConfig

    SCENARIO = sys.argv[1]
    answers = yaml.safe_load(Path(sys.argv[2]).read_text())

    async def main() -> None:
        app = CoachApp(AppConfig(typing_delay=0, data_dir=sys.argv[3]))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            catalog = await app.load_catalog()
            app.open_prep(catalog.get(SCENARIO))
            await pilot.pause()
            await pilot.press("enter")
            for answer in answers:
                await app.workers.wait_for_complete()
                await pilot.pause()
                if type(app.screen).__name__ == "DebriefScreen":
                    break
                app.screen.query_one("#answer").insert(answer)
                await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            if type(app.screen).__name__ != "DebriefScreen":
                await pilot.press("ctrl+g")  # the answers ran out: end the meeting here
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert type(app.screen).__name__ == "DebriefScreen", type(app.screen).__name__

    asyncio.run(main())
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)
SESSION_SCENARIO = "fullstack-checkout-release"


def _run_in_pty(argv: list[str], env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from spawning ``argv`` in a pseudo-terminal to its exit."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))

    def drain() -> None:
        # The app's output must be read, or it blocks once the pty buffer fills.
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True
    )
    try:
        code = process.wait(timeout=timeout)
    finally:
        elapsed = time.perf_counter() - start
        os.close(slave)
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    if code != 0:
        raise RuntimeError(f"{argv} exited with {code}")
    return elapsed


def startup(quick: bool) -> list[Figure]:
    repeats = 5 if quick else 15
    with tempfile.TemporaryDirectory(prefix="coach-bench-tui-") as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_APP, encoding="utf-8")
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COACH_DATA_DIR": str(Path(tmp) / "data"),
            "COACH_CONFIG_DIR": str(Path(tmp) / "config"),
            "COACH_BENCH_EXIT_AFTER_PAINT": "1",
        }
        coach = [sys.executable, "-m", "coach"]
        bare = [sys.executable, str(minimal)]
        # Warm the file cache (and the store's first creation) before timing.
        _run_in_pty(coach, env)
        _run_in_pty(bare, env)
        coach_times: list[float] = []
        bare_times: list[float] = []
        for _ in range(repeats):  # interleaved, so machine noise hits both alike
            bare_times.append(_run_in_pty(bare, env))
            coach_times.append(_run_in_pty(coach, env))
    coach_ms = statistics.median(coach_times) * 1000
    bare_ms = statistics.median(bare_times) * 1000
    return [
        Figure(SECTION, "minimal Textual app: start to first paint", bare_ms, "ms"),
        Figure(SECTION, "coach: start to first painted Home", coach_ms, "ms"),
        Figure(
            SECTION,
            "coach Home vs minimal app (ratio of medians)",
            coach_ms / bare_ms,
            "×",
            target=1.3,
        ),
    ]


def session_memory() -> list[Figure]:
    answers = ROOT / "tests" / "data" / "playthroughs" / f"{SESSION_SCENARIO}.strong.yaml"
    with tempfile.TemporaryDirectory(prefix="coach-bench-tui-") as tmp:
        out = subprocess.run(
            [sys.executable, "-c", SESSION, SESSION_SCENARIO, str(answers), tmp],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={**os.environ, "COACH_CONFIG_DIR": str(Path(tmp) / "config")},
        )
    kilobytes = int(out.stdout.strip().splitlines()[-1])
    return [
        Figure(
            SECTION,
            f"peak RSS, a whole session ({SESSION_SCENARIO})",
            kilobytes / 1024,
            "MiB",
            note="Home to Debrief, headless, real scorer",
        )
    ]


def draft_scoring(quick: bool) -> list[Figure]:
    import yaml

    from benchmarks.common import median_seconds
    from coach.engine.session import Session
    from coach.scenario.library import load_scenario

    scenario = load_scenario(SESSION_SCENARIO)
    answers = ROOT / "tests" / "data" / "playthroughs" / f"{SESSION_SCENARIO}.strong.yaml"
    draft = " ".join(yaml.safe_load(answers.read_text(encoding="utf-8"))[0].split())
    session = Session.new(scenario)
    session.begin()
    seconds = median_seconds(lambda: session.draft_result(draft), 20 if quick else 100)
    words = len(draft.split())
    return [
        Figure(
            SECTION,
            f"live hints: score a {words}-word draft",
            seconds * 1000,
            "ms",
            note=f"one frame at 60 Hz is 16.7 ms; {'within' if seconds < 1 / 60 else 'over'}",
        )
    ]


def run(quick: bool) -> list[Figure]:
    return startup(quick) + session_memory() + draft_scoring(quick)
