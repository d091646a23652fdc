"""Checks of answers against a brief: contradictions and an overclaimed cause."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from coach.brief.facts import check_facts
from coach.brief.model import Brief
from coach.scoring import lexicon
from coach.scoring.brief_checks import apply_brief_checks, brief_flags
from coach.scoring.scorer import score_answer

LABELLED = Path(__file__).parent / "data" / "brief_contradictions.yaml"
#: Written by a reviewer, partly before reading the detector (see its header).
AUDIT = Path(__file__).parent / "data" / "brief_contradictions_audit.yaml"
BRIEF_FLAGS = {"contradiction", "overclaimed_cause"}


def _answers(path: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(group["brief"], answer) for group in data["groups"] for answer in group["answers"]]


def _cases(path: Path = LABELLED) -> list[Any]:
    return [
        pytest.param(brief, answer["text"], set(answer["flags"]), id=answer["text"][:50])
        for brief, answer in _answers(path)
        if not answer.get("known_miss")
    ]


CASES = _cases()


def codes(brief: dict[str, Any], text: str) -> set[str]:
    facts = check_facts(Brief.model_validate(brief))
    return {f.code for f in brief_flags(text, score_answer(text), facts)}


def test_there_are_enough_labelled_pairs() -> None:
    assert len(CASES) >= 20
    labels = [case.values[2] for case in CASES]
    assert sum(1 for flags in labels if "contradiction" in flags) >= 10
    assert sum(1 for flags in labels if "overclaimed_cause" in flags) >= 4
    assert sum(1 for flags in labels if not flags) >= 10


@pytest.mark.parametrize(("brief", "text", "expected"), [*CASES, *_cases(AUDIT)])
def test_labelled_pairs(brief: dict[str, Any], text: str, expected: set[str]) -> None:
    assert codes(brief, text) == expected


def test_precision_and_recall_on_the_reviewers_pairs() -> None:
    # Known misses included: the figures the review reported.
    counts = {code: [0, 0, 0] for code in BRIEF_FLAGS}  # true pos., false pos., false neg.
    for brief, answer in _answers(AUDIT):
        got, expected = codes(brief, answer["text"]), set(answer["flags"])
        for code, (tp, fp, fn) in counts.items():
            counts[code] = [
                tp + (code in got and code in expected),
                fp + (code in got and code not in expected),
                fn + (code in expected and code not in got),
            ]
    for code, (tp, fp, fn) in counts.items():
        assert tp / (tp + fp) == 1.0, code
        assert tp / (tp + fn) >= 0.9, code


def _rule_examples() -> list[Any]:
    spec = lexicon.load("brief_checks.yaml")
    out = []
    for code in ("contradiction", "overclaimed_cause"):
        for rule in spec[code]["rules"]:
            out += [pytest.param(code, t, False, id=f"pass:{t[:40]}") for t in rule["pass"]]
            out += [pytest.param(code, t, True, id=f"fail:{t[:40]}") for t in rule["fail"]]
    return out


@pytest.mark.parametrize(("code", "text", "fires"), _rule_examples())
def test_data_examples(code: str, text: str, fires: bool) -> None:
    brief = lexicon.load("brief_checks.yaml")["example_brief"]
    assert (code in codes(brief, text)) is fires


def test_flags_carry_span_message_and_fix() -> None:
    facts = check_facts(
        Brief.model_validate(
            {
                "impact": [{"value": 2300, "unit": "users"}],
                "cause": "an expired certificate",
                "cause_status": "suspected",
                "cause_known_by": "15:00",
            }
        )
    )
    text = "It was caused by an expired certificate, and 23,000 users could not pay."
    flags = {f.code: f for f in brief_flags(text, score_answer(text), facts)}
    contradiction = flags["contradiction"]
    assert text[contradiction.start : contradiction.end] == contradiction.evidence == "23,000"
    assert "2,300 users" in contradiction.message and "23,000" in contradiction.suggestion
    overclaimed = flags["overclaimed_cause"]
    assert text[overclaimed.start : overclaimed.end] == overclaimed.evidence
    assert "suspected, not confirmed" in overclaimed.message
    assert "by 15:00" in overclaimed.suggestion


def test_apply_deducts_ownership_points_and_rescores() -> None:
    facts = check_facts(Brief.model_validate({"impact": [{"value": 2300, "unit": "users"}]}))
    text = "About 23,000 users could not pay."
    plain = score_answer(text, expects=["impact"])
    checked = apply_brief_checks(text, plain, facts)
    assert [f.code for f in checked.flags if f.code in BRIEF_FLAGS] == ["contradiction"]
    assert checked.dimensions["ownership"] == plain.dimensions["ownership"] - 20
    assert checked.score < plain.score
    added = [(d.code, d.dimension, d.points) for d in checked.deductions[len(plain.deductions) :]]
    assert added == [("contradiction", "ownership", 20), ("contradiction", "impact", 100)]


SECURITY = {
    "impact": [
        {"value": 1150, "unit": "customers", "what": "had their account details viewed"},
        {"value": 37, "unit": "accounts", "what": "had their email address changed"},
    ],
    "eta": {"value": 4, "high": 6, "unit": "hours"},
}


@pytest.mark.parametrize(
    ("text", "impact"),
    [
        # The only figure is wrong: no correct impact figure, as if it were missing.
        ("About 11,500 customers had details viewed after a phishing attack.", 0),
        # A right figure beside the wrong one keeps part of the credit.
        ("About 11,500 customers had details viewed and 37 accounts were taken over.", 50),
        ("About 1,150 customers had details viewed after a phishing attack.", 100),
    ],
)
def test_a_contradicted_figure_is_not_a_correct_impact_figure(text: str, impact: int) -> None:
    facts = check_facts(Brief.model_validate(SECURITY))
    plain = score_answer(text, expects=["impact"])
    assert plain.dimensions["impact"] == 100
    checked = apply_brief_checks(text, plain, facts)
    assert checked.dimensions["impact"] == impact
    if impact < 100:
        assert checked.score <= plain.score - 25
        lost = [d for d in checked.deductions if d.dimension == "impact"]
        assert [d.code for d in lost] == ["contradiction"] and lost[0].points == 100 - impact


def test_a_contradicted_estimate_is_not_a_correct_timeline() -> None:
    facts = check_facts(Brief.model_validate(SECURITY))
    text = "We will have it fixed in an hour."
    plain = score_answer(text, expects=["timeline"])
    checked = apply_brief_checks(text, plain, facts)
    assert (plain.dimensions["timeline"], checked.dimensions["timeline"]) == (100, 0)
    # Not expected here: the wrong estimate costs ownership only.
    plain = score_answer(text, expects=["impact"])
    checked = apply_brief_checks(text, plain, facts)
    assert "timeline" not in checked.dimensions
    assert checked.dimensions["ownership"] == plain.dimensions["ownership"] - 20


def test_apply_caps_points_per_flag() -> None:
    facts = check_facts(
        Brief.model_validate(
            {
                "impact": [
                    {"value": 2300, "unit": "users"},
                    {"value": 100, "unit": "orders"},
                    {"value": 5, "unit": "percent"},
                ]
            }
        )
    )
    text = "About 23,000 users, 9,000 orders and 60% of payments were hit."
    checked = apply_brief_checks(text, score_answer(text), facts)
    assert sum(1 for f in checked.flags if f.code == "contradiction") == 3
    assert [d.points for d in checked.deductions if d.code == "contradiction"] == [40]


def test_apply_leaves_agreeing_answers_alone() -> None:
    facts = check_facts(Brief.model_validate({"impact": [{"value": 2300, "unit": "users"}]}))
    text = "About 2,300 users could not pay."
    result = score_answer(text)
    assert apply_brief_checks(text, result, facts) is result
    assert apply_brief_checks("", score_answer(""), facts).flags == []


def test_the_same_wrong_figure_said_twice_is_one_contradiction() -> None:
    facts = check_facts(Brief.model_validate({"impact": [{"value": 2300, "unit": "users"}]}))
    text = "Around 23,000 users could not pay. Yes, 23,000 users, and 9,000 more users today."
    flags = [f for f in brief_flags(text, score_answer(text), facts) if f.code == "contradiction"]
    assert [f.evidence for f in flags] == ["23,000", "9,000"]


#: A fraction is a figure a CEO can use: it is compared with the brief's percentage of
#: the same thing ("half of all requests" when the brief says 10% of requests fail).
FRACTION_BRIEF = {
    "impact": [
        {"value": 10, "unit": "percent", "what": "of requests failing"},
        {"value": 30, "unit": "percent", "what": "of customers who cannot pay"},
    ]
}
COUNT_BRIEF = {"impact": [{"value": 2300, "unit": "users"}]}


@pytest.mark.parametrize(
    ("brief", "text", "expected"),
    [
        (FRACTION_BRIEF, "Roughly half of all requests are failing.", {"contradiction"}),
        (FRACTION_BRIEF, "A third of requests fail right now.", {"contradiction"}),
        (FRACTION_BRIEF, "About a tenth of requests are failing.", set()),
        (FRACTION_BRIEF, "A third of our customers cannot pay.", set()),
        (FRACTION_BRIEF, "Three quarters of customers cannot pay.", {"contradiction"}),
        # Corrected in the same sentence.
        (FRACTION_BRIEF, "Half of all requests failed at first, now down to 10%.", set()),
        # A share of users says nothing against a count of users.
        (COUNT_BRIEF, "Half of our users are affected.", set()),
        # "two" of "two thirds" is not a count of 2 users.
        (COUNT_BRIEF, "Two thirds of our users are affected, about 2,300 people.", set()),
    ],
)
def test_fractions_are_compared_with_brief_percentages(
    brief: dict[str, Any], text: str, expected: set[str]
) -> None:
    assert codes(brief, text) == expected


def test_the_reviewers_fraction_miss_now_holds() -> None:
    misses = [(b, a) for b, a in _answers(AUDIT) if a.get("known_miss")]
    assert misses, "the audit file marks its known misses"
    for brief, answer in misses:
        assert codes(brief, answer["text"]) == set(answer["flags"]), answer["text"]


SAMPLE_BRIEFS = sorted((Path(__file__).parent / "data" / "briefs").glob("*.yaml"))


@pytest.mark.parametrize("path", SAMPLE_BRIEFS, ids=lambda p: p.stem)
def test_a_briefs_own_facts_said_back_are_not_overclaims(path: Path) -> None:
    # What happened, the plan, the mitigation and the cause as the brief words them
    # (with the brief's own hedge, if any) are the user's facts, not a cause claimed
    # as certain.
    from coach.brief.loader import load_brief

    brief = load_brief(path)
    facts = check_facts(brief)
    said = [brief.what_happened, brief.plan, brief.cause, *(brief.mitigation or [])]
    for text in filter(None, said):
        assert "overclaimed_cause" not in {
            f.code for f in brief_flags(text, score_answer(text), facts)
        }, text


def test_the_overclaim_points_at_the_sentence_that_claims_certainty() -> None:
    facts = check_facts(
        Brief.model_validate(
            {"cause": "an expired certificate on the load balancer", "cause_status": "suspected"}
        )
    )
    text = (
        "Customers cannot pay because the gateway is declining cards. We moved traffic at "
        "09:30. It was definitely the certificate."
    )
    flags = brief_flags(text, score_answer(text), facts)
    assert [(f.code, f.evidence) for f in flags] == [
        ("overclaimed_cause", "It was definitely the certificate.")
    ]
    assert text[flags[0].start : flags[0].end] == flags[0].evidence


def test_a_confirmation_the_follow_up_takes_as_an_update_is_not_an_overclaim() -> None:
    # The follow-up draft replaces a suspected cause with one an answer reports as
    # confirmed (coach/brief/data/followup.yaml, cause_confirmed); the scorer must not
    # flag the same sentence as an overclaim.
    from importlib import resources

    spec = yaml.safe_load(
        resources.files("coach.brief").joinpath("data", "followup.yaml").read_text("utf-8")
    )
    facts = check_facts(
        Brief.model_validate(
            {"cause": "an expired certificate on the load balancer", "cause_status": "suspected"}
        )
    )
    phrases = spec["updates"]["cause_confirmed"]
    assert len(phrases) >= 10
    for phrase in phrases:
        text = f"On the cause, {phrase}: it was the expired certificate on the load balancer."
        assert codes_of(text, facts) == set(), phrase
    # A bare claim of certainty is still one.
    assert codes_of("It was definitely the expired certificate.", facts) == {"overclaimed_cause"}


def codes_of(text: str, facts: Any) -> set[str]:
    return {f.code for f in brief_flags(text, score_answer(text), facts)}


PAYMENTS = {
    "impact": [{"value": 2300, "unit": "users", "what": "could not pay"}],
    "eta": {"value": 4, "high": 6, "unit": "hours"},
    "cause": "an expired certificate on the load balancer",
    "cause_status": "suspected",
}


@pytest.mark.parametrize(
    ("text", "example"),
    [
        (
            "Let me give you some context first. About 23,000 users could not pay this "
            "morning. We moved traffic to the backup gateway.",
            "'About 2,300 users could not pay this morning.'",
        ),
        (
            "Let me give you some context first. We will have it fixed by tonight.",
            "'We will have it fixed in 4–6 hours.'",
        ),
        (
            "Let me give you some context first. About 2,300 users could not pay.",
            "'About 2,300 users could not pay.'",
        ),
    ],
)
def test_coaching_never_quotes_a_contradiction_as_its_example(text: str, example: str) -> None:
    facts = check_facts(Brief.model_validate(PAYMENTS))
    checked = apply_brief_checks(text, score_answer(text, expects=["impact", "timeline"]), facts)
    (lede,) = [f for f in checked.flags if f.code == "buried_lede"]
    assert example in lede.suggestion
    assert "23,000" not in lede.suggestion and "tonight" not in lede.suggestion
    # The contradiction itself is still pointed at in the answer.
    assert lede.start == 0


def test_coaching_drops_the_quote_of_an_overclaimed_cause() -> None:
    facts = check_facts(Brief.model_validate(PAYMENTS))
    text = (
        "Let me give you some context first. "
        "It was definitely caused by the expired certificate on the load balancer."
    )
    plain = score_answer(text, expects=["root_cause"])
    (before,) = [f for f in plain.flags if f.code == "buried_lede"]
    assert "definitely" in before.suggestion
    checked = apply_brief_checks(text, plain, facts)
    (lede,) = [f for f in checked.flags if f.code == "buried_lede"]
    assert "definitely" not in lede.suggestion
    assert lede.suggestion.startswith("Open with the bottom line")


def test_a_missing_or_vague_figure_is_asked_for_with_the_briefs() -> None:
    facts = check_facts(Brief.model_validate(SECURITY))
    text = "A number of customers had their details viewed, and lots of accounts were touched."
    checked = apply_brief_checks(text, score_answer(text, expects=["impact"]), facts)
    vague = {f.evidence: f.suggestion for f in checked.flags if f.code == "vague_quantity"}
    assert "'1,150 customers'" in vague["A number of customers"]
    assert "'37 accounts'" in vague["lots of accounts"]
    (missing,) = [d for d in checked.deductions if d.code == "missing:impact"]
    assert "your brief has 1,150 customers and 37 accounts" in missing.reason
    # The figures named are not a flag: the score is the scorer's.
    assert checked.score == score_answer(text, expects=["impact"]).score


def test_a_missing_or_vague_estimate_is_asked_for_with_the_briefs() -> None:
    facts = check_facts(Brief.model_validate(SECURITY))
    text = "We will have it fixed soon."
    checked = apply_brief_checks(text, score_answer(text, expects=["timeline"]), facts)
    (vague,) = [f for f in checked.flags if f.code == "vague_time"]
    assert "'in 4–6 hours'" in vague.suggestion
    (missing,) = [d for d in checked.deductions if d.code == "missing:timeline"]
    assert "your brief's estimate is 4–6 hours" in missing.reason
    # An answer that gives an estimate keeps the scorer's wording for another vague time.
    text = "We will have it fixed in 5 hours, and the report will follow soon."
    plain = score_answer(text, expects=["timeline"])
    checked = apply_brief_checks(text, plain, facts)
    assert [f.suggestion for f in checked.flags] == [f.suggestion for f in plain.flags]


def test_without_brief_figures_the_scorers_wording_stays() -> None:
    facts = check_facts(Brief.model_validate({"cause_status": "unknown"}))
    text = "A number of customers had their details viewed. We will fix it soon."
    result = score_answer(text, expects=["impact", "timeline"])
    assert apply_brief_checks(text, result, facts) is result


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # A change states its new figure, at its own span.
        ("Affected users have risen from 2,300 to 3,100.", [("3,100", 3100.0, "")]),
        # What an amount is stays within its part of the sentence.
        (
            "We refunded £5,000; delayed orders are now £50,000.",
            [("£5,000", 5000.0, "refund"), ("£50,000", 50000.0, "")],
        ),
    ],
)
def test_the_figures_the_checks_compare(text: str, figures: list[tuple[str, float, str]]) -> None:
    got = [(q.text, q.value, q.referent) for q in score_answer(text).quantities]
    assert got == figures


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8)), max_size=12))
def test_figures_inside_longer_ones_are_dropped_as_one_pass_finds_them(
    spans: list[tuple[int, int]],
) -> None:
    # _outermost is a sorted sweep (a long paste has thousands of figures); it must
    # keep exactly what the plain definition keeps.
    from coach.scoring.brief_checks import _outermost
    from coach.scoring.result import Quantity

    figures = [
        Quantity(kind="count", value=1, unit="user", start=s, end=s + n, text="x" * n)
        for s, n in spans
    ]
    plain = [
        q
        for q in figures
        if not any(
            o.start <= q.start and q.end <= o.end and o.end - o.start > q.end - q.start
            for o in figures
        )
    ]
    key = lambda q: (q.start, q.end)  # noqa: E731
    assert sorted(map(key, _outermost(figures))) == sorted(map(key, plain))
