"""A rehearsal killed with ``kill -9`` loses at most the answer being typed.

A real ``coach rehearse`` runs in tmux; after two answers (and half of a third,
still in the answer box) the process is killed with SIGKILL. ``coach history``
then shows the session unfinished with both answers, and ``coach rehearse
--resume ID`` continues it from the exact question to the Debrief.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engine_fakes import FIXTURES

pytestmark = pytest.mark.e2e

SCENARIO = "engine-branching"
QUESTION = "What happened to the checkout service?"
FOLLOW_UP = "How many customers?"
NEXT_QUESTION = "When is it fixed, and when do I hear from you?"
VAGUE = "We had a problem with checkout earlier today and the team is looking into it."
STRONG = (
    "Checkout failed for 1,200 customers from 13:20; we rolled back at 14:05 and it works again."
)
TYPING = "It will be fixed by 18:00 today and"  # never sent: lost with the process
LAST = "It will be fixed by 18:00 today, and I will update you at 16:00."


class Tmux:
    """A tmux server of our own (its own socket) running one command at 100x30."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.socket = f"coach-kill-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return out.stdout

    def start(self, command: list[str], env: dict[str, str]) -> Path:
        """Start ``command`` (exec'd, so the pid file holds its own pid); return the pid file."""
        pid_file = self.tmp_path / f"pid-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        inner = f"echo $$ > {shlex.quote(str(pid_file))}; exec env {exports} {shlex.join(command)}"
        self.run("-f", "/dev/null", "new-session", "-d", "-s", "k", "-x", "100", "-y", "30")
        self.run("set-option", "-t", "k", "remain-on-exit", "on")
        self.run("respawn-pane", "-k", "-t", "k", f"sh -c {shlex.quote(inner)}")
        return pid_file

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "k")

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.screen()
            if predicate(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out; the screen was:\n{text}")

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", "k", "-l", text)

    def key(self, *keys: str) -> None:
        self.run("send-keys", "-t", "k", *keys)

    def dead(self) -> bool:
        return self.run("display-message", "-p", "-t", "k", "#{pane_dead}").strip() == "1"

    def kill_server(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    assert shutil.which("tmux"), "tmux is needed for the end-to-end tests (.ci/run installs it)"
    servers: list[Tmux] = []

    def new() -> Tmux:
        server = Tmux(tmp_path)
        servers.append(server)
        return server

    yield new  # type: ignore[misc]
    for server in servers:
        server.kill_server()


def environment(tmp_path: Path) -> dict[str, str]:
    env = {
        "TERM": "xterm-256color",
        "COACH_DATA_DIR": str(tmp_path / "data"),
        "COACH_CONFIG_DIR": str(tmp_path / "config"),
        "COACH_SCENARIOS": str(tmp_path / "scenarios"),
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
    }
    if os.environ.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def coach(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        env=environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )


def gone(pid: int) -> bool:
    """Ended (a zombie waiting for tmux to reap it counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def test_kill_9_after_two_answers_keeps_both_and_resumes(
    tmux: Callable[[], Tmux], tmp_path: Path
) -> None:
    (tmp_path / "scenarios").mkdir()
    shutil.copy(FIXTURES / "engine" / "branching.yaml", tmp_path / "scenarios" / "branching.yaml")
    env = environment(tmp_path)

    first = tmux()
    pid_file = first.start(
        [sys.executable, "-m", "coach", "rehearse", SCENARIO, "--no-typing-delay"], env
    )
    first.wait_for(lambda s: "Start the meeting" in s)
    first.key("Enter")
    first.wait_for(lambda s: QUESTION in s)
    first.type(VAGUE)
    first.key("Enter")
    first.wait_for(lambda s: FOLLOW_UP in s)
    first.type(STRONG)
    first.key("Enter")
    first.wait_for(lambda s: NEXT_QUESTION in s)
    first.type(TYPING)  # half an answer, never sent
    first.wait_for(lambda s: TYPING in s)

    pid = int(pid_file.read_text())
    os.kill(pid, signal.SIGKILL)
    first.wait_for(lambda _: gone(pid) and first.dead(), timeout=10)
    assert "Overall" not in first.screen()

    history = coach(tmp_path, "history", "--json")
    assert history.returncode == 0, history.stderr
    [session] = json.loads(history.stdout)
    assert session["scenario"] == SCENARIO
    assert session["status"] == "unfinished"
    assert session["answers"] == 2
    shown = coach(tmp_path, "show", session["id"])
    assert shown.returncode == 0, shown.stderr
    assert VAGUE in shown.stdout and STRONG in shown.stdout
    assert TYPING not in shown.stdout
    exported = json.loads(coach(tmp_path, "export", session["id"], "--format", "json").stdout)
    transcript = exported["transcript"]
    assert [t["text"] for t in transcript["turns"] if t["speaker"] == "user"] == [VAGUE, STRONG]
    assert transcript["node"] == "q2"  # waiting at the exact question
    assert transcript["variables"]["patience"] == 1  # the follow-up cost patience

    second = tmux()
    second.start(
        [sys.executable, "-m", "coach", "rehearse", "--resume", session["id"], "--no-typing-delay"],
        env,
    )
    second.wait_for(lambda s: NEXT_QUESTION in s and STRONG[:40] in s)
    second.type(LAST)
    second.key("Enter")
    second.wait_for(lambda s: "Overall" in s)
    second.key("C-q")

    after = json.loads(coach(tmp_path, "history", "--json").stdout)
    assert [(s["id"], s["status"], s["answers"]) for s in after] == [(session["id"], "finished", 3)]
