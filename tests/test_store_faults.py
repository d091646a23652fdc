"""Faults: a corrupt file (named, never overwritten, moved aside on request),
a data directory that cannot be created, and a disk that fills up mid-session
(the error is clear, nothing is half-written, the session in memory lives on).

The tests run as root in CI, where chmod does not stop writes; each fault here
is one root cannot bypass, and each test checks that the fault really happened.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from store_samples import transcript

from coach.store import CorruptStoreError, SessionStore, StoreError
from coach.store.db import FILENAME

TESTS = Path(__file__).parent


def fill_store(directory: Path, sessions: int = 30) -> Path:
    with SessionStore.open(directory) as store:
        for _ in range(sessions):
            store.create(transcript())
    return directory / FILENAME


def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    before = path.read_bytes()
    with pytest.raises(CorruptStoreError) as caught:
        SessionStore.open(tmp_path)
    message = str(caught.value)
    assert str(path) in message and "--reset-corrupt" in message and "\n" not in message
    assert caught.value.path == path
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILENAME]


def test_reset_corrupt_moves_the_file_aside_and_starts_fresh(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    path.write_bytes(b"\x00garbage" * 1000)
    before = path.read_bytes()
    moved = SessionStore.reset_corrupt(tmp_path)
    assert moved is not None
    assert moved.parent == tmp_path
    assert moved.name.startswith(f"{FILENAME}.corrupt-")
    assert moved.read_bytes() == before
    assert not path.exists()
    with SessionStore.open(tmp_path) as store:
        assert store.list() == []
        store.create(transcript())


def test_damaged_pages_are_reported_as_corrupt_not_as_a_crash(tmp_path: Path) -> None:
    path = fill_store(tmp_path)
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    data[page:] = b"\xa5" * (len(data) - page)  # keep the header page, ruin the rest
    path.write_bytes(bytes(data))
    with (
        pytest.raises(CorruptStoreError, match="not a readable coach database"),
        SessionStore.open(tmp_path) as store,
    ):
        store.list()
    assert path.read_bytes() == bytes(data)  # never rewritten
    moved = SessionStore.reset_corrupt(tmp_path)
    assert moved is not None and moved.read_bytes() == bytes(data)
    with SessionStore.open(tmp_path) as store:
        assert store.list() == []


def test_reset_corrupt_leaves_a_healthy_store_alone(tmp_path: Path) -> None:
    path = fill_store(tmp_path, 3)
    before = path.read_bytes()
    assert SessionStore.reset_corrupt(tmp_path) is None
    assert path.read_bytes() == before
    assert SessionStore.reset_corrupt(tmp_path / "empty") is None


def test_moving_aside_takes_the_wal_and_shm_along(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    for suffix, content in (("", b"db"), ("-wal", b"wal"), ("-shm", b"shm")):
        path.with_name(FILENAME + suffix).write_bytes(content)
    moved = SessionStore.move_aside(path)
    assert moved.read_bytes() == b"db"
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal"
    assert moved.with_name(moved.name + "-shm").read_bytes() == b"shm"
    again = tmp_path / FILENAME
    again.write_bytes(b"second")
    second = SessionStore.move_aside(again)
    assert second != moved and second.read_bytes() == b"second"


def test_a_data_dir_below_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where a directory should be")
    target = blocker / "coach"
    with pytest.raises(OSError):  # the fault is real, even for root
        target.mkdir(parents=True)
    with pytest.raises(StoreError, match=f"cannot create the data directory {target}") as caught:
        SessionStore.open(target)
    assert "--data-dir" in str(caught.value) and "\n" not in str(caught.value)
    assert f"{blocker} is a file" in str(caught.value)
    assert blocker.read_text() == "a file where a directory should be"


def test_a_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("x")
    with pytest.raises(StoreError) as caught:
        SessionStore.open(blocker)
    message = str(caught.value)
    # Not the OS's "File exists": say what is wrong and what to do.
    assert message == (
        f"the data directory {blocker} is a file, not a directory; "
        "choose another with --data-dir or COACH_DATA_DIR"
    )
    assert blocker.read_text() == "x"


DISK_FULL = """
import json, resource, signal, sys
sys.path.insert(0, sys.argv[2])
from coach.engine.transcript import Turn
from coach.store import SessionStore, StoreWriteError
from coach.store.export import from_json, to_json, to_markdown, to_html

store = SessionStore.open(sys.argv[1])
session_id = store.list()[0].id
t = store.get(session_id)
before = len(t.turns)
# A file-size limit makes every write past 256 KB fail, as a full disk does;
# unlike permissions, root cannot ignore it.
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, hard))
t.turns.append(Turn(speaker="user", node="q3", kind="answer", text="long answer " * 200_000))
report = {}
try:
    store.save(session_id, t)
    report["error"] = None
except StoreWriteError as error:
    report["error"] = str(error)
# Nothing half-written: another connection sees the session as it was.
with SessionStore.open(sys.argv[1]) as other:
    report["stored_turns"] = len(other.get(session_id).turns)
# The session in memory is intact and exports.
report["memory_turns"] = len(t.turns)
report["exports"] = from_json(to_json(t), "mem") == t and bool(to_markdown(t)) and bool(to_html(t))
# Space comes back: the same store saves again.
resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
store.save(session_id, t)
report["after"] = len(store.get(session_id).turns)
report["before"] = before
print(json.dumps(report))
"""


def test_a_full_disk_fails_the_save_cleanly_and_keeps_the_session(tmp_path: Path) -> None:
    fill_store(tmp_path, 1)
    out = subprocess.run(
        [sys.executable, "-c", DISK_FULL, str(tmp_path), str(TESTS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["error"] is not None, "the write should have failed"
    assert str(tmp_path / FILENAME) in report["error"]
    assert "disk is full" in report["error"] or "disk I/O error" in report["error"]
    assert "\n" not in report["error"]
    assert report["stored_turns"] == report["before"]
    assert report["memory_turns"] == report["before"] + 1
    assert report["exports"] is True
    assert report["after"] == report["before"] + 1
    conn = sqlite3.connect(str(tmp_path / FILENAME))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_the_limit_really_stops_writes() -> None:
    code = (
        "import resource, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))\n"
        "import tempfile\n"
        "try:\n"
        "    with tempfile.TemporaryFile() as f:\n"
        "        f.write(b'x' * 4096); f.flush()\n"
        "    print('wrote')\n"
        "except OSError as e:\n"
        "    print('refused', e.errno)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.startswith("refused")
