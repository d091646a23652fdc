"""`coach` and `coach rehearse`: their input is checked before the app starts."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_screens import stored_session
from tui_support import scenario_dir

from coach.cli import main
from coach.errors import CoachError
from coach.tui.config import DEFAULT_TYPING_DELAY, typing_delay_from_env


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COACH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("COACH_SCENARIOS", raising=False)
    monkeypatch.delenv("COACH_TYPING_DELAY", raising=False)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    return code, capsys.readouterr().err


def test_rehearse_needs_a_scenario_or_a_session(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["rehearse"], capsys)
    assert code == 1
    assert err.startswith("coach: name a scenario") and "coach list" in err


def test_rehearse_unknown_scenario_says_so_before_starting(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, err = run(
        ["rehearse", "engine-branchin", "--scenarios", str(scenario_dir(tmp_path))], capsys
    )
    assert code == 1
    assert "no scenario with the id 'engine-branchin'" in err
    assert "did you mean 'engine-branching'" in err


def test_rehearse_scenario_and_resume_together_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, err = run(["rehearse", "x", "--resume", "abc"], capsys)
    assert code == 1
    assert "not both" in err


def test_rehearse_resume_unknown_session(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["rehearse", "--resume", "zzzzzz"], capsys)
    assert code == 1
    assert "zzzzzz" in err and "\n" not in err.rstrip("\n")


def test_rehearse_resume_a_finished_session_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    session_id = stored_session(tmp_path / "data", ["impact mitigation", "timeline next_update"])
    code, err = run(["rehearse", "--resume", session_id], capsys)
    assert code == 1
    assert f"session {session_id} is finished" in err and f"coach show {session_id}" in err


def test_the_app_needs_a_terminal(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = run([], capsys)  # pytest's stdin is not a terminal
    assert code == 1
    assert "needs an interactive terminal" in err
    code, err = run(
        ["rehearse", "engine-branching", "--scenarios", str(scenario_dir(tmp_path))], capsys
    )
    assert code == 1
    assert "needs an interactive terminal" in err


def test_a_bad_typing_delay_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COACH_TYPING_DELAY", "fast")
    code, err = run(
        ["rehearse", "engine-branching", "--scenarios", str(scenario_dir(tmp_path))], capsys
    )
    assert code == 1
    assert "COACH_TYPING_DELAY='fast' is not a number of seconds" in err


def test_typing_delay_from_env() -> None:
    assert typing_delay_from_env({}) == DEFAULT_TYPING_DELAY
    assert typing_delay_from_env({"COACH_TYPING_DELAY": "0"}) == 0.0
    assert typing_delay_from_env({"COACH_TYPING_DELAY": " 1.5 "}) == 1.5
    for bad in ("-1", "11", "nan", "soon"):
        with pytest.raises(CoachError, match="COACH_TYPING_DELAY"):
            typing_delay_from_env({"COACH_TYPING_DELAY": bad})


def test_rehearse_is_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["rehearse", "--help"])
    out = capsys.readouterr().out
    for text in ("SCENARIO_ID", "--no-typing-delay", "--resume ID", "COACH_TYPING_DELAY=0"):
        assert text in out
