"""With a brief, a shipped scenario talks about the user's incident, never its own.

Everything a user sees in a rehearsal with a brief (the CEO's lines and
reactions, the endings, coaching notes and model answers) is rendered with
every brief in tests/data/briefs/ (a full one per role, each about an incident
unlike the role scenario's own) and with an empty one. None of
it may carry the scenario's own incident: a number or time that is not the
brief's, a fact's value, or a name from the scenario's situation (its people,
its company, its customers). Facts a scenario words for any incident keep
their value when ``with_brief`` repeats it on purpose (the CEO's own board
call is not part of the incident).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.brief.facts import given_facts, placeholder_facts, session_facts
from coach.brief.loader import load_brief
from coach.brief.model import Brief
from coach.brief.model_answer import brief_model_answer
from coach.scenario.library import load_scenario
from coach.scenario.model import BRIEF_PLACEHOLDERS, Scenario, fill

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"

#: The shipped scenarios whose every line is worded for a brief: all of them
#: (test_every_shipped_scenario_is_worded_for_briefs).
WORDED_FOR_BRIEFS = [
    "general-critical-incident",
    "data-billing-corruption",
    "blockchain-vault-exploit",
    "security-customer-data-exposure",
    "architect-order-outage",
    "fullstack-checkout-release",
]

_NUMBER = re.compile(r"\d[\d,.:]*\d|\d")
#: A capitalised word that does not start a sentence: a name, in situation text.
_NAME = re.compile(r"(?<![.!?:;]\s)(?<![.!?:;]\s\s)(?<!^)(?<!\n)\b([A-Z][a-zA-Z]{2,})")
#: Capitalised words that name no one in particular.
_GENERIC = {
    "CEO", "CTO", "CFO", "DPO", "Head", "Support", "Customer", "Customers", "Operations",
    "Success", "Billing", "Finance", "Legal", "Security", "Engineering", "Platform", "Team",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "UTC",
}  # fmt: skip


def _shown(scenario: Scenario, brief: Brief) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a rehearsal with ``brief`` shows."""
    facts = session_facts(scenario, brief)
    for node in scenario.nodes:
        yield f"{node.id}.ceo", fill(node.ceo, facts)
        if node.coaching:
            yield f"{node.id}.coaching", fill(node.coaching, facts)
        opening = node.id == scenario.start_id
        model = brief_model_answer(node, brief, opening=opening) or fill(node.model_answer, facts)
        yield f"{node.id}.model_answer", model
        for j, branch in enumerate(node.branches):
            if branch.say:
                yield f"{node.id}.branches[{j}].say", fill(branch.say, facts)
    for ending in scenario.endings:
        for key in ("title", "ceo", "summary"):
            yield f"{ending.id}.{key}", fill(getattr(ending, key), facts)
    for k, trigger in enumerate(scenario.triggers):
        if trigger.say:
            yield f"triggers[{k}].say", fill(trigger.say, facts)


def _kept(scenario: Scenario) -> dict[str, str]:
    """Facts whose with_brief wording is their own value: kept on purpose."""
    return {
        name: value
        for name, value in scenario.situation.with_brief.items()
        if value == scenario.facts.get(name)
    }


def _own_names(scenario: Scenario) -> set[str]:
    s = scenario.situation
    texts = [s.system, s.what_happened, s.impact, s.cause, s.mitigation, s.plan, s.people]
    texts += list(s.facts.values())
    names = {m.group(1) for text in texts for m in _NAME.finditer(text)}
    return names - _GENERIC


def _briefs() -> list[tuple[str, Brief]]:
    """Every brief under tests/data/briefs/ (one per role, of an incident unlike
    the role scenario's own), and an empty one."""
    found = sorted(PAYMENTS.parent.glob("*.yaml"))
    return [(path.name, load_brief(path)) for path in found] + [("empty brief", Brief())]


