"""The scenarios that ship with coach: all clean, one per shipped role at least,
found from any directory, and accepted by the schema editors are given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from coach.scenario.library import discover
from coach.scenario.schema import SCHEMA_FILE, schema_text
from coach.scenario.validate import check_path
from coach.scoring.names import SHIPPED_ROLES

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


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_shipped_scenario_is_rich(path: Path) -> None:
    """What the issue asks of every shipped scenario."""
    scenario = check_path(path).scenario
    assert scenario is not None
    assert len(scenario.nodes) >= 8
    assert len({e.verdict for e in scenario.endings}) >= 2
    assert len(scenario.glossary) >= 10
    assert scenario.checklist and scenario.tips
    assert all(node.model_answer.strip() for node in scenario.nodes)


def test_the_checked_in_schema_is_what_coach_schema_prints() -> None:
    assert (SHIPPED / SCHEMA_FILE).read_text(encoding="utf-8") == schema_text()


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


def test_discover_reports_no_problems_with_the_shipped_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CONFIG_DIR", str(tmp_path))
    monkeypatch.delenv("COACH_SCENARIOS", raising=False)
    library = discover()
    assert library.diagnostics == []
    assert all(e.source == "shipped" and not e.overrides_shipped for e in library.entries)
