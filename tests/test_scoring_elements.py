"""Element detection: the behaviours the issue asks for, checked one by one, plus
status-page phrasings that are not in the labelled set."""

from __future__ import annotations

import pytest

from coach.scoring.names import ELEMENTS
from coach.scoring.scorer import score_answer


def present(text: str, **kwargs: object) -> set[str]:
    return score_answer(text, **kwargs).present  # type: ignore[arg-type]


# -- impact ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "About 1,200 customers can't check out.",
        "Two hundred merchants are affected.",
        "Half of our users cannot log in.",
        "We lost 1,240 ETH, about $4.1M.",
        "40k requests failed in the last hour.",
        "Roughly 1.2M page views returned errors.",
        "Around 1 in 8 page loads is timing out.",
        "Losses are about €40k so far.",
        "Error rates are at 12% for checkout.",
        "We estimate 620 lost orders.",
        "Revenue is down 14% since the release.",
        "The exploit drained 312 ETH.",
        "About 9,000 USDC is stuck in the bridge.",
    ],
)
def test_impact_figures(text: str) -> None:
    assert "impact" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "It was down for 47 minutes.",
        "Version 2.4.1 shipped on Tuesday.",
        "The data from 2023-11-14 is affected.",
        "Ticket INC-4821 has the details.",
        "We saw HTTP 500 errors on login.",
        "Login returned a 503 for a while.",
        "Two engineers are on it.",
        "Some users are affected.",
        "A lot of users are affected.",
        "CPU is at 95% on the primary.",
        "We're 90% sure it's the cache.",
        "I need you to approve a budget of $60,000.",
        "Gas spiked to 300 gwei.",
        "It started at 14:05 and ended at 15:10.",
        "Losses are in the low millions.",
    ],
)
def test_not_impact(text: str) -> None:
    assert "impact" not in present(text)


def test_vague_quantity_is_flagged_with_a_concrete_suggestion() -> None:
    result = score_answer("A lot of users are affected.")
    flag = next(f for f in result.flags if f.code == "vague_quantity")
    assert flag.evidence == "A lot of users"
    assert "count" in flag.suggestion and "about 1,200" in flag.suggestion


# -- timeline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The fix takes 4-6 hours.",
        "We'll be back by 5 pm.",
        "ETA ~35 minutes.",
        "We expect full recovery within 48 hours.",
        "Withdrawals resume by Friday.",
        "We expect to have a fix deployed within the next 2 hours.",
        "Full recovery is expected by 18:00 UTC.",
    ],
)
def test_timeline(text: str) -> None:
    assert "timeline" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "At 14:05 the deploy went out.",
        "We were down for 3 hours yesterday.",
        "We noticed it at 6 am on Tuesday.",
        "We'll have it fixed soon.",
        "It should be back in a few hours.",
        "We'll fix it ASAP.",
        "We rotated the key within 20 minutes of finding it.",
        "I'll update you at 3 pm.",
    ],
)
def test_not_timeline(text: str) -> None:
    assert "timeline" not in present(text)


def test_vague_time_flags() -> None:
    codes = score_answer("We'll have it fixed soon, ASAP, in a few hours.").flag_codes
    assert "vague_time" in codes


# -- mitigation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We paused withdrawals at 09:12.",
        "We've rolled back the release.",
        "Traffic has failed over to us-west.",
        "We rate-limited the public API.",
        "The feature is disabled for everyone.",
        "We patched the contract an hour ago.",
        "We restarted the workers and they're healthy.",
        "We blocked the attacker's addresses.",
        "We're rolling back right now.",
        "A fix has been implemented and we are monitoring the results.",
        "We have rolled back the deployment and are seeing recovery.",
    ],
)
def test_mitigation(text: str) -> None:
    assert "mitigation" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "We have not rolled back.",
        "We haven't paused anything yet.",
        "We will roll back tonight.",
        "We're going to pause the bridge at noon.",
        "We could roll back if needed.",
        "Should we roll back?",
        "The pods restarted in a loop.",
        "A config change disabled the cache.",
        "We're working on a fix.",
        "We are currently investigating this issue.",
    ],
)
def test_not_mitigation(text: str) -> None:
    assert "mitigation" not in present(text)


