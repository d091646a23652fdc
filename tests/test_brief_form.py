"""The brief form's text fields: figures and estimates as people write them."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.brief.form import FormError, brief_from_form, form_from_brief, parse_eta, parse_figure
from coach.brief.loader import load_brief
from coach.brief.model import Brief

PAYMENTS = Path(__file__).parent / "data" / "briefs" / "payments.yaml"


@pytest.mark.parametrize(
    ("line", "figure"),
    [
        ("2300 users could not pay", {"value": 2300.0, "unit": "users", "what": "could not pay"}),
        ("2,000-2,500 customers", {"value": 2000.0, "high": 2500.0, "unit": "customers"}),
        (
            "£41,000 orders delayed",
            {"value": 41000.0, "unit": "money", "currency": "GBP", "what": "orders delayed"},
        ),
        ("41k GBP", {"value": 41000.0, "unit": "money", "currency": "GBP"}),
        (
            "1.2m eth drained",
            {"value": 1200000.0, "unit": "money", "currency": "ETH", "what": "drained"},
        ),
        ("12% of card payments", {"value": 12.0, "unit": "percent", "what": "of card payments"}),
        ("5 order", {"value": 5.0, "unit": "orders"}),
        ("300 tickets (support)", {"value": 300.0, "unit": "tickets", "what": "support"}),
        # People write the estimate as one ("about 2,300"); the form used to refuse it.
        (
            "about 2,300 users could not pay",
            {"value": 2300.0, "unit": "users", "what": "could not pay"},
        ),
        ("~£41k", {"value": 41000.0, "unit": "money", "currency": "GBP"}),
        ("Roughly 12% declined", {"value": 12.0, "unit": "percent", "what": "declined"}),
    ],
)
def test_figure_lines(line: str, figure: dict[str, object]) -> None:
    assert parse_figure(line) == figure


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("3 usrs", "unknown unit 'usrs'; did you mean 'users'?"),
        ("about a thousand", "does not start with a number"),
        ("3000", "no unit after the number"),
    ],
)
def test_bad_figure_lines(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_figure(line)


def test_estimates() -> None:
    assert parse_eta("4-6 hours") == {"value": 4.0, "high": 6.0, "unit": "hours"}
    assert parse_eta("about 30 minutes") == {"value": 30.0, "unit": "minutes"}
    assert parse_eta("by 16:00") == {"by": "16:00"}
    assert parse_eta("4 pm") == {"by": "4 pm"}
    with pytest.raises(ValueError, match="write it like"):
        parse_eta("soon")
    # Short units and the word "about" as people type them.
    brief = brief_from_form({"eta": "About 4 to 6 hrs"})
    assert brief.eta is not None and brief.eta.text == "4–6 hours"


def test_the_form_round_trips_a_brief() -> None:
    brief = load_brief(PAYMENTS)
    fields = form_from_brief(brief)
    assert fields["impact"].splitlines() == [
        "2300 users could not pay",
        "41000 GBP orders delayed",
        "12% of card payments declined",
    ]
    assert fields["eta"] == "4-6 hours"
    assert brief_from_form(fields) == brief
    clock = Brief.model_validate({"eta": {"by": "16:00"}})
    assert brief_from_form(form_from_brief(clock)) == clock


@pytest.mark.parametrize(
    "yaml_text",
    [
        'impact: [{value: 3, unit: users, what: "users: VIP (gold)"}]',
        "impact: [{value: 40, high: 60, unit: money, currency: ETH, what: drained}]",
        "impact: [{value: 10, high: 12.5, unit: percent, what: of payments (card)}]",
        'eta: {by: "4 pm"}',
    ],
)
def test_editing_a_brief_in_the_form_keeps_it(yaml_text: str) -> None:
    from coach.brief.loader import load_brief_text

    brief = load_brief_text(yaml_text)
    assert brief_from_form(form_from_brief(brief)) == brief


def test_empty_form_is_an_empty_brief() -> None:
    assert brief_from_form({}) == Brief()
    assert brief_from_form({"system": "  ", "mitigation": "\n\n"}) == Brief()


def test_lists_are_one_item_a_line() -> None:
    brief = brief_from_form({"mitigation": "- 09:05 declared\n\n• 09:30 moved traffic\n"})
    assert brief.mitigation == ["09:05 declared", "09:30 moved traffic"]
    # A bullet alone is an empty line: it said "String should have at least 1 character".
    only_bullets = {"mitigation": "*", "resources": "-\n- two engineers\n•", "impact": "- "}
    assert brief_from_form(only_bullets) == Brief(resources=["two engineers"])


def test_every_problem_comes_back_by_field() -> None:
    with pytest.raises(FormError) as caught:
        brief_from_form(
            {
                "impact": "2300 users\n5 money",
                "eta": "4 fortnights",
                "cause_status": "maybe",
                "system": "the API",
            }
        )
    problems = caught.value.problems
    assert set(problems) == {"impact", "eta", "cause_status"}
    assert problems["impact"] == (
        "line 2: a money figure needs a currency: write '£41,000' or '41000 GBP'"
    )
    assert problems["eta"].startswith("unknown time unit 'fortnights'")
    # In the project's words, not pydantic's ("Input should be 'known', 'suspected' or ...").
    assert problems["cause_status"] == (
        "unknown cause status 'maybe' (use one of: known, suspected, unknown)"
    )


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        (
            {"cause_status": "suspectd"},
            "cause_status",
            "unknown cause status 'suspectd'; did you mean 'suspected'? (use one of: known, "
            "suspected, unknown)",
        ),
        ({"eta": "0 hours"}, "eta", "0 is too small; an estimate is more than 0"),
        # User text in a message is one line, and a long one is cut short.
        ({"eta": "0\n0"}, "eta", "'0 0': write it like '4-6 hours', '30 minutes' or 'by 16:00'"),
        (
            {"impact": "lots " * 20},
            "impact",
            "line 1: 'lots lots lots lots lots lots lots lo...' does not start with a number; "
            "write it like '2300 users' or '£41,000 orders delayed'",
        ),
        ({"eta": "0.5-0 hours"}, "eta", "0 is too small; an estimate is more than 0"),
        (
            {"system": "x" * 4001},
            "system",
            "4,001 characters is too long; keep it to 4,000 at most",
        ),
        (
            {"mitigation": "09:05 declared\n" + "y" * 5000},
            "mitigation",
            "line 2: 5,000 characters is too long; keep it to 4,000 at most",
        ),
        (
            {"impact": "9" * 400 + " users"},
            "impact",
            "line 1: an infinite (or too large) number is not a usable number; write a plain "
            "number such as 2300 or 4.5",
        ),
    ],
)
def test_messages_are_in_the_projects_words(fields: dict[str, str], key: str, message: str) -> None:
    with pytest.raises(FormError) as caught:
        brief_from_form(fields)
    assert caught.value.problems == {key: message}


def test_a_cause_status_in_capitals_is_understood() -> None:
    assert brief_from_form({"cause_status": " Suspected "}).cause_status == "suspected"


@pytest.mark.parametrize(
    ("line", "figure"),
    [
        ("41,000 pounds", {"value": 41000.0, "unit": "money", "currency": "GBP"}),
        (
            "2 million pounds sterling lost",
            None,
        ),
        ("A$5k refunds", {"value": 5000.0, "unit": "money", "currency": "AUD", "what": "refunds"}),
        ("US$40-60k", {"value": 40000.0, "high": 60000.0, "unit": "money", "currency": "USD"}),
        (
            "12 per cent of card payments",
            {"value": 12.0, "unit": "percent", "what": "of card payments"},
        ),
        ("900 euros", {"value": 900.0, "unit": "money", "currency": "EUR"}),
        # The multiplier written once, at the end, is for both ends of the range.
        ("£40-60k", {"value": 40000.0, "high": 60000.0, "unit": "money", "currency": "GBP"}),
        ("2-3m users", {"value": 2e6, "high": 3e6, "unit": "users"}),
        ("500-1.2k users", {"value": 500.0, "high": 1200.0, "unit": "users"}),
        ("2300 users, could not pay", {"value": 2300.0, "unit": "users", "what": "could not pay"}),
    ],
)
def test_currency_words_and_symbols_come_from_the_unit_data(
    line: str, figure: dict[str, object] | None
) -> None:
    if figure is None:
        with pytest.raises(ValueError, match="unknown unit 'million'"):
            parse_figure(line)
    else:
        assert parse_figure(line) == figure


def test_every_symbol_and_alias_names_a_known_unit_or_currency() -> None:
    from coach.brief import units

    for code, symbol in units.currency_symbols().items():
        assert units.currency_code(symbol) == code
    assert set(units.currency_aliases().values()) <= set(units.currencies())
    assert set(units.impact_unit_aliases().values()) <= set(units.impact_units())
    for name in units.impact_units():
        assert units.impact_unit(name) == name
        assert units.currency_code(name) is None  # a unit is never read as a currency
    for code in units.currencies():
        assert units.impact_unit(code) is None
