"""The session store with 10,000 stored sessions.

- ``coach history`` end to end (a real process, output included): target ≤ 300 ms;
- the History screen ready (table filled, trends drawn): target ≤ 500 ms;
- database size per session, and the time one autosave takes (reported).

The sessions are written straight into a temporary database with one
``executemany`` (through the store's own schema and serialisation), so the
setup takes seconds, not the minutes ten thousand rehearsals would.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Figure, median_seconds

SECTION = "store"
SESSIONS = 10_000
SCENARIOS = [
    ("blockchain-vault-exploit", "blockchain"),
    ("security-customer-data-exposure", "security"),
    ("checkout-broken-ios", "full-stack"),
    ("invoices-double-count", "data"),
    ("region-failover-stuck", "architect"),
]


def _template():  # type: ignore[no-untyped-def]
    """One realistic session: six questions, six scored answers and an ending."""
    from coach.engine.states import State
    from coach.engine.transcript import Transcript, Turn
    from coach.scoring.names import DIMENSIONS, ELEMENTS
    from coach.scoring.result import AnswerResult, ElementResult, Flag, Span

    answer = (
        "Checkout failed for about 1,200 customers between 13:40 and 14:05. We rolled back "
        "at 14:05 and payments are flowing again. The cause was a config change; we know "
        "that much. I'll update you at 16:00 with the fix and what we change so it cannot "
        "happen again. It could potentially recur tonight if the fix slips."
    )

    def span(phrase: str) -> Span:
        start = answer.index(phrase)
        return Span(start=start, end=start + len(phrase), text=phrase)

    found = {
        "impact": "1,200 customers",
        "timeline": "between 13:40 and 14:05",
        "mitigation": "rolled back",
        "root_cause": "a config change",
        "next_update": "update you at 16:00",
    }
    result = AnswerResult(
        elements={
            name: ElementResult(
                present=name in found,
                evidence=[found[name]] if name in found else [],
                spans=[span(found[name])] if name in found else [],
            )
            for name in ELEMENTS
        },
        flags=[
            Flag(
                code="hedging",
                message="Stacked hedges",
                start=answer.index("could potentially"),
                end=answer.index("could potentially") + 17,
                suggestion="State what you know; say when you will know the rest.",
                evidence="could potentially",
            )
        ],
        score=84,
        dimensions={d: 80 for d in DIMENSIONS},
        expects=["impact", "timeline", "mitigation"],
        words=len(answer.split()),
        spoken_seconds=25.0,
    )
    turns = []
    for i in range(6):
        node = f"q{i + 1}"
        turns.append(
            Turn(speaker="ceo", node=node, kind="question", text=f"Question {i + 1}: what now?")
        )
        turns.append(
            Turn(
                speaker="user",
                node=node,
                kind="answer",
                text=answer,
                at=30.0 * (i + 1),
                seconds=25.0,
                attempt=1,
                result=result,
                branch=0,
            )
        )
    turns.append(Turn(speaker="ceo", node="trusted", kind="ending", text="Good. Keep me posted."))
    return Transcript(
        scenario_id="x",
        scenario_version=1,
        scenario_hash="0" * 64,
        scenario_title="x",
        role="x",
        started_at=datetime(2024, 1, 1, tzinfo=UTC),
        ended_at=datetime(2024, 1, 1, 0, 4, tzinfo=UTC),
        state=State.FINISHED,
        path=[f"q{i + 1}" for i in range(6)] + ["trusted"],
        turns=turns,
        ending="trusted",
        scores={d: 80 for d in DIMENSIONS},
        overall=84,
    )


def build(directory: Path, sessions: int = SESSIONS, seed: int = 7) -> Path:
    """A store holding ``sessions`` sessions; returns the database path."""
    from coach.store import SessionStore
    from coach.store.db import ID_ALPHABET, ID_LENGTH, dumps

    template = _template()
    store = SessionStore.open(directory)
    path = store.path
    store.close()
    state = template.model_dump(mode="json", exclude={"turns"})
    turn_rows = [(t.speaker, t.node, dumps(t.model_dump(mode="json"))) for t in template.turns]
    rng = random.Random(seed)
    ids: set[str] = set()
    while len(ids) < sessions:
        ids.add("".join(rng.choice(ID_ALPHABET) for _ in range(ID_LENGTH)))
    start = datetime(2024, 1, 1, tzinfo=UTC)
    session_rows = []
    all_turns = []
    for n, session_id in enumerate(sorted(ids)):
        scenario_id, role = SCENARIOS[n % len(SCENARIOS)]
        started = start + timedelta(minutes=37 * n)
        status = rng.choices(["finished", "abandoned", "unfinished"], [8, 1, 1])[0]
        overall = rng.randint(30, 98)
        state.update(
            scenario_id=scenario_id, role=role, scenario_title=scenario_id.replace("-", " ").title()
        )
        stamp = started.isoformat(timespec="microseconds")
        session_rows.append(
            (
                session_id,
                scenario_id,
                state["scenario_title"],
                role,
                stamp,
                stamp,
                status,
                overall,
                1,
                dumps(state),
                6,
                stamp,
                1,
            )
        )
        all_turns += [(session_id, seq, *row) for seq, row in enumerate(turn_rows)]
    conn = sqlite3.connect(str(path))
    with conn:
        conn.executemany(
            "INSERT INTO sessions (id, scenario_id, scenario_title, role, started_at, ended_at, "
            "status, overall, transcript_version, state, answers, updated_at, revision) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            session_rows,
        )
        conn.executemany(
            "INSERT INTO turns (session_id, seq, speaker, node, data) VALUES (?, ?, ?, ?, ?)",
            all_turns,
        )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path


def _history(directory: Path, *extra: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "coach", "history", "--data-dir", str(directory), *extra],
        stdout=subprocess.DEVNULL,
        check=True,
    )


def _autosave_seconds(directory: Path, repeats: int) -> float:
    """One turn saved the way the rehearsal autosaves it (one transaction)."""
    from coach.engine.transcript import Turn
    from coach.store import SessionStore

    store = SessionStore.open(directory)
    session_id = store.create(_template())
    transcript = store.get(session_id)

    def save() -> None:
        transcript.turns.append(Turn(speaker="user", node="q7", kind="answer", text="one more"))
        store.save(session_id, transcript)

    seconds = median_seconds(save, repeats)
    store.close()
    return seconds


def _history_screen_seconds(directory: Path, repeats: int) -> tuple[float, float] | None:
    """From pushing the History screen to its table and trends being on screen;
    and the first sort, which reads every summary."""
    try:
        from coach.tui.screens.history import HistoryScreen
    except ImportError:
        return None
    from coach.tui.app import CoachApp
    from coach.tui.config import AppConfig

    async def once() -> tuple[float, float]:
        app = CoachApp(AppConfig(data_dir=str(directory), typing_delay=0.0))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            start = time.perf_counter()
            screen = HistoryScreen()
            await app.push_screen(screen)
            await screen.ready.wait()
            await pilot.pause()
            ready = time.perf_counter() - start
            start = time.perf_counter()
            screen.action_sort()
            await pilot.pause()
            return ready, time.perf_counter() - start

    samples = [asyncio.run(once()) for _ in range(repeats)]
    return statistics.median(r for r, _ in samples), statistics.median(s for _, s in samples)


def run(quick: bool) -> list[Figure]:
    repeats = 5 if quick else 15
    tmp = Path(tempfile.mkdtemp(prefix="coach-bench-store-"))
    try:
        started = time.perf_counter()
        path = build(tmp)
        setup = time.perf_counter() - started
        size = path.stat().st_size
        figures = [
            Figure(
                SECTION,
                f"coach history, {SESSIONS:,} sessions (end to end)",
                1000 * median_seconds(lambda: _history(tmp), repeats),
                "ms",
                target=300,
                note=f"setup {setup:.1f} s",
            ),
            Figure(
                SECTION,
                f"coach history --json, {SESSIONS:,} sessions",
                1000 * median_seconds(lambda: _history(tmp, "--json"), repeats),
                "ms",
            ),
            Figure(
                SECTION,
                "database size per session",
                size / SESSIONS / 1024,
                "KiB",
                note=f"{size / 1024 / 1024:.1f} MiB for {SESSIONS:,} sessions of 6 answers",
            ),
            Figure(
                SECTION,
                "one autosave (a turn, one transaction)",
                1000 * _autosave_seconds(tmp, repeats * 4),
                "ms",
            ),
        ]
        screen = _history_screen_seconds(tmp, max(3, repeats // 3))
        empty = _history_screen_seconds(tmp / "empty", max(3, repeats // 3))
        if screen is not None and empty is not None:
            ready, first_sort = screen
            figures[2:2] = [
                Figure(
                    SECTION,
                    "History screen ready, no sessions (reference)",
                    1000 * empty[0],
                    "ms",
                    note="the same screen with nothing to read, measured in this run",
                ),
                Figure(
                    SECTION,
                    f"History screen ready, {SESSIONS:,} sessions",
                    1000 * ready,
                    "ms",
                    target=500,
                    note="newest sessions and every trend shown",
                ),
                Figure(
                    SECTION,
                    f"History: first sort of all {SESSIONS:,}",
                    1000 * first_sort,
                    "ms",
                    note="reads every summary once",
                ),
            ]
        return figures
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
