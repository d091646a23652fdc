"""``coach score``: the JSON contract, JSON lines, the readable report, and errors."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest

from coach.cli import main
from coach.scoring.names import ELEMENTS

ANSWER = (
    "We lost 1,240 ETH from the bridge this morning. We paused the bridge at 09:12. "
    "I think it could potentially be the relayer. I'll update you at 11:00."
)


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    data: bytes,
) -> tuple[int, str, str]:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    code = main(["score", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_contract(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(monkeypatch, capsys, ["--json"], ANSWER.encode())
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    assert set(data["elements"]) == set(ELEMENTS)
    for element in data["elements"].values():
        assert isinstance(element["present"], bool)
        assert isinstance(element["evidence"], list)
    assert data["elements"]["impact"] == {**data["elements"]["impact"], "present": True}
    assert "1,240 ETH" in data["elements"]["impact"]["evidence"]
    assert isinstance(data["score"], int) and 0 <= data["score"] <= 100
    flag = next(f for f in data["flags"] if f["code"] == "hedging")
    assert {"code", "message", "start", "end", "suggestion"} <= set(flag)
    assert ANSWER[flag["start"] : flag["end"]] == "I think it could potentially"
    # The default expectations are the five main elements.
    assert data["expects"] == ["impact", "timeline", "mitigation", "root_cause", "next_update"]


def test_expects_role_budget(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        monkeypatch,
        capsys,
        ["--json", "--expects", "impact,mitigation", "--role", "blockchain", "--budget", "10"],
        ANSWER.encode(),
    )
    assert code == 0
    data = json.loads(out)
    assert data["expects"] == ["impact", "mitigation"]
    assert set(data["dimensions"]) == {"impact", "mitigation", "clarity", "ownership"}
    codes = {f["code"] for f in data["flags"]}
    assert "too_long" in codes
    assert "jargon" in codes  # "relayer" is blockchain jargon


def test_bad_options_are_one_line_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, ["--expects", "impact,bogus"], b"x")
    assert code == 1 and out == ""
    assert err.strip().splitlines() == [
        "coach: --expects: unknown element 'bogus'; choose from impact, timeline, "
        "mitigation, root_cause, next_update, prevention, resources, stakeholders"
    ]
    code, _, err = run(monkeypatch, capsys, ["--budget", "0"], b"x")
    assert code == 1 and "--budget" in err


def test_unknown_role_is_a_note_not_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, ["--json", "--role", "plumber"], b"We paused it.")
    assert code == 0 and json.loads(out)["score"] >= 0
    assert "no built-in lexicon for role 'plumber'" in err


def test_jsonl(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [
        {"id": 1, "text": "We rolled back the release at 14:05."},
        {"id": "b", "text": "The fix takes about 2 hours.", "expects": ["timeline"]},
        {"id": None, "text": ""},
    ]
    data = "\n".join(json.dumps(x) for x in lines).encode() + b"\n\nnot json\n"
    data += json.dumps({"id": 9, "text": "x", "expects": ["nope"]}).encode() + b"\n"
    code, out, err = run(monkeypatch, capsys, ["--jsonl"], data)
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in rows] == [1, "b", None, None, 9]
    assert rows[0]["elements"]["mitigation"]["present"]
    assert rows[1]["expects"] == ["timeline"] and rows[1]["elements"]["timeline"]["present"]
    assert rows[2]["score"] == 0
    assert "error" in rows[3] and "line 5" in rows[3]["error"]
    assert "unknown element 'nope'" in rows[4]["error"]
    assert code == 1
    assert err.count("coach: stdin line") == 2


def test_readable_report_marks_evidence_without_colour(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, [], ANSWER.encode())
    assert code == 0
    assert "\x1b" not in out  # not a terminal: no colour codes
    assert out.startswith("Score ")
    assert "«1,240 ETH»" in out
    assert "⟨I think it could potentially⟩" in out
    assert "hedging" in out and "->" in out
    assert "missing:timeline" in out


def test_terminal_escapes_in_the_answer_are_never_printed_back(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    evil = b"We lost \x1b[31m1,200 users\x1b[0m.\x1b]0;pwned\x07 Soon\x07."
    code, out, _ = run(monkeypatch, capsys, [], evil)
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    code, out, _ = run(monkeypatch, capsys, ["--json"], evil)
    assert code == 0 and "\x1b" not in out  # JSON escapes control characters


def test_coloured_report_on_a_terminal() -> None:
    from coach.cli.score_cmds import report
    from coach.scoring.scorer import score_answer

    text = "We lost 1,240 ETH.\x1b[2J Some users are affected."
    out = report(text, score_answer(text), color=True)
    assert "\x1b[1;32m1,240 ETH\x1b[0m" in out
    assert "\x1b[2J" not in out


def test_real_process_reads_bytes_from_stdin() -> None:
    junk = b"\xff\xfe We paused the bridge.\x00 \xc3\x28"
    done = subprocess.run(
        [sys.executable, "-m", "coach", "score", "--json"],
        input=junk,
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["elements"]["mitigation"]["present"]
