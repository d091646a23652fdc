"""Upgrading databases written by earlier schemas, from the checked-in v1 and v2
fixtures (``tests/fixtures/store/make_v1.py`` and ``make_v2.py`` wrote them as
those schemas left them)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fixtures.store.make_v1 import v1_sessions
from fixtures.store.make_v2 import DAMAGED_ID, v2_sessions

from coach.engine.transcript import Turn
from coach.store import SessionStore, StoreError
from coach.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, user_version

FIXTURE = Path(__file__).parent / "fixtures" / "store" / "v1.sqlite"


@pytest.fixture
def v1_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sessions.db"
    shutil.copyfile(FIXTURE, target)
    return target


def columns(path: Path) -> dict[str, object]:
    conn = sqlite3.connect(str(path))
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    out = {
        t: sorted((r[1], r[2], r[3]) for r in conn.execute(f"PRAGMA table_info({t})"))
        for t in tables
    }
    out["indexes"] = sorted(
        (r[0], r[1])
        for r in conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'")
    )
    conn.close()
    return out


def test_the_fixture_is_schema_version_1(v1_copy: Path) -> None:
    # Read a copy: even a read-only connection leaves -wal/-shm files beside a WAL database.
    conn = sqlite3.connect(str(v1_copy))
    assert user_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 3
    conn.close()


def test_every_version_has_a_step_to_the_next() -> None:
    assert SCHEMA_VERSION == len(MIGRATIONS) >= 2


def test_opening_a_v1_database_upgrades_it_and_keeps_every_session(v1_copy: Path) -> None:
    with SessionStore.open_path(v1_copy) as store:
        conn = sqlite3.connect(str(v1_copy))
        assert user_version(conn) == SCHEMA_VERSION
        expected = v1_sessions()
        assert sorted(store.ids()) == sorted(expected)
        for session_id, transcript in expected.items():
            assert store.get(session_id) == transcript
        # v2 filled its new columns from the old rows.
        rows = dict(conn.execute("SELECT id, answers FROM sessions").fetchall())
        assert rows == {sid: len(t.user_turns) for sid, t in expected.items()}
        assert {r[0] for r in conn.execute("SELECT revision FROM sessions")} == {1}
        unfinished = store.unfinished()
        assert [s.id for s in unfinished] == ["unf567"]
        assert unfinished[0].updated_at == expected["unf567"].started_at
        assert store.summary("fin234").updated_at == expected["fin234"].ended_at
        conn.close()


def test_an_upgraded_session_resumes_and_saves(v1_copy: Path) -> None:
    with SessionStore.open_path(v1_copy) as store:
        t = store.get("unf567")
        t.turns.append(Turn(speaker="user", node="q3", kind="answer", text="after the upgrade"))
        store.save("unf567", t)
        assert store.get("unf567") == t
        assert store.summary("unf567").answers == 3
        new = store.create(v1_sessions()["fin234"])
        assert store.get(new) == v1_sessions()["fin234"]


def test_the_old_file_is_backed_up_before_upgrading(v1_copy: Path) -> None:
    SessionStore.open_path(v1_copy).close()
    backup = v1_copy.with_name("sessions.db.v1-backup")
    conn = sqlite3.connect(str(backup))
    assert user_version(conn) == 1
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 3
    conn.close()


def test_an_upgraded_database_matches_a_fresh_one(v1_copy: Path, tmp_path: Path) -> None:
    SessionStore.open_path(v1_copy).close()
    fresh = tmp_path / "fresh" / "sessions.db"
    fresh.parent.mkdir()
    SessionStore.open_path(fresh).close()
    assert columns(v1_copy) == columns(fresh)


def test_migrating_step_by_step_stops_at_the_target(tmp_path: Path) -> None:
    conn = sqlite3.connect(str(tmp_path / "x.db"), isolation_level=None)
    assert migrate(conn, target=1) == [1]
    assert user_version(conn) == 1
    assert migrate(conn) == list(range(2, SCHEMA_VERSION + 1))
    assert migrate(conn) == []
    conn.close()


def test_two_processes_upgrading_at_once_apply_each_step_once(v1_copy: Path) -> None:
    code = (
        "import sys\n"
        "from coach.store import SessionStore\n"
        "s = SessionStore.open_path(sys.argv[1])\n"
        "print(len(s.ids()))\n"
        "s.close()\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(v1_copy)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0]
    assert outputs == ["3", "3", "3"]
    conn = sqlite3.connect(str(v1_copy))
    assert user_version(conn) == SCHEMA_VERSION
    # A step applied twice would have failed (duplicate column) or reset these.
    assert {r[0] for r in conn.execute("SELECT revision FROM sessions")} == {1}
    conn.close()


def test_a_database_from_a_newer_coach_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "sessions.db"
    SessionStore.open_path(path).close()
    conn = sqlite3.connect(str(path))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match=r"written by a newer coach .*upgrade coach"):
        SessionStore.open(tmp_path)
    assert path.read_bytes() == before


# -- version 2 -> 3: the brief's name gets a column -----------------------------------

FIXTURE_V2 = Path(__file__).parent / "fixtures" / "store" / "v2.sqlite"


@pytest.fixture
def v2_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sessions.db"
    shutil.copyfile(FIXTURE_V2, target)
    return target


def test_the_v2_fixture_is_schema_version_2_without_a_brief_column(v2_copy: Path) -> None:
    conn = sqlite3.connect(str(v2_copy))
    assert user_version(conn) == 2
    names = {r[1] for r in conn.execute("PRAGMA table_info(sessions)")}
    assert "revision" in names and "brief_name" not in names
    assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 4
    conn.close()


def test_upgrading_v2_takes_each_brief_name_from_the_stored_state(v2_copy: Path) -> None:
    with SessionStore.open_path(v2_copy) as store:
        assert user_version(sqlite3.connect(str(v2_copy))) == SCHEMA_VERSION
        briefs = {s.id: s.brief for s in store.list()}
        assert briefs == {
            "plain23": None,
            "brief45": "payments",
            "unfb67": "db-outage",
            DAMAGED_ID: None,  # its state does not parse: left alone, not a failed upgrade
        }
        for session_id, transcript in v2_sessions().items():
            assert store.get(session_id) == transcript
        assert [s.brief for s in store.unfinished()] == ["db-outage"]
        assert store.summary("brief45").as_json()["brief"] == "payments"
        stats = store.stats()["engine-branching"]
        assert (stats.attempts, stats.with_brief) == (4, 2)
        with pytest.raises(StoreError, match="damaged"):
            store.get(DAMAGED_ID)


def test_an_upgraded_v2_session_keeps_its_brief_when_saved_again(v2_copy: Path) -> None:
    with SessionStore.open_path(v2_copy) as store:
        t = store.get("unfb67")
        t.turns.append(Turn(speaker="user", node="q3", kind="answer", text="after the upgrade"))
        store.save("unfb67", t)
        assert store.summary("unfb67").brief == "db-outage"
        plain = store.create(v2_sessions()["plain23"])
        assert store.summary(plain).brief is None


def test_the_v2_file_is_backed_up_and_the_upgrade_matches_a_fresh_one(
    v2_copy: Path, tmp_path: Path
) -> None:
    SessionStore.open_path(v2_copy).close()
    conn = sqlite3.connect(str(v2_copy.with_name("sessions.db.v2-backup")))
    assert user_version(conn) == 2
    conn.close()
    fresh = tmp_path / "fresh" / "sessions.db"
    fresh.parent.mkdir()
    SessionStore.open_path(fresh).close()
    assert columns(v2_copy) == columns(fresh)


def test_v1_sessions_upgraded_through_v2_have_no_brief(v1_copy: Path) -> None:
    with SessionStore.open_path(v1_copy) as store:
        assert {s.brief for s in store.list()} == {None}
        assert all(s.with_brief == 0 for s in store.stats().values())