def test_planned_action_is_kept_as_a_plan() -> None:
    result = score_answer("We will roll back tonight.", expects=["mitigation"])
    element = result.elements["mitigation"]
    assert not element.present
    assert [s.text for s in element.planned] == ["roll back"]
    assert any(d.code == "planned:mitigation" for d in result.deductions)


# -- root cause -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "It was caused by an expired TLS certificate.",
        "The root cause is a race condition in the payment worker.",
        "It happened because a migration dropped the index.",
        "We believe the cause is a bad config push.",
        "A bad deploy of the tracking script stopped event collection.",
        "The root cause has been identified as a faulty configuration change.",
    ],
)
def test_root_cause(text: str) -> None:
    assert "root_cause" in present(text)


@pytest.mark.parametrize(
    "text",
    [
        "We are investigating the root cause.",
        "We don't know the cause yet.",
        "It wasn't caused by an attack.",
        "We have identified the issue and are working on a fix.",
        "The issue was mitigated at 15:10 UTC.",
        "We paused withdrawals because we saw unusual outflows.",
    ],
)
def test_not_root_cause(text: str) -> None:
    assert "root_cause" not in present(text)


def test_acknowledged_unknown_with_a_time() -> None:
    result = score_answer(
        "We don't know yet why the queue backed up; we'll know by 3 pm.",
        expects=["root_cause"],
    )
    assert not result.elements["root_cause"].present
    assert result.acknowledged_unknown
    assert "root_cause" not in result.missing
    assert result.dimensions["root_cause"] == 70
    # Without a time it is neither a cause nor an honest unknown.
    bare = score_answer("We don't know yet why the queue backed up.", expects=["root_cause"])
    assert not bare.acknowledged_unknown
    assert bare.missing == ["root_cause"]


def test_unknown_time_is_not_a_timeline() -> None:
    result = score_answer("We don't know the cause yet; we'll know by 3 pm.")
    assert "timeline" not in result.present


# -- next update, prevention, resources, stakeholders -----------------------------


@pytest.mark.parametrize(
    ("element", "text"),
    [
        ("next_update", "Next update at 16:00."),
        ("next_update", "I'll report back every 30 minutes."),
        ("next_update", "We will provide an update within 30 minutes."),
        ("prevention", "We're adding an alert so it can't happen again."),
        ("prevention", "We'll run a post-mortem on Thursday."),
        ("resources", "I need two more engineers for the weekend."),
        ("resources", "I need your approval to take the site offline."),
        ("stakeholders", "Legal and security have been informed."),
        ("stakeholders", "We've notified the affected customers by email."),
    ],
)
def test_secondary_and_update(element: str, text: str) -> None:
    assert element in present(text)


@pytest.mark.parametrize(
    ("element", "text"),
    [
        ("next_update", "I'll keep you posted."),
        ("next_update", "The status page was updated at 9."),
        ("prevention", "It will never happen again."),
        ("resources", "We need to roll back."),
        ("resources", "We don't need anything from you."),
        ("stakeholders", "We haven't told legal yet."),
        ("stakeholders", "Customers reported it to us."),
    ],
)
def test_secondary_negatives(element: str, text: str) -> None:
    assert element not in present(text)


# -- evidence -----------------------------------------------------------------------


def test_every_element_is_reported_with_exact_spans() -> None:
    text = (
        "We lost 1,240 ETH this morning. We paused the bridge at 09:12. The cause was a "
        "missing signature check. The fix lands within 4 hours, and I'll update you at 11. "
        "We're adding a second audit so it can't happen again. Legal is informed. "
        "I need two more engineers."
    )
    result = score_answer(text)
    assert set(result.elements) == set(ELEMENTS)
    assert result.present == set(ELEMENTS)
    for element in result.elements.values():
        for span in element.spans:
            assert text[span.start : span.end] == span.text
        assert element.evidence == [s.text for s in element.spans]
    assert result.elements["impact"].up_front
    assert not result.elements["mitigation"].up_front
