"""The session store: lossless round trips, autosave appends, listing,
statistics, unknown ids, and refusing to overwrite another process's saves."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_samples import BASE, NASTY, answer_result, nasty_answers, transcript

from coach.engine.transcript import Transcript, Turn
from coach.store import (
    SessionConflictError,
    SessionStore,
    StoreWriteError,
    UnknownSessionError,
)
from coach.store import db as store_db
from coach.store.schema import SCHEMA_VERSION


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    s = SessionStore.open(tmp_path)
    yield s  # type: ignore[misc]
    s.close()


def raw(store: SessionStore) -> sqlite3.Connection:
    """A separate connection, as another process would see the file."""
    return sqlite3.connect(str(store.path))


def test_open_creates_a_wal_database_with_foreign_keys(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "deep" / "dir")
    assert store.path == tmp_path / "deep" / "dir" / "sessions.db"
    conn = raw(store)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    store.close()


def test_data_dir_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "env"))
    with SessionStore.open() as store:
        assert store.path == tmp_path / "env" / "sessions.db"
    with SessionStore.open(tmp_path / "flag") as store:  # --data-dir wins
        assert store.path == tmp_path / "flag" / "sessions.db"


def test_create_and_get_round_trip_losslessly(store: SessionStore) -> None:
    for t in (
        transcript(),
        transcript(status="unfinished", answers=nasty_answers()),
        transcript(status="abandoned"),
    ):
        session_id = store.create(t)
        back = store.get(session_id)
        assert back == t
        assert back.model_dump_json() == t.model_dump_json()


def test_answers_are_stored_verbatim(store: SessionStore) -> None:
    session_id = store.create(transcript(answers=nasty_answers()))
    texts = [t.text for t in store.get(session_id).turns if t.speaker == "user"]
    assert texts[0] == NASTY  # <script>, ESC and BEL all kept


def test_ids_are_short_and_typeable(store: SessionStore) -> None:
    ids = {store.create(transcript()) for _ in range(20)}
    assert len(ids) == 20
    for session_id in ids:
        assert len(session_id) == store_db.ID_LENGTH
        assert set(session_id) <= set(store_db.ID_ALPHABET)
        assert not set(session_id) & set("01ilo")


def test_save_appends_new_turns_in_one_transaction(store: SessionStore) -> None:
    t = transcript(status="unfinished")
    session_id = store.create(t)
    before = raw(store).execute("SELECT count(*) FROM turns").fetchone()[0]
    t.turns.append(Turn(speaker="user", node="q3", kind="answer", text="third answer", at=99.0))
    t.turns.append(Turn(speaker="ceo", node="q4", kind="question", text="Next?", at=100.0))
    t.variables["patience"] = 1
    t.node = "q4"
    store.save(session_id, t)
    # Another connection (another process) sees the committed turns at once.
    conn = raw(store)
    assert conn.execute("SELECT count(*) FROM turns").fetchone()[0] == before + 2
    assert conn.execute("SELECT answers FROM sessions").fetchone()[0] == 3
    with SessionStore.open_path(store.path) as other:
        assert other.get(session_id) == t


def test_save_updates_status_and_scores(store: SessionStore) -> None:
    t = transcript(status="unfinished")
    session_id = store.create(t)
    assert store.summary(session_id).status == "unfinished"
    finished = transcript(status="finished")
    t.turns.append(finished.turns[-1])
    t.state, t.ending, t.node, t.ended_at = finished.state, "trusted", None, finished.ended_at
    t.overall = 77
    store.save(session_id, t)
    summary = store.summary(session_id)
    assert (summary.status, summary.overall, summary.ended_at) == ("finished", 77, t.ended_at)
    assert store.get(session_id) == t


def test_a_save_from_a_stale_copy_is_refused_and_overwrites_nothing(tmp_path: Path) -> None:
    first = SessionStore.open(tmp_path)
    second = SessionStore.open(tmp_path)
    session_id = first.create(transcript(status="unfinished"))
    mine = first.get(session_id)
    theirs = second.get(session_id)
    mine.turns.append(Turn(speaker="user", node="q3", kind="answer", text="from the first"))
    first.save(session_id, mine)
    theirs.turns.append(Turn(speaker="user", node="q3", kind="answer", text="from the second"))
    with pytest.raises(SessionConflictError, match=f"session {session_id} was saved by another"):
        second.save(session_id, theirs)
    assert first.get(session_id).turns[-1].text == "from the first"
    # The refused copy is untouched in memory: it can still be stored as a new session.
    assert theirs.turns[-1].text == "from the second"
    assert second.get(second.create(theirs)) == theirs
    first.close()
    second.close()


def test_saving_a_deleted_session_fails_clearly(tmp_path: Path) -> None:
    first = SessionStore.open(tmp_path)
    session_id = first.create(transcript(status="unfinished"))
    with SessionStore.open(tmp_path) as other:
        other.delete(session_id)
    with pytest.raises(StoreWriteError, match="no longer in"):
        first.save(session_id, transcript(status="unfinished"))
    first.close()


def test_list_filters_sorts_and_limits(store: SessionStore) -> None:
    a = store.create(transcript(started=BASE, status="finished"))
    b = store.create(transcript(started=BASE + timedelta(hours=1), status="unfinished"))
    c = store.create(
        transcript(
            scenario_id="other",
            role="security",
            started=BASE + timedelta(hours=2),
            status="abandoned",
        )
    )
    assert [s.id for s in store.list()] == [c, b, a]  # newest first
    assert [s.id for s in store.list(scenario="engine-branching")] == [b, a]
    assert [s.id for s in store.list(role="security")] == [c]
    assert [s.id for s in store.list(status="unfinished")] == [b]
    assert [s.id for s in store.list(limit=2)] == [c, b]
    assert store.list(scenario="nope") == []
    summary = store.list(scenario="other")[0]
    assert summary.as_json()["status"] == "abandoned"
    assert summary.answers == 2
    assert summary.title == "Engine branching fixture"


def test_unfinished_lists_the_most_recently_saved_first(store: SessionStore) -> None:
    older = store.create(transcript(started=BASE, status="unfinished"))
    newer = store.create(transcript(started=BASE + timedelta(days=1), status="unfinished"))
    store.create(transcript(status="finished"))
    assert [s.id for s in store.unfinished()] == [newer, older]
    time.sleep(0.01)
    t = store.get(older)
    t.turns.append(Turn(speaker="user", node="q3", kind="answer", text="back again"))
    store.save(older, t)
    assert [s.id for s in store.unfinished()] == [older, newer]


def test_stats_count_attempts_and_score_finished_sessions(store: SessionStore) -> None:
    for i, (status, overall) in enumerate(
        [
            ("finished", 60),
            ("abandoned", 99),
            ("finished", 85),
            ("finished", 70),
            ("unfinished", 10),
        ]
    ):
        store.create(transcript(started=BASE + timedelta(hours=i), status=status, overall=overall))
    store.create(transcript(scenario_id="solo", status="abandoned", overall=40))
    stats = store.stats()
    s = stats["engine-branching"]
    assert (s.attempts, s.finished, s.last, s.best, s.trend) == (5, 3, 70, 85, [60, 85, 70])
    assert s.last_at == BASE + timedelta(hours=3)
    solo = stats["solo"]
    assert (solo.attempts, solo.finished, solo.last, solo.best, solo.trend) == (
        1,
        0,
        None,
        None,
        [],
    )


def test_delete_removes_the_turns_too(store: SessionStore) -> None:
    keep = store.create(transcript())
    gone = store.create(transcript())
    store.delete(gone)
    conn = raw(store)
    assert (
        conn.execute("SELECT count(*) FROM turns WHERE session_id = ?", (gone,)).fetchone()[0] == 0
    )
    assert (
        conn.execute("SELECT count(*) FROM turns WHERE session_id = ?", (keep,)).fetchone()[0] > 0
    )
    with pytest.raises(UnknownSessionError):
        store.get(gone)
    with pytest.raises(UnknownSessionError):
        store.delete(gone)


def test_unknown_ids_name_the_closest(store: SessionStore) -> None:
    session_id = store.create(transcript())
    typo = session_id[:-1] + ("x" if session_id[-1] != "x" else "y")
    with pytest.raises(UnknownSessionError) as caught:
        store.get(typo)
    message = str(caught.value)
    assert f"no session {typo!r}" in message and session_id in message
    assert "\n" not in message
    assert caught.value.close == [session_id]
    with pytest.raises(UnknownSessionError, match=f"did you mean {session_id}"):
        store.summary(session_id[:3])  # a prefix
    with pytest.raises(UnknownSessionError, match="coach history` lists them"):
        store.get("qqqqqqqqqqqqqqqqqqqqqqqq")


def test_unknown_id_with_terminal_escapes_is_shown_safely(store: SessionStore) -> None:
    with pytest.raises(UnknownSessionError) as caught:
        store.get("\x1b[2Jabc")
    assert "\x1b" not in str(caught.value)


def test_import_twice_adds_nothing(store: SessionStore) -> None:
    t = transcript()
    first, created = store.import_transcript(t)
    assert created
    again, created = store.import_transcript(t.model_copy(deep=True))
    assert (again, created) == (first, False)
    changed = t.model_copy(deep=True)
    changed.overall = 1
    third, created = store.import_transcript(changed)
    assert created and third != first


def test_a_write_waits_for_another_process_holding_the_lock(store: SessionStore) -> None:
    holder = sqlite3.connect(str(store.path), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.4, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    session_id = store.create(transcript())
    assert time.monotonic() - started >= 0.3
    assert store.get(session_id) == transcript()
    release.join()
    holder.close()


def test_a_lock_held_too_long_is_a_clear_error(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_db, "LOCK_PATIENCE", 0.3)
    store._conn.execute("PRAGMA busy_timeout = 50")
    holder = sqlite3.connect(str(store.path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreWriteError, match="stayed locked by another coach process"):
            store.create(transcript())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.list() == []  # nothing half-written, and the store still works
    store.create(transcript())
    assert len(store.list()) == 1


def test_a_newer_transcript_version_is_refused(store: SessionStore) -> None:
    session_id = store.create(transcript())
    conn = raw(store)
    conn.execute("UPDATE sessions SET state = json_set(state, '$.version', 99)")
    conn.commit()
    with pytest.raises(Exception, match="saved by a newer coach"):
        store.get(session_id)


def test_a_damaged_row_names_the_session(store: SessionStore) -> None:
    session_id = store.create(transcript())
    conn = raw(store)
    conn.execute("UPDATE sessions SET state = '{\"scenario_id\": 3'")
    conn.commit()
    with pytest.raises(Exception, match=f"session {session_id} .* is damaged"):
        store.get(session_id)


def test_threads_can_share_a_store(store: SessionStore) -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(10):
                store.get(store.create(transcript()))
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(store.list()) == 40


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",))
    | st.sampled_from(["<", "&", "\x1b", "\x00", "é"]),
    max_size=200,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answer=texts, other=texts, seconds=st.floats(min_value=0, max_value=1e6, allow_nan=False))
def test_any_answer_round_trips(
    store: SessionStore, answer: str, other: str, seconds: float
) -> None:
    t = transcript(
        answers=[
            (answer or "x", answer_result(answer or "x", expects=["impact"])),
            (other or "y", answer_result(other or "y", expects=[])),
        ]
    )
    t.turns[1] = t.turns[1].model_copy(update={"seconds": seconds})
    assert store.get(store.create(t)) == t


def test_lone_surrogates_from_a_broken_paste_round_trip(store: SessionStore) -> None:
    text = "broken \udc80 paste"
    t = transcript(answers=[(text, answer_result(text, expects=[]))])
    assert store.get(store.create(t)) == t


def test_transcript_model_is_what_the_store_returns(store: SessionStore) -> None:
    assert isinstance(store.get(store.create(transcript())), Transcript)


def test_stats_agree_with_the_pure_function_and_limit_the_trend(store: SessionStore) -> None:
    import random

    from coach.store.records import scenario_stats

    rng = random.Random(3)
    for i in range(60):
        store.create(
            transcript(
                scenario_id=rng.choice(["a", "b", "c"]),
                title=f"title {i}",
                started=BASE + timedelta(minutes=i),
                status=rng.choice(["finished", "finished", "abandoned", "unfinished"]),
                overall=rng.randint(0, 100),
            ).model_copy(update={"brief_name": rng.choice([None, None, "payments", "db"])})
        )
    summaries = sorted(store.list(), key=lambda s: s.started_at)
    expected = scenario_stats(
        (s.scenario, s.title, s.status, s.overall, s.started_at, s.brief) for s in summaries
    )
    assert store.stats() == expected
    newest = {s.scenario: s for s in summaries}
    for scenario, stats in store.stats(trend_points=4).items():
        assert stats.trend == expected[scenario].trend[-4:]
        assert stats.best == expected[scenario].best  # over every finished session
        assert stats.title == newest[scenario].title
        assert stats.latest_at == newest[scenario].started_at


def test_a_session_with_a_brief_is_listed_with_its_name(store: SessionStore) -> None:
    plain = store.create(transcript(started=BASE))
    mine = store.create(
        transcript(started=BASE + timedelta(hours=1), status="unfinished").model_copy(
            update={"brief_name": "payments"}
        )
    )
    assert {s.id: s.brief for s in store.list()} == {plain: None, mine: "payments"}
    assert store.summary(mine).brief == "payments"
    assert [s.brief for s in store.unfinished()] == ["payments"]
    # The JSON keeps every field it had and adds the brief (null without one).
    assert list(store.summary(plain).as_json()) == [
        "id",
        "scenario",
        "title",
        "role",
        "started_at",
        "ended_at",
        "status",
        "overall",
        "answers",
        "updated_at",
        "brief",
    ]
    assert store.summary(plain).as_json()["brief"] is None
    assert store.summary(mine).as_json()["brief"] == "payments"
    stats = store.stats()["engine-branching"]
    assert (stats.attempts, stats.with_brief) == (2, 1)
    # An autosave keeps it.
    t = store.get(mine)
    t.turns.append(Turn(speaker="user", node="q3", kind="answer", text="more"))
    store.save(mine, t)
    assert store.summary(mine).brief == "payments"
