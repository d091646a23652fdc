"""``coach brief list|template|check`` through the command line's entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from coach.cli import main

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def add(data_dir: Path, name: str, text: str) -> Path:
    briefs = data_dir / "briefs"
    briefs.mkdir(exist_ok=True)
    path = briefs / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_list_when_there_are_none(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", "list")
    assert code == 0
    assert out.startswith(f"No briefs yet in {data_dir / 'briefs'}.")


def test_list_shows_readiness_and_broken_files(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(data_dir, "payments", PAYMENTS.read_text(encoding="utf-8"))
    add(data_dir, "partial", "system: the search index\n")
    add(data_dir, "broken", "impact:\n  - {value: 3, unit: usrs}\n")
    code, out, _ = run(capsys, "brief", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Briefs in {data_dir / 'briefs'}:"
    assert lines[1].startswith("  broken    broken: ")
    assert "2:22: S105 impact[0].unit: unknown unit 'usrs'" in lines[1]
    assert lines[2].startswith("  partial   ready   8%  the search index")
    assert lines[3].startswith("  payments  ready 100%  the payments gateway · architect")
    code, out, _ = run(capsys, "brief", "list", "--json")
    data = json.loads(out)
    assert [b["name"] for b in data["briefs"]] == ["broken", "partial", "payments"]
    assert data["briefs"][1]["readiness"] == 8 and "eta" in data["briefs"][1]["gaps"]
    assert data["briefs"][0]["ok"] is False and data["briefs"][0]["errors"]


def test_template_prints_and_saves(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "brief", "template")
    assert code == 0 and out.startswith("# An incident brief for coach")
    code, out, _ = run(capsys, "brief", "template", "--save", "tomorrow")
    assert code == 0 and "tomorrow.yaml" in out
    assert (data_dir / "briefs" / "tomorrow.yaml").read_text(encoding="utf-8").startswith("#")
    code, _, err = run(capsys, "brief", "template", "--save", "tomorrow")
    assert code == 1 and "exists already" in err
    code, _, err = run(capsys, "brief", "template", "--save", "Bad Name")
    assert code == 1 and "not a usable brief name" in err
    code, out, _ = run(capsys, "brief", "check", "tomorrow")
    assert code == 0 and out.startswith("Brief tomorrow: ready for 0 of 12 questions (0%).")


def test_check_reports_gaps_with_advice(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    add(data_dir, "api", "system: the public API\ncause_status: unknown\n")
    code, out, _ = run(capsys, "brief", "check", "api")
    assert code == 0
    assert "✗ How many customers, orders or transactions are affected?" in out
    assert "Impact has no figure. Estimate a range before the meeting" in out
    assert "Say what you know, what you don't, and when you will know." in out
    assert "✓ Which system is affected?" in out
    code, out, _ = run(capsys, "brief", "check", "api", "--json")
    data = json.loads(out)
    assert data["readiness"] == 8 and {g["id"] for g in data["gaps"]} >= {"impact_figure", "cause"}


def test_check_lists_every_error_with_its_line(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = add(data_dir, "bad", "system: 12\nimpact:\n  - {value: 3, unit: usrs}\n")
    code, out, err = run(capsys, "brief", "check", "bad")
    assert code == 1 and out == ""
    assert err.splitlines() == [
        f"{path}:1:9: S103 system: expected text, but YAML read '12' as a number (12); "
        'quote it: "12"',
        f"{path}:3:22: S105 impact[0].unit: unknown unit 'usrs'; did you mean 'users'? (use one "
        "of: users, customers, accounts, merchants, orders, bookings, transactions, payments, "
        "requests, records, tickets, devices, money, percent)",
        "coach: brief bad has 2 errors; fix them and check again",
    ]


def test_check_takes_a_path_and_suggests_names(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "brief", "check", str(PAYMENTS))
    assert code == 0 and out.startswith("Brief payments: ready for 13 of 13")
    add(data_dir, "payments", "system: x\n")
    code, _, err = run(capsys, "brief", "check", "paymnts")
    assert code == 1
    assert err.strip() == (
        f"coach: no brief named 'paymnts' in {data_dir / 'briefs'}; did you mean 'payments'? "
        "`coach brief list` shows them"
    )
    code, _, err = run(capsys, "brief", "check", "missing.yaml")
    assert code == 1 and err.strip() == "coach: no brief file missing.yaml; check the path"


@pytest.mark.parametrize("command", [("brief", "check"), ("followup",), ("rehearse", "--brief")])
def test_bad_brief_arguments_are_one_clear_line(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: tuple[str, ...],
) -> None:
    if command == ("followup",):
        command = ("run", "--answers", str(PAYMENTS), "--brief")
    folder = tmp_path / "folder"
    folder.mkdir()
    latin = tmp_path / "latin.yaml"
    latin.write_bytes(b"system: caf\xe9\n")
    cases = {
        str(
            folder
        ): f"coach: {folder} is a directory; give a brief file (NAME.yaml) or a brief name",
        str(latin): f"coach: {latin}:1:12: S004 is not UTF-8 text (byte 0xe9 cannot be decoded); "
        "save it as UTF-8",
        "": "coach: no brief given; name one (`coach brief list` shows them) or a file",
        "nope": f"coach: no brief named 'nope' in {data_dir / 'briefs'}; there are none yet: "
        "`coach brief new` or `coach brief template --save NAME`",
    }
    for arg, expected in cases.items():
        code, _, err = run(capsys, *command, arg)
        # One line, or for `brief check` of a broken file its errors and a summary line.
        lines = [line.removeprefix("coach: ") for line in err.strip().splitlines()]
        assert code == 1 and expected.removeprefix("coach: ") in lines, arg
        assert len(err.strip().splitlines()) <= 2 and "Traceback" not in err


def test_a_stored_name_wins_over_a_directory_of_that_name(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add(data_dir, "payments", PAYMENTS.read_text(encoding="utf-8"))
    monkeypatch.chdir(data_dir)
    (data_dir / "payments").mkdir()
    code, out, _ = run(capsys, "brief", "check", "payments")
    assert code == 0 and out.startswith("Brief payments: ready for 13 of 13")


def test_rehearse_with_a_brief_checks_it_before_the_app_starts(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "rehearse", "--brief", "nope")
    assert code == 1 and "no brief named 'nope'" in err
    add(data_dir, "bad", "system: 12\n")
    code, _, err = run(capsys, "rehearse", "--brief", "bad")
    assert code == 1 and "bad.yaml:1:9: S103 system:" in err
    add(data_dir, "payments", PAYMENTS.read_text(encoding="utf-8"))
    code, _, err = run(capsys, "rehearse", "--brief", "payments", "--resume", "abc")
    assert code == 1 and "keeps the brief it began with" in err
    code, _, err = run(capsys, "rehearse", "no-such-scenario", "--brief", "payments")
    assert code == 1 and "no scenario with the id 'no-such-scenario'" in err
    # Everything checks out; only the missing terminal stops it here.
    code, _, err = run(capsys, "rehearse", "--brief", "payments")
    assert code == 1 and "needs an interactive terminal" in err


def test_brief_new_refuses_a_taken_or_bad_name(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(data_dir, "payments", "system: x\n")
    code, _, err = run(capsys, "brief", "new", "payments")
    assert code == 1 and "exists already" in err
    code, _, err = run(capsys, "brief", "new", "Not OK")
    assert code == 1 and "not a usable brief name" in err
    code, _, err = run(capsys, "brief", "new", "fresh")
    assert code == 1 and "needs an interactive terminal" in err


def test_a_data_dir_that_is_a_file_and_dot_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    monkeypatch.setenv("COACH_DATA_DIR", str(not_a_dir))
    code, _, err = run(capsys, "brief", "list")
    assert code == 1 and err.strip() == (
        f"coach: cannot read the briefs directory {not_a_dir / 'briefs'}: Not a directory; "
        "choose another data directory with --data-dir or COACH_DATA_DIR"
    )
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path))
    add(tmp_path, ".payments.yaml", "x")  # an editor's, not a brief
    add(tmp_path, "payments", "system: x\n")
    code, out, _ = run(capsys, "brief", "list", "--json")
    assert code == 0 and [b["name"] for b in json.loads(out)["briefs"]] == ["payments"]


def test_followup_gives_the_figures_updated_in_the_meeting(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The stored session (answers and their results, read back from the store) is what
    # the draft is built from: an update said in the meeting replaces the brief's figure
    # and estimate, and the note beside the draft says so.
    add(data_dir, "payments", PAYMENTS.read_text(encoding="utf-8"))
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(
            [
                "It's now 3,100 users, up from 2,300 this morning; we moved traffic at 09:30.",
                "We believe an expired certificate caused it; we'll confirm by 15:00.",
                "Our revised estimate is 6 to 8 hours, once the new certificate is tested.",
            ]
        ),
        encoding="utf-8",
    )
    code, out, err = run(
        capsys, "run", "--brief", "payments", "--answers", str(answers), "--save", "--json"
    )
    assert code == 0, err
    session_id = json.loads(out)["session_id"]
    code, out, err = run(capsys, "followup", session_id)
    assert code == 0, err
    assert "- 3,100 users (could not pay), up from 2,300 users\n" in out
    assert "- 2,300 users (could not pay)\n" not in out
    # Counted from the session's start: "6 to 8 hours from 10:15 on 22 November".
    assert re.search(
        r"Estimated time to fix: 6 to 8 hours from [0-9]{2}:[0-9]{2} on [0-9]{1,2} [A-Z][a-z]+ "
        r"\(earlier estimate: 4–6 hours\)\.\n",
        out,
    ), out
    assert "It gives what you updated in the meeting: 2,300 users → 3,100 users; " in err
    code, out, err = run(capsys, "followup", session_id, "--format", "text")
    assert code == 0 and "  - 3,100 users (could not pay), up from 2,300 users\n" in out
