"""Pick the scenario to rehearse a brief with.

The brief's role narrows the choice to that role's scenarios (a job title such as
"Senior security engineer" counts as the role it names: data/kinds.yaml); among them the one
that shares the most incident kinds with the brief (an outage, a data problem, a
security breach ...: data/kinds.yaml), then the most words, wins. A brief with
no role, or a role no scenario has, rehearses the general scenario and says so.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import cast

import yaml

from coach.brief.model import Brief
from coach.errors import CoachError
from coach.scenario.model import Scenario

#: The role-neutral scenario every brief can fall back to.
GENERAL_SCENARIO = "general-critical-incident"

_WORD = re.compile(r"[a-z][a-z\-]{3,}")


@dataclass(frozen=True)
class Match:
    scenario: Scenario
    #: Why the general scenario was chosen instead of one of the brief's role.
    notice: str | None = None


@functools.cache
def _kinds() -> dict[str, tuple[re.Pattern[str], ...]]:
    text = resources.files("coach.brief").joinpath("data", "kinds.yaml").read_text("utf-8")
    data = cast(dict[str, dict[str, list[str]]], yaml.safe_load(text))
    return {
        kind: tuple(re.compile(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])") for w in words)
        for kind, words in data["kinds"].items()
    }


@functools.cache
def _role_words() -> dict[str, tuple[str, ...]]:
    text = resources.files("coach.brief").joinpath("data", "kinds.yaml").read_text("utf-8")
    data = cast(dict[str, dict[str, list[str]]], yaml.safe_load(text))
    return {role: tuple(words) for role, words in (data.get("role_words") or {}).items()}


def role_fits(role_slug: str, scenario_role: str) -> bool:
    """Whether a brief's role (as a slug: "senior-security-engineer") is a scenario role."""
    if role_slug == scenario_role:
        return True
    padded = f"-{role_slug}-"
    if all(f"-{word}-" in padded for word in scenario_role.split("-")):
        return True
    return any(f"-{word}-" in padded for word in _role_words().get(scenario_role, ()))


def kinds_of(text: str) -> set[str]:
    low = text.lower()
    return {kind for kind, words in _kinds().items() if any(w.search(low) for w in words)}


def _brief_text(brief: Brief) -> str:
    parts = [brief.system, brief.what_happened, brief.cause, brief.plan]
    parts += [f.what or f.unit for f in brief.figures]
    return " ".join(p for p in parts if p)


def _scenario_text(scenario: Scenario) -> str:
    s = scenario.situation
    return " ".join(
        (scenario.title, scenario.summary, s.system, s.what_happened, s.impact, s.cause)
    )


def score(brief: Brief, scenario: Scenario) -> tuple[int, int]:
    """(shared incident kinds, shared words) between a brief and a scenario."""
    b, s = _brief_text(brief), _scenario_text(scenario)
    shared_kinds = len(kinds_of(b) & kinds_of(s))
    shared_words = len(set(_WORD.findall(b.lower())) & set(_WORD.findall(s.lower())))
    return shared_kinds, shared_words


def match_scenario(brief: Brief, scenarios: Sequence[Scenario]) -> Match:
    """The best scenario for ``brief``; raises CoachError if even the general one is missing."""
    role = brief.role_slug
    # The role as written first; failing that, a job title that names a role.
    candidates = [s for s in scenarios if role and s.role == role]
    if role and not candidates:
        candidates = [s for s in scenarios if role_fits(role, s.role)]
    if candidates:
        best = max(candidates, key=lambda s: (*score(brief, s), s.id == GENERAL_SCENARIO, s.id))
        return Match(best)
    general = next((s for s in scenarios if s.id == GENERAL_SCENARIO), None)
    if general is None:
        raise CoachError(
            f"no scenario fits this brief and the general scenario {GENERAL_SCENARIO!r} "
            "is not installed; name a scenario: `coach rehearse SCENARIO --brief NAME`"
        )
    roles = sorted({s.role for s in scenarios})
    if role:
        notice = (
            f"No scenario for the role {brief.role!r} (roles: {', '.join(roles)}); "
            f"rehearsing the general scenario {GENERAL_SCENARIO!r} with your brief."
        )
    else:
        notice = (
            "The brief names no role; rehearsing the general scenario "
            f"{GENERAL_SCENARIO!r} with your brief (add 'role:' to get your role's scenarios)."
        )
    return Match(general, notice)
