"""Scores: dimensions, weights, deductions traced to findings, consistency across
answers, and session scores."""

from __future__ import annotations

from coach.scoring.lexicon import load
from coach.scoring.names import DIMENSIONS, FLAG_CODES
from coach.scoring.result import AnswerResult
from coach.scoring.scorer import score_answer, session_scores

MAIN = ["impact", "timeline", "mitigation", "root_cause", "next_update"]

STRONG = (
    "We lost 1,240 ETH from the bridge this morning, about $4.1M. We paused the bridge at "
    "09:12, so nothing more can leave. The cause was a missing signature check in Tuesday's "
    "relayer upgrade. The patched contract goes live within 4 hours, and I'll update you at 11."
)
WEAK = (
    "So, basically, I think it could potentially be something with the relayer, maybe. "
    "Honestly the auditors should have caught this, it's their fault. Some users are "
    "affected and we'll fix it soon. Sorry. I'm really sorry."
)


def _traceable(result: AnswerResult) -> None:
    codes = result.flag_codes
    for d in result.deductions:
        kind, _, element = d.code.partition(":")
        if element:
            assert kind in ("missing", "buried", "unknown", "planned"), d.code
            assert element in result.expects, d.code
        else:
            assert d.code in codes or d.code == "empty", d.code


def test_strong_answer_scores_high_and_weak_low() -> None:
    strong = score_answer(STRONG, expects=MAIN)
    weak = score_answer(WEAK, expects=MAIN)
    assert strong.score >= 80, strong.deductions
    assert weak.score <= 30, weak.deductions
    assert {"hedging", "blame", "vague_quantity", "vague_time", "apology", "filler"} <= (
        weak.flag_codes
    )
    _traceable(strong)
    _traceable(weak)


def test_dimensions_cover_expected_elements_plus_clarity_and_ownership() -> None:
    result = score_answer(STRONG, expects=["impact"])
    assert set(result.dimensions) == {"impact", "clarity", "ownership"}
    full = score_answer(STRONG, expects=MAIN)
    assert set(full.dimensions) == {
        "impact",
        "timeline",
        "mitigation",
        "root_cause",
        "next_steps",
        "clarity",
        "ownership",
    }
    assert set(full.dimensions) <= set(DIMENSIONS)
    assert all(0 <= v <= 100 for v in full.dimensions.values())


def test_up_front_is_worth_more_than_buried() -> None:
    up = score_answer(
        "We lost 1,240 ETH this morning. Everyone is on it. More to follow at 11.",
        expects=["impact"],
    )
    buried = score_answer(
        "Everyone is on it this morning. More to follow at 11. We lost 1,240 ETH.",
        expects=["impact"],
    )
    assert up.elements["impact"].up_front and not buried.elements["impact"].up_front
    assert up.dimensions["impact"] == 100
    assert buried.dimensions["impact"] < up.dimensions["impact"]
    assert any(d.code == "buried:impact" for d in buried.deductions)


def test_missing_elements_are_deducted_and_listed() -> None:
    result = score_answer("We paused the bridge.", expects=["impact", "mitigation"])
    assert result.missing == ["impact"]
    assert any(d.code == "missing:impact" and d.points == 100 for d in result.deductions)


def test_empty_answer_scores_zero() -> None:
    result = score_answer("   \n\t ", expects=MAIN)
    assert result.score == 0
    assert result.words == 0
    assert set(result.missing) == set(MAIN)
    assert all(v == 0 for v in result.dimensions.values())
    _traceable(result)


def test_weights_documented_in_data_match_dimensions() -> None:
    weights = load("weights.yaml")
    assert set(weights["dimension_weights"]) == set(DIMENSIONS)
    assert set(weights["flag_deductions"]) == set(FLAG_CODES)


def test_budget_and_spoken_seconds() -> None:
    text = " ".join(["word"] * 150)
    result = score_answer(text, budget=90)
    assert result.words == 150
    assert result.spoken_seconds == 60.0
    flag = next(f for f in result.flags if f.code == "too_long")
    assert "150 words" in flag.message and "90" in flag.message
    assert text[flag.start : flag.end] == flag.evidence
    assert "too_long" not in score_answer(text, budget=140).flag_codes  # within 10%
    assert "too_long" not in score_answer(text).flag_codes  # no budget, no flag


def test_buried_lede() -> None:
    buried = score_answer(
        "Our protocol has been live for two years with great results. Last night we lost "
        "1,240 ETH.",
        expects=["impact"],
    )
    assert "buried_lede" in buried.flag_codes
    flag = next(f for f in buried.flags if f.code == "buried_lede")
    assert "Last night we lost 1,240 ETH." in flag.suggestion
    assert (
        "buried_lede"
        not in score_answer(
            "We lost 1,240 ETH last night. Our protocol has been live for two years.",
            expects=["impact"],
        ).flag_codes
    )


def test_hedging_needs_a_stack_or_density() -> None:
    assert "hedging" not in score_answer("It could take longer; we'll know by 3.").flag_codes
    assert "hedging" in score_answer("It could potentially take longer.").flag_codes


