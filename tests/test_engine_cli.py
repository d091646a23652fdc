"""``coach run`` and ``coach playtest`` through the real command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.engine.answers_file import read_answers
from coach.errors import CoachError

FIXTURE = Path(__file__).parent / "fixtures" / "engine" / "branching.yaml"
STRONG = [
    "About 1,200 customers could not pay by card; we rolled back the release at 14:05 and "
    "checkout works again.",
    "Full fix by 18:00 today; I'll update you at 16:00 and every hour after that.",
]


def coach(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_run_json_contract(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("\n".join(f"- {json.dumps(a)}" for a in STRONG))
    out = coach("run", str(FIXTURE), "--answers", str(answers), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["scenario"] == "engine-branching"
    assert data["status"] == "finished"
    assert data["ending"] == "trusted"
    assert isinstance(data["overall"], int)
    assert set(data["scores"]) >= {"impact", "mitigation", "clarity"}
    for turn in data["turns"]:
        assert set(turn) >= {"speaker", "node", "text", "score", "missing", "flags"}
        assert turn["speaker"] in ("ceo", "user")
        if turn["speaker"] == "user":
            assert isinstance(turn["score"], int)
            for flag in turn["flags"]:
                assert set(flag) >= {"code", "message"}
        else:
            assert turn["score"] is None


def test_run_text_answers_and_abandon(tmp_path: Path) -> None:
    answers = tmp_path / "a.txt"
    answers.write_text(STRONG[0] + "\n---\n")
    out = coach("run", str(FIXTURE), "--answers", str(answers), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["status"] == "abandoned"
    assert data["ending"] is None


def test_run_readable_report(tmp_path: Path) -> None:
    answers = tmp_path / "a.txt"
    answers.write_text("\n---\n".join(STRONG))
    out = coach("run", str(FIXTURE), "--answers", str(answers))
    assert out.returncode == 0, out.stderr
    assert "Overall:" in out.stdout
    assert "model:" in out.stdout
    assert "\x1b" not in out.stdout  # not a TTY: no colour


def test_run_report_names_the_question_of_a_gap_not_its_node_id(tmp_path: Path) -> None:
    answers = tmp_path / "a.txt"
    # The second question gets no time twice, so the CEO gives up on the timeline.
    no_time = ["I will update you at 16:00.", "I will update you at 16:00 again."]
    answers.write_text("\n---\n".join([STRONG[0], *no_time]))
    out = coach("run", str(FIXTURE), "--answers", str(answers))
    assert out.returncode == 0, out.stderr
    question = "“When is it fixed, and when do I hear from you?”"
    assert f"Gaps the CEO gave up on: timeline, asked in {question}" in out.stdout
    assert f"worst in your answer to {question}" in out.stdout
    assert "q2" not in out.stdout  # no node id anywhere in the human text
    data = json.loads(coach("run", str(FIXTURE), "--answers", str(answers), "--json").stdout)
    assert data["gaps"] == [{"node": "q2", "missing": ["timeline"]}]  # the JSON keeps ids
    assert data["improvements"][0]["node"] == "q2"


@pytest.mark.parametrize(
    ("content", "suffix", "needle"),
    [
        ("a: 1\n", ".yaml", "expected a YAML list of strings"),
        ("- one\n- 2\n", ".yaml", "answer 2 is int"),
        ("- [unclosed\n", ".yaml", "answers must be a YAML list"),
        ("", ".txt", "no answers"),
        (b"\xff\xfe\x00junk", ".txt", "not UTF-8"),
    ],
)
def test_bad_answers_files(tmp_path: Path, content: str | bytes, suffix: str, needle: str) -> None:
    path = tmp_path / f"answers{suffix}"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(CoachError, match=needle):
        read_answers(path)
    out = coach("run", str(FIXTURE), "--answers", str(path))
    assert out.returncode == 1
    assert needle in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_missing_answers_file(tmp_path: Path) -> None:
    out = coach("run", str(FIXTURE), "--answers", str(tmp_path / "nope.yaml"))
    assert out.returncode == 1
    assert "not found" in out.stderr and "Traceback" not in out.stderr


def test_unknown_scenario_lists_closest_ids(tmp_path: Path) -> None:
    answers = tmp_path / "a.txt"
    answers.write_text("hello")
    out = coach("run", "blockchain-vault-exploi", "--answers", str(answers))
    assert out.returncode == 1
    assert "blockchain-vault-exploit" in out.stderr
    assert "Traceback" not in out.stderr


def test_invalid_scenario_shows_diagnostics(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIXTURE.read_text().replace("goto: shaky", "goto: shakey"))
    answers = tmp_path / "a.txt"
    answers.write_text("hello")
    out = coach("run", str(bad), "--answers", str(answers))
    assert out.returncode == 1
    assert "shakey" in out.stderr
    assert "Traceback" not in out.stderr


def test_playtest_reports_full_coverage_on_fixture() -> None:
    out = coach("playtest", str(FIXTURE), "--runs", "300", "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    data = json.loads(out.stdout)
    assert data["complete"] is True
    assert data["unreached_branches"] == []


def test_playtest_exits_1_on_unreachable_branch(tmp_path: Path) -> None:
    # A branch after "missing impact" that also needs impact missing can never fire.
    text = FIXTURE.read_text().replace(
        "      - when: {missing: [mitigation]}",
        "      - when: {all: [{missing: [impact]}, {missing: [mitigation]}]}\n"
        "        goto: q2\n"
        "      - when: {missing: [mitigation]}",
    )
    path = tmp_path / "unreachable.yaml"
    path.write_text(text)
    out = coach("playtest", str(path), "--runs", "50")
    assert out.returncode == 1
    assert "unreached branch: q1 #3" in out.stdout


def test_run_json_has_each_question_beside_its_model_answer(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("\n".join(f"- {json.dumps(a)}" for a in STRONG))
    data = json.loads(coach("run", str(FIXTURE), "--answers", str(answers), "--json").stdout)
    # Added beside the keys the contract had, which all stay.
    assert set(data) >= {"scenario", "brief", "status", "ending", "verdict", "turns"}
    assert set(data) >= {"scores", "overall", "path", "gaps", "improvements", "seed", "notice"}
    reviews = data["reviews"]
    assert [r["node"] for r in reviews] == [
        t["node"] for t in data["turns"] if t["speaker"] == "user"
    ]
    for review in reviews:
        assert set(review) == {
            "node",
            "question",
            "answers",
            "model_answer",
            "model_answer_from",
            "coaching",
        }
        assert review["model_answer"] and review["model_answer_from"] == "scenario"
        for index in review["answers"]:
            turn = data["turns"][index]
            assert turn["speaker"] == "user" and turn["node"] == review["node"]
    first = reviews[0]
    assert first["question"] == data["turns"][0]["text"]
    assert first["model_answer"].startswith("Checkout failed for 1,200 customers")


def test_run_json_says_a_model_answer_came_from_the_brief(tmp_path: Path) -> None:
    brief = Path(__file__).parent / "data" / "briefs" / "payments.yaml"
    answers = tmp_path / "a.yaml"
    answers.write_text(json.dumps(["About 2,300 users could not pay; we moved to the backup."]))
    out = coach(
        "run",
        "general-critical-incident",
        "--brief",
        str(brief),
        "--answers",
        str(answers),
        "--json",
        "--data-dir",
        str(tmp_path),
    )
    assert out.returncode == 0, out.stderr
    [review] = json.loads(out.stdout)["reviews"]
    assert review["model_answer_from"] == "brief"
    assert "2,300 users" in review["model_answer"]
