"""The JSON Schema of the scenario format, for editors.

``coach schema`` prints it and ``scenarios/scenario.schema.json`` holds a copy;
each shipped scenario starts with ``# yaml-language-server: $schema=scenario.schema.json``
so editors with the YAML language server complete keys and flag mistakes while
typing. A test checks that the checked-in copy equals what ``coach schema`` prints.
"""

from __future__ import annotations

import json
from typing import Any

from coach.scenario.model import Scenario

#: The schema's file name next to the shipped scenarios.
SCHEMA_FILE = "scenario.schema.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(by_alias=True)
    definitions = schema.get("$defs", {})
    # Conditions accept one name as well as a list (``flag: hedging``); the
    # model converts it before validating, so the schema has to say so itself.
    for name, key in (("Missing", "missing"), ("Present", "present"), ("Flagged", "flag")):
        _one_or_many(definitions[name]["properties"], key)
    return {
        "$schema": DRAFT,
        "title": "coach scenario",
        "description": (
            "A coach rehearsal scenario: a branching conversation with a CEO. "
            "See scenarios/README.md for the authoring guide."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def _one_or_many(properties: dict[str, Any], key: str) -> None:
    prop = properties[key]
    variants = prop.get("anyOf", [prop])
    array = next(v for v in variants if v.get("type") == "array")
    array = {k: v for k, v in array.items() if k not in ("title", "description")}
    array["minItems"] = 1
    others = [v for v in variants if v.get("type") != "array"]
    properties[key] = {"title": prop.get("title", key), "anyOf": [array["items"], *others, array]}


def schema_text() -> str:
    """The schema as ``coach schema`` prints it (stable key order, final newline)."""
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False) + "\n"
