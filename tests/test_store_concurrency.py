"""Two coach processes writing sessions at the same time (each autosaving turn
by turn, as a rehearsal does) while a third lists them: nothing is lost, the
file stays consistent, and nobody sees an error."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from coach.store import SessionStore

TESTS = Path(__file__).parent
SESSIONS = 15
EXTRA_TURNS = 4

WRITER = """
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
from store_samples import transcript
from coach.engine.transcript import Turn
from coach.store import SessionStore

data_dir, tag, _, go, sessions, extra = sys.argv[1:7]
while not Path(go).exists():  # start together
    time.sleep(0.005)
store = SessionStore.open(data_dir)
started = time.time()
made = []
partner = Path(f"{go}.{'beta' if tag == 'alpha' else 'alpha'}")
for i in range(int(sessions)):
    t = transcript(status="unfinished")
    session_id = store.create(t)
    if i == 0:
        # Neither goes on until both have written: on a loaded machine one
        # process could otherwise finish before the other is even scheduled.
        Path(f"{go}.{tag}").touch()
        while not partner.exists():
            time.sleep(0.005)
    for k in range(int(extra)):
        t.turns.append(Turn(speaker="user", node="q3", kind="answer", text=f"{tag}-{i}-{k}"))
        store.save(session_id, t)  # one transaction per turn, as the TUI autosaves
    made.append(session_id)
store.close()
print(json.dumps({"ids": made, "start": started, "end": time.time()}))
"""

READER = """
import sys, time
from pathlib import Path
from coach.store import SessionStore

data_dir, go, stop = sys.argv[1:4]
while not Path(go).exists():
    time.sleep(0.005)
store = SessionStore.open(data_dir)
reads = 0
while not Path(stop).exists():
    for summary in store.list(limit=5):
        store.get(summary.id)
    reads += 1
print(reads)
"""


def test_two_writers_and_a_reader_at_once(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    SessionStore.open(data_dir).close()  # both processes find an existing store
    go, stop = tmp_path / "go", tmp_path / "stop"

    def args(tag: str) -> list[str]:
        return [str(data_dir), tag, str(TESTS), str(go), str(SESSIONS), str(EXTRA_TURNS)]

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, *args(tag)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("alpha", "beta")
    ]
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(data_dir), str(go), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)  # let all three import and wait at the barrier
    go.touch()
    results = [w.communicate(timeout=180) for w in writers]
    stop.touch()
    reads, reader_err = reader.communicate(timeout=60)
    for (_, err), writer in zip(results, writers, strict=True):
        assert writer.returncode == 0, err
    assert reader.returncode == 0, reader_err
    assert int(reads) > 0
    done = {tag: json.loads(out) for tag, (out, _) in zip(("alpha", "beta"), results, strict=True)}
    # The two really wrote at the same time.
    assert max(d["start"] for d in done.values()) < min(d["end"] for d in done.values())
    ids = {tag: d["ids"] for tag, d in done.items()}

    with SessionStore.open(data_dir) as store:
        assert len(store.list()) == 2 * SESSIONS
        for tag, made in ids.items():
            assert len(made) == SESSIONS
            for i, session_id in enumerate(made):
                t = store.get(session_id)
                texts = [turn.text for turn in t.turns[-EXTRA_TURNS:]]
                assert texts == [f"{tag}-{i}-{k}" for k in range(EXTRA_TURNS)]
                assert store.summary(session_id).answers == 2 + EXTRA_TURNS
    conn = sqlite3.connect(str(data_dir / "sessions.db"))
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()
