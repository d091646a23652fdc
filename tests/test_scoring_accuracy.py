"""The detectors meet the accuracy targets on the labelled answers (see
scripts/eval_scorer.py): F1 >= 0.9 for the five main elements, >= 0.8 for the
secondary ones, on all answers and on the hold-out split alone, and on the fresh
answers in other styles. The unseen answers (tests/data/unseen_answers.yaml) are a
measurement, not a gate: their held-out half is reported, never tuned on."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "eval_scorer", ROOT / "scripts" / "eval_scorer.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_scorer"] = module
    spec.loader.exec_module(module)
    return module


EVAL = _eval_module()
REPORT = EVAL.evaluate(EVAL.load())


def test_labelled_set_is_large_and_covers_every_role() -> None:
    answers = EVAL.load()
    assert len(answers) >= 200
    assert {a["role"] for a in answers} == {
        "blockchain",
        "full-stack",
        "architect",
        "security",
        "data",
    }
    assert len({a["id"] for a in answers}) == len(answers)
    assert REPORT["sizes"]["holdout"] >= 50


@pytest.mark.parametrize("split", ["all", "holdout"])
def test_targets(split: str) -> None:
    assert EVAL.missed_targets(REPORT, split) == []


def test_acknowledged_unknown_agrees_with_labels() -> None:
    assert REPORT["unknown"]["all"].f1 >= 0.8


def test_eval_script_exit_code_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert EVAL.main(["--json"]) == 0
    out = capsys.readouterr().out
    import json

    data = json.loads(out)
    assert data["missed"] == []
    assert set(data["splits"]) == {"tune", "holdout", "all"}


FRESH = ROOT / "tests" / "data" / "fresh_answers.yaml"
UNSEEN = ROOT / "tests" / "data" / "unseen_answers.yaml"


def test_fresh_answers_meet_the_targets() -> None:
    assert EVAL.missed_targets(EVAL.evaluate(EVAL.load(FRESH)), "all") == []


def test_unseen_set_is_well_formed_and_split_by_dev_upto() -> None:
    answers = EVAL.load(UNSEEN)
    assert len(answers) >= 120
    assert len({a["id"] for a in answers}) == len(answers)
    assert {a["role"] for a in answers} == {
        "blockchain",
        "full-stack",
        "architect",
        "security",
        "data",
    }
    known = set(EVAL.ELEMENTS)
    assert all(set(a["present"]) <= known for a in answers)
    assert EVAL.split_of("un-60", 60) == "tune" and EVAL.split_of("un-61", 60) == "holdout"
    sizes = EVAL.evaluate(answers, 60)["sizes"]
    assert sizes == {"tune": 60, "holdout": len(answers) - 60, "all": len(answers)}


def test_errors_never_list_the_held_out_half(capsys: pytest.CaptureFixture[str]) -> None:
    EVAL.main(["--errors", "root_cause"])
    lines = capsys.readouterr().out.splitlines()
    listed = [m.group(1) for line in lines if (m := re.match(r"\s+false \w+\s+(\S+):", line))]
    assert listed and all(EVAL.split_of(i) == "tune" for i in listed)
    # With --dev-upto 0 every answer is held out, so nothing may be listed.
    EVAL.main(["--data", str(UNSEEN), "--dev-upto", "0", "--errors", "root_cause"])
    assert " un-" not in capsys.readouterr().out