def test_counterfactual_blame_over_promise_apology() -> None:
    codes = score_answer(
        "If we had load-tested it, we would have caught this. Mistakes were made. "
        "I guarantee it will never happen again. Sorry, so sorry."
    ).flag_codes
    assert {"counterfactual", "blame", "over_promise", "apology"} <= codes
    assert "over_promise" not in score_answer("I can't guarantee that yet.").flag_codes
    assert "apology" not in score_answer("I'm sorry. Here is where we are.").flag_codes


def test_jargon_uses_role_glossary_and_explanations() -> None:
    plain = score_answer("We paused withdrawals and told legal.")
    assert "jargon" not in plain.flag_codes
    assert "jargon" in score_answer("The sequencer stalled.", role="blockchain").flag_codes
    explained = score_answer(
        "The sequencer (the service that orders our transactions) stalled.", role="blockchain"
    )
    assert "jargon" not in explained.flag_codes
    glossary = {"flux capacitor": "the part that lets the car travel in time"}
    result = score_answer("The flux capacitor failed.", glossary=glossary)
    flag = next(f for f in result.flags if f.code == "jargon")
    assert "lets the car travel in time" in flag.suggestion
    assert (
        "jargon"
        not in score_answer(
            "The flux capacitor failed.", glossary=glossary, plain=["flux capacitor"]
        ).flag_codes
    )
    assert "jargon" in score_answer("The widget broke.", jargon=["widget"]).flag_codes
    # An unknown acronym is jargon; a known one (CEO, ETA) is not; shouting is not.
    assert "jargon" in score_answer("The HSM went offline.").flag_codes
    assert "jargon" not in score_answer("The ETA for the CEO is noon.").flag_codes
    assert "jargon" not in score_answer("WE HAVE PAUSED ALL WITHDRAWALS NOW.").flag_codes


def test_inconsistent_figures_across_answers() -> None:
    first = score_answer("We lost 1,200 ETH this morning. The fix takes about 4 hours.")
    changed = score_answer("We lost 2,000 ETH.", earlier=[first])
    assert "inconsistent" in changed.flag_codes
    flag = next(f for f in changed.flags if f.code == "inconsistent")
    assert "1,200 ETH" in flag.message and flag.evidence == "2,000 ETH"
    corrected = score_answer("Correction: it's now 2,000 ETH, up from 1,200.", earlier=[first])
    assert "inconsistent" not in corrected.flag_codes
    slipped = score_answer("The fix will be done by tomorrow.", earlier=[first])
    assert "inconsistent" in slipped.flag_codes
    same = score_answer("We lost about 1,200 ETH; the fix takes 4 hours.", earlier=[first])
    assert "inconsistent" not in same.flag_codes
    assert any(d.code == "inconsistent" for d in changed.deductions)


def test_quantities_are_recorded() -> None:
    result = score_answer("We lost 1,240 ETH and 1,200 users can't log in. Fix within 4 hours.")
    kinds = {(q.kind, q.unit) for q in result.quantities}
    assert ("money", "ETH") in kinds
    assert ("count", "user") in kinds
    assert ("duration", "h") in kinds


def test_fractions_are_recorded_as_shares() -> None:
    def figures(text: str) -> list[tuple[str, float, str, str]]:
        return [(q.kind, q.value, q.unit, q.text) for q in score_answer(text).quantities]

    assert figures("Roughly half of all requests are failing.") == [
        ("percent", 50.0, "request", "half")
    ]
    assert figures("A third of customers cannot log in, about 1,200 people.") == [
        ("percent", 33.3, "customer", "A third"),
        ("count", 1200.0, "people", "1,200"),
    ]
    # The "two" of "two thirds" is part of the fraction, not a count of two merchants.
    assert figures("About two thirds of our merchants are affected.") == [
        ("percent", 66.7, "merchant", "two thirds")
    ]
    # A fraction that is not a share of something affected is no figure.
    assert figures("Half the team is on it, and it took half an hour.") == []
    assert figures("Click-through dropped by about a third.") == []
    earlier = score_answer("About 10% of requests are failing.")
    later = score_answer("Half of all requests are failing.", earlier=[earlier])
    assert "inconsistent" in later.flag_codes


def test_session_scores_skip_dimensions_never_asked() -> None:
    a = score_answer(STRONG, expects=["impact"])
    b = score_answer("We paused the bridge at 09:12.", expects=["mitigation"])
    scores, overall = session_scores([a, b])
    assert set(scores) == {"impact", "mitigation", "clarity", "ownership"}
    assert scores["impact"] == a.dimensions["impact"]
    assert scores["clarity"] == round((a.dimensions["clarity"] + b.dimensions["clarity"]) / 2)
    assert 0 <= overall <= 100
    # A dimension nobody asked for never drags the overall down.
    assert overall >= min(scores.values())
    assert session_scores([]) == ({}, 0)


def test_unknown_expected_element_is_an_error() -> None:
    import pytest

    with pytest.raises(ValueError, match="unknown element"):
        score_answer("x", expects=["impact", "bogus"])
