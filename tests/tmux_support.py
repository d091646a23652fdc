"""Driving the real ``coach`` command in a real terminal: tmux, for the end-to-end tests.

Each :class:`Terminal` runs its own tmux server (its own socket, so tests never
touch the user's tmux or each other) with one pane at 100x30. Keys are typed with
send-keys and the screen is read with capture-pane. ``.ci/run`` installs tmux.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from engine_fakes import FIXTURES

#: The size every end-to-end test runs at (the issue's 100x30).
COLUMNS, LINES = 100, 30
#: The tmux session (and so the target of every command) inside a Terminal's server.
SESSION = "coach"


class Terminal:
    """One tmux server of our own running one command at a time in one pane."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.socket = self._new_socket()
        self.exit_file: Path | None = None

    @staticmethod
    def _new_socket() -> str:
        return f"coach-test-{uuid.uuid4().hex[:8]}"

    def tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def _run_in_pane(self, shell_line: str) -> None:
        size = ["-x", str(COLUMNS), "-y", str(LINES)]
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", SESSION, *size)
        self.tmux("set-option", "-t", SESSION, "remain-on-exit", "on")
        self.tmux("respawn-pane", "-k", "-t", SESSION, f"sh -c {shlex.quote(shell_line)}")

    def start(self, command: list[str], env: dict[str, str]) -> None:
        """Run ``command``; when it ends, its exit code is written to :attr:`exit_file`."""
        self.exit_file = self.tmp_path / f"exit-{uuid.uuid4().hex[:8]}"
        line = f"env {_exports(env)} {shlex.join(command)}; echo $? > {_q(self.exit_file)}"
        self._run_in_pane(line)

    def start_exec(self, command: list[str], env: dict[str, str]) -> Path:
        """Run ``command`` exec'd, so the pid file it writes first holds its own pid
        (for a test that kills it); return the pid file. No exit code is recorded."""
        pid_file = self.tmp_path / f"pid-{uuid.uuid4().hex[:8]}"
        self.exit_file = None
        self._run_in_pane(
            f"echo $$ > {_q(pid_file)}; exec env {_exports(env)} {shlex.join(command)}"
        )
        return pid_file

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", SESSION)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        """Poll the screen until ``predicate`` holds; the screen then. Fails with the
        last screen shown, so a timeout says what the terminal was showing."""
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out; the screen was:\n{text}")

    def type(self, text: str) -> None:
        """Type ``text`` literally (no key names)."""
        self.tmux("send-keys", "-t", SESSION, "-l", text)

    def key(self, *keys: str) -> None:
        """Press tmux key names (``Enter``, ``C-q``, ``F1``)."""
        self.tmux("send-keys", "-t", SESSION, *keys)

    def exit_code(self, timeout: float = 10.0) -> int:
        """Wait for the command started with :meth:`start` to end; its exit code."""
        exit_file = self.exit_file
        assert exit_file is not None, "exit_code() needs a command started with start()"
        self.wait_for(lambda _: exit_file.exists() and exit_file.read_text() != "", timeout)
        return int(exit_file.read_text())

    def dead(self) -> bool:
        """The pane's command has ended (the pane stays, remain-on-exit)."""
        return self.tmux("display-message", "-p", "-t", SESSION, "#{pane_dead}").strip() == "1"

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)

    def fresh(self) -> None:
        """A new server (a new socket) for the next command; the old one is ended."""
        self.kill()
        self.socket = self._new_socket()


def _q(path: Path) -> str:
    return shlex.quote(str(path))


def _exports(env: dict[str, str]) -> str:
    return " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())


def open_terminal(tmp_path: Path) -> Iterator[Terminal]:
    """The body of a ``terminal`` fixture: a Terminal whose server is ended afterwards."""
    assert shutil.which("tmux"), "tmux is needed for the end-to-end tests (.ci/run installs it)"
    term = Terminal(tmp_path)
    try:
        yield term
    finally:
        term.kill()


def coach_env(tmp_path: Path, scenarios: str = "") -> dict[str, str]:
    """A clean environment for ``coach``: data, config and home under ``tmp_path``;
    ``COACH_SCENARIOS`` is ``scenarios`` (empty: only the shipped ones)."""
    env = {
        "TERM": "xterm-256color",
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG_DIR": str(tmp_path / "config"),
        "COACH_SCENARIOS": scenarios,
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def branching_scenario_dir(tmp_path: Path) -> Path:
    """``tmp_path/scenarios`` holding the engine's branching fixture (``engine-branching``)."""
    directory = tmp_path / "scenarios"
    directory.mkdir()
    shutil.copy(FIXTURES / "engine" / "branching.yaml", directory / "branching.yaml")
    return directory


def python_coach() -> list[str]:
    """``coach`` run by this Python (``python -m coach``)."""
    return [sys.executable, "-m", "coach"]


def gone(pid: int) -> bool:
    """Process ``pid`` has ended (a zombie waiting for tmux to reap it counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")
