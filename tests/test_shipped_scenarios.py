"""The scenarios that ship with coach: all clean, one per shipped role at least,
found from any directory, and accepted by the schema editors are given."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from engine_fakes import fake_score

from coach.engine.session import Session
from coach.scenario import conditions as c
from coach.scenario.library import discover
from coach.scenario.model import Scenario
from coach.scenario.schema import SCHEMA_FILE, schema_text
from coach.scenario.validate import check_path
from coach.scoring.names import SHIPPED_ROLES
from coach.scoring.result import AnswerResult

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "scenarios"
FILES = sorted(SHIPPED.glob("*.yaml"))
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"


def test_there_is_a_shipped_scenario_for_every_shipped_role() -> None:
    assert len(FILES) >= len(SHIPPED_ROLES)
    roles = set()
    for path in FILES:
        loaded = check_path(path)
        assert loaded.scenario is not None, path
        roles.add(loaded.scenario.role)
    assert set(SHIPPED_ROLES) <= roles


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_scenario_has_no_errors_or_warnings(path: Path) -> None:
    loaded = check_path(path)
    assert [d.format() for d in loaded.diagnostics] == []
    assert loaded.scenario is not None
    assert loaded.scenario.id == path.stem, "a shipped file is named after its id"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_scenario_starts_with_the_schema_line(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE


def _scenario(path: Path) -> Scenario:
    scenario = check_path(path).scenario
    assert scenario is not None, path
    return scenario


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_scenario_is_rich(path: Path) -> None:
    """What the issue asks of every shipped scenario."""
    scenario = _scenario(path)
    assert sum(node.kind == "question" for node in scenario.nodes) >= 8
    assert len({e.verdict for e in scenario.endings}) >= 2
    assert len(scenario.glossary) >= 10
    assert scenario.checklist and scenario.tips
    assert all(node.model_answer.strip() for node in scenario.nodes)


def _flags(condition: c.Condition) -> set[str]:
    return {f for part in c.walk(condition) if isinstance(part, c.Flagged) for f in part.flag}


def _asks_for(condition: c.Condition, element: str) -> bool:
    """Whether the condition holds for an answer that lacks ``element``: it
    names the element, or ``missing: expected``, in a ``missing:`` condition."""
    return any(
        isinstance(part, c.Missing) and (part.missing == "expected" or element in part.missing)
        for part in c.walk(condition)
    )


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_missing_expected_element_draws_a_follow_up(path: Path) -> None:
    """For each element a node expects, some branch catches an answer without it
    and the CEO follows up: a reaction, or a follow-up node."""
    scenario = _scenario(path)
    gaps = []
    for node in scenario.nodes:
        for element in node.expects:
            follow_ups = [
                b
                for b in node.branches
                if b.when is not None
                and _asks_for(b.when, element)
                and (b.say or scenario.node_map.get(b.goto, node).kind == "follow_up")
            ]
            if not follow_ups:
                gaps.append(f"{node.id}: {element}")
    assert gaps == [], "no follow-up when these are missing"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_node_answers_hedging_and_blame(path: Path) -> None:
    """Pressure: at every node a hedge and a blame draw a reaction from the CEO."""
    scenario = _scenario(path)
    gaps = []
    for node in scenario.nodes:
        for flag in ("hedging", "blame"):
            if not any(b.when and flag in _flags(b.when) and b.say for b in node.branches):
                gaps.append(f"{node.id}: {flag}")
    assert gaps == [], "nodes with no reaction to these flags"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_pressure_lines_of_the_issue(path: Path) -> None:
    """A hedge draws "Is that a guess?" and blame "I don't need a culprit, I
    need a plan" somewhere in every scenario (elsewhere in the CEO's own words)."""
    scenario = _scenario(path)
    says = {
        flag: [
            b.say or ""
            for n in scenario.nodes
            for b in n.branches
            if b.when and flag in _flags(b.when)
        ]
        for flag in ("hedging", "blame")
    }
    assert any("Is that a guess?" in say for say in says["hedging"])
    assert any("I don't need a culprit, I need a plan" in say for say in says["blame"])


def _empty_answer(text: str, **kwargs: Any) -> AnswerResult:
    """An answer with nothing in it: no element, no flag, score 0."""
    return fake_score("", **kwargs).model_copy(update={"score": 0})


