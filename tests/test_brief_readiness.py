"""The readiness report: each kind of gap, how to handle it, and scenario matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.brief.loader import load_brief, load_brief_text
from coach.brief.match import GENERAL_SCENARIO, match_scenario
from coach.brief.readiness import readiness, render
from coach.brief.store import template
from coach.brief.units import impact_units
from coach.scenario.library import discover
from coach.scenario.model import Scenario

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"
FULL = PAYMENTS.read_text(encoding="utf-8")


def without(*keys: str) -> str:
    """The complete brief with some top-level keys (and their blocks) removed."""
    out, skipping = [], False
    for line in FULL.splitlines():
        if line and not line.startswith((" ", "#")):
            skipping = line.split(":", 1)[0] in keys
        if not skipping:
            out.append(line)
    return "\n".join(out) + "\n"


def gaps(text: str) -> dict[str, str]:
    report = readiness(load_brief_text(text))
    return {item.id: f"{item.gap} {item.advice}" for item in report.gaps}


def test_a_complete_brief_is_ready() -> None:
    report = readiness(load_brief(PAYMENTS))
    assert report.ready and report.percent == 100 and not report.notes
    assert "answers every question" in render(report, "payments")


@pytest.mark.parametrize(
    ("removed", "gap_id", "says"),
    [
        (("what_happened",), "what_happened", "The brief does not say what happened."),
        (("system",), "system", "No affected system."),
        (("impact",), "impact_figure", "Impact has no figure. Estimate a range before the meeting"),
        (("impact",), "impact_money", "Impact has no money figure."),
        (
            ("cause", "cause_status", "cause_known_by"),
            "cause",
            "Say what you know, what you don't, and when you will know.",
        ),
        (("cause_known_by",), "cause_known_by", "gives no time for confirming it"),
        (("cause_status",), "cause_status", "not how sure you are"),
        (("mitigation",), "mitigation", "No action taken is listed."),
        (("plan",), "plan", "No plan."),
        (("eta",), "eta", 'Give a range ("4 to 6 hours") and what it depends on'),
        (("resources",), "resources", "No resources listed."),
        (("stakeholders",), "stakeholders", "No stakeholders listed."),
        (("update_cadence",), "update_cadence", "Commit to a time for the next update"),
    ],
)
def test_each_kind_of_gap(removed: tuple[str, ...], gap_id: str, says: str) -> None:
    found = gaps(without(*removed))
    assert gap_id in found, found
    assert says in found[gap_id]


def test_every_gap_says_how_to_handle_it_in_the_meeting() -> None:
    report = readiness(load_brief_text(""))
    for item in report.gaps:
        # What you know, what you don't, and when you will know: a time to come back by.
        assert item.say, item.id
        assert "[time]" in item.say or item.id == "system", item.id
    text = render(report, "empty")
    assert text.count("      In the meeting: ") == len(report.gaps)
    assert (
        "In the meeting: \"We don't have a count yet. It's at least [the number you can stand "
        "behind], and I'll have the real figure by [time].\""
    ) in text
    assert not any(item.say for item in readiness(load_brief(PAYMENTS)).items)


def test_only_the_removed_fields_are_gaps() -> None:
    assert set(gaps(without("plan", "eta"))) == {"plan", "eta"}


def test_an_unknown_cause_is_a_gap_with_the_honest_answer() -> None:
    text = without("cause", "cause_status", "cause_known_by") + "cause_status: unknown\n"
    found = gaps(text)
    assert "The cause is not known yet." in found["cause"]
    assert "when you will know" in found["cause"]
    assert "cause_known_by" in found


def test_a_known_cause_needs_no_confirmation_time() -> None:
    text = without("cause_status", "cause_known_by") + "cause_status: known\n"
    report = readiness(load_brief_text(text))
    assert report.ready
    assert "cause_known_by" not in {i.id for i in report.items}


def test_a_cause_marked_known_but_not_written_down() -> None:
    # It said "The cause is not known yet" and asked when the cause would be confirmed,
    # contradicting the brief's own 'cause_status: known'.
    text = without("cause", "cause_status", "cause_known_by") + "cause_status: known\n"
    report = readiness(load_brief_text(text))
    assert [i.id for i in report.gaps] == ["cause"]
    cause = report.gaps[0]
    assert cause.gap == "The cause is marked known, but the brief does not say what it is."
    assert cause.advice.startswith("Write it down in one sentence")
    assert "not known" not in f"{cause.gap} {cause.advice} {cause.say}"
    assert "cause_known_by" not in {i.id for i in report.items}
    assert "not confirmed" not in render(report, "x")


def test_a_cause_marked_suspected_but_not_written_down() -> None:
    text = without("cause", "cause_status", "cause_known_by") + "cause_status: suspected\n"
    found = gaps(text)
    assert set(found) == {"cause", "cause_known_by"}
    assert found["cause"].startswith(
        "The cause is marked suspected, but the brief does not say what you suspect."
    )
    assert "gives no time for confirming it" in found["cause_known_by"]


def test_money_without_a_count() -> None:
    text = without("impact") + "impact:\n  - {value: 5000, unit: money, currency: EUR}\n"
    found = gaps(text)
    assert set(found) == {"impact_figure"}
    assert found["impact_figure"].startswith("Impact has a money figure, but no count")


def test_role_and_ceo_name_are_notes_not_gaps() -> None:
    report = readiness(load_brief_text(without("role", "ceo_name")))
    assert report.ready and report.percent == 100
    assert {i.id for i in report.notes} == {"role", "ceo_name"}
    text = render(report, "x")
    assert "Also:" in text and "general scenario" in text


def test_an_empty_brief() -> None:
    report = readiness(load_brief_text(""))
    assert report.percent == 0
    assert len(report.gaps) == 12
    text = render(report, "empty")
    assert text.startswith("Brief empty: ready for 0 of 12 questions (0%).")
    assert "✗ How many customers, orders or transactions are affected?" in text


def test_the_template_loads_as_an_empty_brief_and_names_every_unit() -> None:
    brief = load_brief_text(template(), "template.yaml")
    assert brief.is_empty
    for unit in impact_units():
        assert unit in template()


# -- choosing the scenario ------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> list[Scenario]:
    return [e.scenario for e in discover().entries]


def test_the_role_picks_its_scenario(shipped: list[Scenario]) -> None:
    for role, expected in [
        ("security", "security-customer-data-exposure"),
        ("Full Stack", "fullstack-checkout-release"),
        ("blockchain", "blockchain-vault-exploit"),
    ]:
        match = match_scenario(load_brief_text(f"role: {role}\n"), shipped)
        assert (match.scenario.id, match.notice) == (expected, None)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("Senior security engineer", "security-customer-data-exposure"),
        ("Solutions Architect", "architect-order-outage"),
        ("Fullstack developer", "fullstack-checkout-release"),
        ("Smart contract engineer", "blockchain-vault-exploit"),
        ("Head of Data", "data-billing-corruption"),
        ("SRE", GENERAL_SCENARIO),
        ("Database administrator", GENERAL_SCENARIO),
    ],
)
def test_a_job_title_picks_the_role_it_names(
    shipped: list[Scenario], role: str, expected: str
) -> None:
    # People write their job title; before, anything but the bare role slug fell back
    # to the general scenario ("No scenario for the role 'Security engineer'").
    match = match_scenario(load_brief_text(f"role: {role}\n"), shipped)
    assert match.scenario.id == expected
    assert (match.notice is None) == (expected != GENERAL_SCENARIO)


def test_within_a_role_the_incident_kind_decides(shipped: list[Scenario]) -> None:
    by_id = {s.id: s for s in shipped}
    pool = [
        by_id["architect-order-outage"],
        by_id["security-customer-data-exposure"].model_copy(update={"role": "architect"}),
        by_id["general-critical-incident"],
    ]
    leak = load_brief_text(
        "role: architect\nwhat_happened: customer data was exposed; an attacker downloaded it\n"
    )
    assert match_scenario(leak, pool).scenario.id == "security-customer-data-exposure"
    outage = load_brief_text(
        "role: architect\nwhat_happened: order processing was down after a deployment\n"
    )
    assert match_scenario(outage, pool).scenario.id == "architect-order-outage"


def test_a_role_without_scenarios_falls_back_with_a_notice(shipped: list[Scenario]) -> None:
    match = match_scenario(load_brief_text("role: marketing\n"), shipped)
    assert match.scenario.id == GENERAL_SCENARIO
    assert match.notice is not None and "No scenario for the role 'marketing'" in match.notice
    nameless = match_scenario(load_brief_text(""), shipped)
    assert nameless.scenario.id == GENERAL_SCENARIO
    assert nameless.notice is not None and "names no role" in nameless.notice


def test_no_general_scenario_is_an_error(shipped: list[Scenario]) -> None:
    from coach.errors import CoachError

    others = [s for s in shipped if s.id != GENERAL_SCENARIO]
    with pytest.raises(CoachError, match="name a scenario"):
        match_scenario(load_brief_text("role: marketing\n"), others)
