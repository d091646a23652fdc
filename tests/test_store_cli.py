"""``coach history``, ``show``, ``export``, ``import`` and ``delete``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from store_samples import BASE, NASTY, answer_result, nasty_answers, transcript

from coach.cli import main
from coach.store import SessionStore
from coach.store.export import MAX_IMPORT_BYTES


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "data"
    monkeypatch.setenv("COACH_DATA_DIR", str(directory))
    return directory


def seed(directory: Path) -> dict[str, str]:
    with SessionStore.open(directory) as store:
        return {
            "finished": store.create(transcript(started=BASE, answers=nasty_answers())),
            "unfinished": store.create(
                transcript(started=BASE + timedelta(hours=1), status="unfinished")
            ),
            "abandoned": store.create(
                transcript(
                    scenario_id="db-outage",
                    role="data",
                    started=BASE + timedelta(hours=2),
                    status="abandoned",
                )
            ),
        }


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- history ------------------------------------------------------------------------


def test_history_with_no_sessions_says_how_to_start(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "history")
    assert code == 0 and "No stored sessions yet" in out
    assert run(capsys, "history", "--json")[1].strip() == "[]"


def test_history_lists_newest_first(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed(data_dir)
    code, out, _ = run(capsys, "history")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "STARTED", "SCENARIO", "ROLE", "STATUS", "OVERALL", "ANSWERS"]
    assert [line.split()[0] for line in lines[1:]] == [
        ids["abandoned"],
        ids["unfinished"],
        ids["finished"],
    ]
    assert "db-outage" in lines[1] and "abandoned" in lines[1]


def test_history_json_has_the_contract_keys(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    code, out, _ = run(capsys, "history", "--json")
    assert code == 0
    rows = json.loads(out)
    assert {r["id"] for r in rows} == set(ids.values())
    for row in rows:
        assert {"id", "scenario", "role", "started_at", "status", "overall"} <= set(row)
        assert row["status"] in ("finished", "unfinished", "abandoned")
        assert isinstance(row["overall"], int)
    by_id = {r["id"]: r for r in rows}
    assert by_id[ids["unfinished"]]["status"] == "unfinished"
    assert by_id[ids["unfinished"]]["answers"] == 2


def test_history_marks_a_session_left_at_its_first_question_not_started(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    with SessionStore.open(data_dir) as store:
        empty = store.create(
            transcript(started=BASE + timedelta(hours=3), status="unfinished", answers=[])
        )
    code, out, _ = run(capsys, "history")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert rows[empty].split()[-4:] == ["not", "started", "-", "0"]
    assert rows[ids["unfinished"]].split()[-3] == "unfinished"  # answered: as before
    # The JSON contract keeps the status: the session is unfinished and resumes.
    listed = {r["id"]: r for r in json.loads(run(capsys, "history", "--json")[1])}
    assert (listed[empty]["status"], listed[empty]["answers"]) == ("unfinished", 0)
    assert empty in [
        r["id"] for r in json.loads(run(capsys, "history", "--json", "--status", "unfinished")[1])
    ]
    code, out, _ = run(capsys, "show", empty)
    assert code == 0
    assert out.splitlines()[0].endswith("unfinished (not started: no answer yet)")


def _seed_brief(directory: Path, started_hours: int = 3) -> str:
    with SessionStore.open(directory) as store:
        return store.create(
            transcript(started=BASE + timedelta(hours=started_hours)).model_copy(
                update={"brief_name": "payments\x1b[31m"}
            )
        )


def test_history_names_the_brief_a_session_rehearsed(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    # No session had a brief: the table is as it always was.
    assert run(capsys, "history")[1].splitlines()[0].split()[3] == "ROLE"
    mine = _seed_brief(data_dir)
    code, out, _ = run(capsys, "history")
    assert code == 0 and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0].split() == [
        "ID",
        "STARTED",
        "SCENARIO",
        "BRIEF",
        "ROLE",
        "STATUS",
        "OVERALL",
        "ANSWERS",
    ]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows[mine][3:6] == ["engine-branching", "payments", "general"]
    assert rows[ids["finished"]][3:6] == ["engine-branching", "-", "general"]
    # Columns stay aligned: every row's BRIEF cell starts under the heading.
    column = lines[0].index("BRIEF")
    assert all(line[column - 2 : column] == "  " for line in lines[1:])
    # The JSON adds "brief" (null without one) and keeps every other key.
    rows_json = {r["id"]: r for r in json.loads(run(capsys, "history", "--json")[1])}
    assert rows_json[mine]["brief"] == "payments\x1b[31m"  # a pipe gets it verbatim
    assert rows_json[ids["finished"]]["brief"] is None
    assert all(
        {"id", "scenario", "title", "role", "started_at", "ended_at", "status", "overall"}
        | {"answers", "updated_at", "brief"}
        == set(r)
        for r in rows_json.values()
    )
    code, out, _ = run(capsys, "show", mine)
    assert out.splitlines()[0].startswith(f"Session {mine}: engine-branching with brief payments")


def test_history_filters(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed(data_dir)

    def listed(*argv: str) -> list[str]:
        return [r["id"] for r in json.loads(run(capsys, "history", "--json", *argv)[1])]

    assert listed("--scenario", "db-outage") == [ids["abandoned"]]
    assert listed("--role", "general") == [ids["unfinished"], ids["finished"]]
    assert listed("--status", "unfinished") == [ids["unfinished"]]
    assert listed("--limit", "1") == [ids["abandoned"]]
    assert listed("--scenario", "engine-branching", "--status", "finished") == [ids["finished"]]
    code, out, _ = run(capsys, "history", "--scenario", "none-such")
    assert code == 0 and "No stored sessions match" in out
    code, _, err = run(capsys, "history", "--limit", "0")
    assert code == 1 and "--limit 0" in err


def test_data_dir_flag_wins_over_the_environment(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(data_dir)
    other = tmp_path / "other"
    code, out, _ = run(capsys, "history", "--data-dir", str(other), "--json")
    assert code == 0 and json.loads(out) == []
    assert (other / "sessions.db").exists()
    code, out, _ = run(capsys, "--data-dir", str(other), "history", "--json")
    assert json.loads(out) == []


def test_a_corrupt_database_is_named_and_reset_on_request(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir.mkdir()
    db = data_dir / "sessions.db"
    db.write_bytes(b"not a database at all " * 100)
    code, _, err = run(capsys, "history")
    assert code == 1
    assert err.count("\n") == 1 and str(db) in err and "--reset-corrupt" in err
    assert db.read_bytes() == b"not a database at all " * 100
    code, out, _ = run(capsys, "history", "--reset-corrupt")
    assert code == 0 and "Moved the corrupt database to" in out
    moved = [p for p in data_dir.iterdir() if ".corrupt-" in p.name]
    assert len(moved) == 1 and moved[0].read_bytes() == b"not a database at all " * 100
    assert run(capsys, "history")[0] == 0
    code, out, _ = run(capsys, "history", "--reset-corrupt")
    assert code == 0 and "healthy" in out


def test_an_unusable_data_dir_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "history", "--data-dir", str(blocker / "sub"))
    assert code == 1 and err.count("\n") == 1 and "cannot create the data directory" in err


# -- show ---------------------------------------------------------------------------


def test_show_prints_a_scored_transcript_without_terminal_escapes(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    code, out, _ = run(capsys, "show", ids["finished"])
    assert code == 0
    assert out.startswith(f"Session {ids['finished']}: engine-branching")
    assert "\x1b" not in out and "\x07" not in out
    assert "<script>" in out  # plain text in a terminal: shown, not interpreted
    assert "YOU [ 80]:" in out and "Overall: " in out and "missing: impact" in out


def test_show_names_the_question_the_ceo_gave_up_on(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "We rolled back at 14:05."
    result = answer_result(
        text, expects=["impact", "mitigation"], evidence={"mitigation": "rolled"}
    )
    t = transcript(answers=[(text, result)])
    assert [(g.node, g.missing) for g in t.gaps] == [("q1", ["impact"])]
    with SessionStore.open(data_dir) as store:
        session_id = store.create(t)
    code, out, _ = run(capsys, "show", session_id)
    assert code == 0
    assert "Gaps the CEO gave up on: impact, asked in “Question 1?”" in out
    assert "q1:" not in out and "'q1'" not in out
    code, out, _ = run(capsys, "export", session_id, "--format", "json")
    assert json.loads(out)["transcript"]["gaps"] == [{"node": "q1", "missing": ["impact"]}]


def test_show_strips_escapes_from_every_imported_string(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = transcript(answers=nasty_answers())
    t.scenario_title = "Title \x1b]0;pwned\x07"
    t.turns[0] = t.turns[0].model_copy(update={"text": "CEO \x1b[2J line"})
    with SessionStore.open(data_dir) as store:
        session_id = store.create(t)
    code, out, _ = run(capsys, "show", session_id)
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "CEO: CEO  line" in out


def test_unknown_ids_are_one_line_errors_naming_close_ids(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    near = ids["finished"][:-1] + ("z" if ids["finished"][-1] != "z" else "y")
    for command in (["show"], ["export", "--format", "md"], ["delete", "--yes"]):
        code, out, err = run(capsys, *command, near)
        assert code == 1 and out == ""
        assert err.startswith(f"coach: no session {near!r}") and err.count("\n") == 1
        assert ids["finished"] in err


# -- export and import ----------------------------------------------------------------


def test_export_formats_to_stdout(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed(data_dir)
    code, md, _ = run(capsys, "export", ids["finished"], "--format", "md")
    assert code == 0 and md.startswith("# Engine branching fixture")
    code, page, _ = run(capsys, "export", ids["finished"], "--format", "html")
    assert code == 0 and page.startswith("<!DOCTYPE html>") and "<script" not in page
    code, raw, _ = run(capsys, "export", ids["finished"], "--format", "json")
    assert code == 0
    assert json.loads(raw)["transcript"]["turns"][1]["text"] == NASTY  # verbatim in a pipe


def test_export_to_a_file_picks_the_format_from_the_extension(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    for name, start in (
        ("a.html", "<!DOCTYPE html>"),
        ("a.json", "{"),
        ("a.md", "# "),
        ("a.txt", "# "),
    ):
        target = tmp_path / name
        code, out, _ = run(capsys, "export", ids["finished"], "-o", str(target))
        assert code == 0 and f"to {target}" in out
        assert target.read_text(encoding="utf-8").startswith(start)
    code, _, err = run(
        capsys, "export", ids["finished"], "-o", str(tmp_path / "no" / "dir" / "x.md")
    )
    assert code == 1 and "cannot write" in err and err.count("\n") == 1
    assert f"create {tmp_path / 'no' / 'dir'} first" in err  # and what to do about it


def test_export_import_export_gives_the_identical_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = seed(data_dir)
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run(capsys, "export", ids["finished"], "--format", "json", "-o", str(first))[0] == 0
    elsewhere = str(tmp_path / "mentor")
    code, out, _ = run(capsys, "import", str(first), "--data-dir", elsewhere)
    assert code == 0 and "Imported" in out
    new_id = out.split("as session ")[1].split()[0]
    code, _, _ = run(
        capsys, "export", new_id, "--format", "json", "-o", str(second), "--data-dir", elsewhere
    )
    assert code == 0
    assert second.read_bytes() == first.read_bytes()
    code, out, _ = run(capsys, "import", str(first), "--data-dir", elsewhere)
    assert code == 0 and f"already stored as session {new_id}" in out


def test_malformed_and_oversized_imports_are_one_line_errors(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "coach-session", "format_version": 1, ')
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 10)
    for path, message in (
        (bad, "not valid JSON"),
        (big, "too large"),
        (tmp_path / "nope.json", "cannot read"),
    ):
        code, out, err = run(capsys, "import", str(path))
        assert code == 1 and out == ""
        assert message in err and err.count("\n") == 1 and str(path) in err
    assert run(capsys, "history", "--json")[1].strip() == "[]"


# -- delete ---------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_delete_with_yes(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = seed(data_dir)
    code, out, _ = run(capsys, "delete", ids["finished"], "--yes")
    assert code == 0 and f"Deleted session {ids['finished']}" in out
    assert ids["finished"] not in run(capsys, "history")[1]


def test_delete_asks_on_a_terminal(
    data_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = seed(data_dir)
    monkeypatch.setattr(sys, "stdin", FakeTerminal("n\n"))
    code, out, _ = run(capsys, "delete", ids["finished"])
    assert code == 0 and "Delete session" in out and "Nothing deleted" in out
    assert ids["finished"] in run(capsys, "history")[1]
    monkeypatch.setattr(sys, "stdin", FakeTerminal("y\n"))
    code, out, _ = run(capsys, "delete", ids["finished"])
    assert code == 0 and "Deleted session" in out
    assert ids["finished"] not in run(capsys, "history")[1]


def test_delete_without_a_terminal_or_yes_refuses(data_dir: Path) -> None:
    ids = seed(data_dir)
    out = subprocess.run(
        [sys.executable, "-m", "coach", "delete", ids["finished"]],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert "add --yes" in out.stderr and out.stderr.count("\n") == 1
    with SessionStore.open(data_dir) as store:
        assert store.summary(ids["finished"]).status == "finished"


# -- coach run --save -------------------------------------------------------------------

FIXTURE = Path(__file__).parent / "fixtures" / "engine" / "branching.yaml"
ANSWERS = [
    "Checkout failed for 1,200 customers from 13:20; we rolled back at 14:05 and it works again.",
    "It will be fixed by 18:00 today, and I will update you at 16:00.",
]


def answers_file(tmp_path: Path) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(ANSWERS))
    return path


def test_run_save_stores_the_headless_session(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        capsys, "run", str(FIXTURE), "--answers", str(answers_file(tmp_path)), "--save", "--json"
    )
    assert code == 0, err
    result = json.loads(out)
    session_id = result["session_id"]
    [row] = json.loads(run(capsys, "history", "--json")[1])
    assert row["id"] == session_id
    assert (row["scenario"], row["status"], row["overall"]) == (
        "engine-branching",
        result["status"],
        result["overall"],
    )
    with SessionStore.open(data_dir) as store:
        stored = store.get(session_id)
    assert [t.text for t in stored.user_turns] == ANSWERS
    code, out, _ = run(
        capsys, "run", str(FIXTURE), "--answers", str(answers_file(tmp_path)), "--save"
    )
    assert code == 0 and "Saved as session " in out
    assert len(json.loads(run(capsys, "history", "--json")[1])) == 2


def test_run_without_save_stores_nothing(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "run", str(FIXTURE), "--answers", str(answers_file(tmp_path)), "--json"
    )
    assert code == 0 and "session_id" not in json.loads(out)
    assert not data_dir.exists()


def test_run_save_that_fails_still_prints_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = run(
        capsys,
        "run",
        str(FIXTURE),
        "--answers",
        str(answers_file(tmp_path)),
        "--save",
        "--json",
        "--data-dir",
        str(blocker / "data"),
    )
    assert code == 1
    assert json.loads(out)["overall"] >= 0  # the scored run is complete
    assert err.count("\n") == 1 and "the run was not saved: cannot create the data directory" in err