@pytest.mark.parametrize("scenario_id", WORDED_FOR_BRIEFS)
def test_no_number_or_time_but_the_briefs(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    for label, brief in _briefs():
        # The brief as stored and as its placeholders word it ("2,300 users").
        brief_text = brief.model_dump_json() + " ".join(given_facts(brief).values())
        allowed = set(_NUMBER.findall(brief_text))
        allowed |= {n for value in _kept(scenario).values() for n in _NUMBER.findall(value)}
        leaks = [
            f"{where}: {number} in {text!r}"
            for where, text in _shown(scenario, brief)
            for number in _NUMBER.findall(text)
            if number not in allowed
        ]
        assert leaks == [], f"{label}: the scenario's own figures show"


@pytest.mark.parametrize("scenario_id", WORDED_FOR_BRIEFS)
def test_no_fact_value_or_name_of_the_scenarios_incident(scenario_id: str) -> None:
    scenario = load_scenario(scenario_id)
    kept = _kept(scenario)
    values = {
        name: value
        for name, value in scenario.facts.items()
        if name not in kept and name not in BRIEF_PLACEHOLDERS and name != "title"
        and len(value) >= 4
    }  # fmt: skip
    for label, brief in _briefs():
        # The brief as stored and as its placeholders word it ("2,300 users").
        brief_text = brief.model_dump_json() + " ".join(given_facts(brief).values())
        names = {n for n in _own_names(scenario) if n not in brief_text}
        names.discard(scenario.ceo.name.split()[0])
        leaks = []
        for where, text in _shown(scenario, brief):
            leaks += [
                f"{where}: {{{n}}} {v!r}"
                for n, v in values.items()
                if v in text and v not in brief_text
            ]
            leaks += [f"{where}: {name}" for name in names if re.search(rf"\b{name}\b", text)]
        assert leaks == [], f"{label}: the scenario's own incident shows"


def test_every_shipped_scenario_is_worded_for_briefs() -> None:
    from coach.paths import shipped_scenarios_dir

    shipped = {path.stem for path in shipped_scenarios_dir().glob("*.yaml")}
    assert set(WORDED_FOR_BRIEFS) == shipped


@pytest.mark.parametrize("scenario_id", WORDED_FOR_BRIEFS)
def test_every_placeholder_is_filled(scenario_id: str) -> None:
    """No ``{name}`` is left over in anything shown, with any brief."""
    scenario = load_scenario(scenario_id)
    for label, brief in _briefs():
        left = [f"{where}: {text!r}" for where, text in _shown(scenario, brief) if "{" in text]
        assert left == [], label


def _ceo_says(scenario: Scenario, brief: Brief) -> str:
    """Everything the CEO says with ``brief``: questions, reactions, closing lines
    (not model answers, coaching notes or the debrief's summaries)."""
    said = [text for where, text in _shown(scenario, brief) if where.endswith((".ceo", ".say"))]
    return "\n".join(said)


def _quotes_estimate_and_figure(scenario: Scenario, brief: Brief) -> tuple[bool, bool]:
    said = _ceo_says(scenario, brief)
    return (
        placeholder_facts(brief)["eta"] in said,
        any(figure.amount in said for figure in brief.figures),
    )


@pytest.mark.parametrize("scenario_id", WORDED_FOR_BRIEFS)
def test_the_ceo_quotes_the_briefs_estimate_and_a_figure(scenario_id: str) -> None:
    """Issue 7: with a brief, the CEO talks about the user's own figures and
    deadlines, so somewhere the CEO says the brief's estimate ("4–6 hours",
    "by 13:30") and one of its figures ("2,300 users", "£41,000")."""
    scenario = load_scenario(scenario_id)
    briefs = [(label, brief) for label, brief in _briefs() if brief.eta and brief.figures]
    assert len(briefs) >= 6
    for label, brief in briefs:
        eta, figure = _quotes_estimate_and_figure(scenario, brief)
        assert eta, f"{label}: the CEO never says the brief's estimate"
        assert figure, f"{label}: the CEO never says one of the brief's figures"


def test_the_quote_check_can_fail() -> None:
    """A scenario that never says {eta_when}, {affected} or {money} fails it."""
    minimal = load_scenario(str(Path(__file__).parent / "fixtures" / "scenarios" / "minimal.yaml"))
    assert _quotes_estimate_and_figure(minimal, load_brief(PAYMENTS)) == (False, False)


def test_the_estimate_reads_as_when_it_will_be_fixed() -> None:
    """{eta_when} ends "it will be fixed ___" for a duration, a clock time or none."""
    architect = PAYMENTS.parent / "architect.yaml"
    assert placeholder_facts(load_brief(PAYMENTS))["eta_when"] == "in 4–6 hours"
    assert placeholder_facts(load_brief(architect))["eta_when"] == "by 13:30"
    assert placeholder_facts(Brief())["eta_when"] == "in the time you gave me"


def test_the_check_finds_a_leak() -> None:
    """The checks above can fail: the general scenario's own lines, without its
    with_brief wordings, name its own update time."""
    scenario = load_scenario("general-critical-incident")
    bare = scenario.model_copy(
        update={"situation": scenario.situation.model_copy(update={"with_brief": {}})}
    )
    texts = [text for _, text in _shown(bare, Brief())]
    assert any("15:30" in text for text in texts)


def test_a_fact_reads_as_its_with_brief_wording_filled_from_the_brief() -> None:
    scenario = load_scenario("fullstack-checkout-release")
    assert session_facts(scenario, None)["release"] == "release 4.18"
    assert session_facts(scenario, load_brief(PAYMENTS))["release"] == "the payments gateway"
    # A brief without the field: the brief's neutral wording, not the scenario's value.
    assert session_facts(scenario, Brief())["release"] == "the system"
    assert session_facts(scenario, Brief(), {"release": "given"})["release"] == "given"