def _lines_on_leaving(scenario: Scenario, node_id: str, answer: str, empty: bool) -> list[str]:
    """Start at ``node_id`` and give the same answer until the CEO moves on (or
    the meeting ends); the CEO's reactions to the last answer."""
    scorer = _empty_answer if empty else fake_score
    session = Session.new(scenario.model_copy(update={"start": node_id}), scorer=scorer)
    session.begin()
    said: list[str] = []
    while session.awaiting_answer and session.transcript.node == node_id:
        said = [t.text for t in session.answer(answer) if t.kind == "reaction"]
    return said


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_an_empty_answer_never_draws_the_praise_for_a_complete_one(path: Path) -> None:
    """When the attempts at a node run out, its default branch is taken whatever
    the answer: the line the CEO says then must not be the one a complete answer
    earns there (praise belongs on a ``present:`` branch before the default)."""
    scenario = _scenario(path)
    for node in scenario.nodes:
        complete = _lines_on_leaving(scenario, node.id, " ".join(node.expects) or "fine", False)
        empty = _lines_on_leaving(scenario, node.id, "nothing", True)
        assert not set(complete) & set(empty), f"{node.id}: {empty}"


#: The CEO's questions of each role guide's script, by role (copied from shared/seeds).
GUIDE_QUESTIONS: dict[str, list[str]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "guide_questions.yaml").read_text(encoding="utf-8")
)


def _normal(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text).split())


@pytest.mark.parametrize("role", sorted(GUIDE_QUESTIONS))
def test_every_ceo_question_of_the_guide_is_asked(role: str) -> None:
    assert len(GUIDE_QUESTIONS[role]) >= 4
    scenarios = [s for s in map(_scenario, FILES) if s.role == role]
    assert scenarios, f"no shipped scenario for the role {role!r}"
    for scenario in scenarios:
        asked = [_normal(n.ceo) for n in scenario.nodes if n.kind == "question"]
        missing = [q for q in GUIDE_QUESTIONS[role] if not any(_normal(q) in a for a in asked)]
        assert missing == [], f"{scenario.id} does not ask these"


def test_the_checked_in_schema_is_what_coach_schema_prints() -> None:
    assert (SHIPPED / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()


def test_the_schema_is_a_valid_json_schema_of_its_draft() -> None:
    schema = json.loads(schema_text())
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    "path",
    [*FILES, ROOT / "tests" / "fixtures" / "scenarios" / "minimal.yaml"],
    ids=lambda p: p.stem,
)
def test_the_schema_accepts_every_good_scenario(path: Path) -> None:
    schema = json.loads((SHIPPED / SCHEMA_FILE).read_text(encoding="utf-8"))
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)


def test_the_schema_rejects_unknown_keys_and_names() -> None:
    schema = json.loads((SHIPPED / SCHEMA_FILE).read_text(encoding="utf-8"))
    data = yaml.safe_load(FILES[0].read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "summry": "typo"}, schema)
    node = {**data["nodes"][0], "branches": [{"when": {"flag": "blam"}, "goto": "x"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**data, "nodes": [node]}, schema)


def test_discover_lists_every_shipped_file_from_any_directory(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACH_CONFIG_DIR": str(tmp_path)}
    env.pop("COACH_SCENARIOS", None)
    out = subprocess.run(
        [sys.executable, "-m", "coach", "list", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    ids = {entry["id"] for entry in json.loads(out.stdout)}
    assert ids == {p.stem for p in FILES}
    assert out.stderr == ""


def test_an_installed_coach_finds_the_scenarios_the_wheel_carries(tmp_path: Path) -> None:
    """The wheel's layout, built by hand from pyproject's force-include (the
    scenarios move inside the package), run from a directory far from the repo."""
    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"][
        "build"
    ]["targets"]["wheel"]
    assert wheel["packages"] == ["coach"]
    assert wheel["force-include"] == {"scenarios": "coach/shipped_scenarios"}
    site = tmp_path / "site-packages"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "coach", site / "coach", ignore=ignore)
    for source, target in wheel["force-include"].items():
        shutil.copytree(ROOT / source, site / target, ignore=ignore)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "COACH_CONFIG_DIR": str(tmp_path / "config")}
    env.pop("COACH_SCENARIOS", None)
    out = subprocess.run(
        [sys.executable, "-m", "coach", "list", "--json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    entries = json.loads(out.stdout)
    assert {e["id"] for e in entries} == {p.stem for p in FILES}
    assert {Path(e["path"]).parent for e in entries} == {site / "coach" / "shipped_scenarios"}
    assert out.stderr == ""


def test_discover_reports_no_problems_with_the_shipped_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_SCENARIOS", raising=False)
    library = discover()
    assert library.diagnostics == []
    assert all(e.source == "shipped" and not e.overrides_shipped for e in library.entries)
