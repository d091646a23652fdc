"""Engine: a full headless playthrough of the largest shipped scenario.

Target: 20 ms or less beyond process start-up. Measured two ways: in process
(load + validate the scenario, then play the strong answer set), and end to end
as ``coach run`` minus a bare ``python -c pass`` measured in the same run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import yaml

from benchmarks.common import Figure, median_seconds

ROOT = Path(__file__).resolve().parents[2]


def _largest() -> tuple[str, Path]:
    from coach.paths import shipped_scenarios_dir

    files = sorted(shipped_scenarios_dir().glob("*.yaml"), key=lambda p: p.stat().st_size)
    return files[-1].stem, files[-1]


def run(quick: bool) -> list[Figure]:
    from coach.engine.session import Session
    from coach.scenario.library import load_scenario

    sid, path = _largest()
    answers_path = ROOT / "tests" / "data" / "playthroughs" / f"{sid}.strong.yaml"
    answers: list[str] = yaml.safe_load(answers_path.read_text())

    def playthrough() -> None:
        scenario = load_scenario(str(path))
        session = Session.new(scenario, clock=time.monotonic)
        session.begin()
        for text in answers:
            if not session.awaiting_answer:
                break
            session.answer(text)
        session.close()

    repeats = 10 if quick else 40
    in_process = median_seconds(playthrough, repeats) * 1000

    def proc(*argv: str) -> None:
        subprocess.run([sys.executable, *argv], check=True, capture_output=True)

    n = 3 if quick else 9
    bare = median_seconds(lambda: proc("-c", "pass"), n) * 1000
    full = (
        median_seconds(
            lambda: proc("-m", "coach", "run", str(path), "--answers", str(answers_path), "--json"),
            n,
        )
        * 1000
    )
    return [
        Figure(
            "engine",
            f"playthrough in process ({sid}, {len(answers)} answers)",
            in_process,
            "ms",
            target=20.0,
        ),
        Figure("engine", "coach run end to end", full, "ms"),
        Figure("engine", "python start-up (reference)", bare, "ms"),
        Figure(
            "engine",
            "coach run beyond interpreter start-up",
            full - bare,
            "ms",
            note="includes importing pydantic/yaml and the scorer",
        ),
    ]
