"""Brief files: every field optional; wrong types and unknown units get line numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from coach.brief.form import FIELDS, FormError, brief_from_form
from coach.brief.loader import BriefLoadError, load_brief, load_brief_text, parse_brief, read_brief
from coach.brief.model import Brief, clock_minutes
from coach.errors import CoachError

DATA = Path(__file__).parent / "data" / "briefs"


def problems(text: str) -> list[str]:
    loaded = parse_brief(text, "b.yaml")
    assert loaded.brief is None
    return [d.format() for d in loaded.diagnostics]


def test_complete_brief_loads() -> None:
    brief = load_brief(DATA / "payments.yaml")
    assert brief.system == "the payments gateway"
    assert [f.amount for f in brief.figures] == ["2,300 users", "£41,000", "12%"]
    assert brief.figures[0].text == "2,300 users (could not pay)"
    assert brief.eta is not None and brief.eta.text == "4–6 hours"
    assert brief.eta.hours == (4.0, 6.0)
    assert brief.cause_status == "suspected"
    assert brief.role_slug == "architect"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "system:\nimpact:\ncause:\n"])
def test_missing_fields_are_allowed(text: str) -> None:
    brief = load_brief_text(text)
    assert brief == Brief()
    assert brief.is_empty


def test_some_fields_are_enough() -> None:
    brief = load_brief_text("what_happened: The nightly export failed.\n")
    assert brief.what_happened == "The nightly export failed."
    assert brief.figures == [] and brief.eta is None and not brief.is_empty


def test_wrong_types_have_line_numbers() -> None:
    found = problems(
        "system: 12\n"
        "impact:\n"
        "  - value: '2,300'\n"
        "    unit: users\n"
        "mitigation: rolled back\n"
        "eta: {by: 16:00}\n"
    )
    assert found == [
        "b.yaml:1:9: S103 system: expected text, but YAML read '12' as a number (12); "
        'quote it: "12"',
        "b.yaml:3:12: S103 impact[0].value: expected a number, found the text '2,300'; "
        "write it without quotes or commas: 2300",
        "b.yaml:5:13: S103 mitigation: expected a list, found the text 'rolled back'; "
        "write each item on its own line, starting with '- '",
        "b.yaml:6:11: S103 eta.by: expected text, but YAML read '16:00' as a number (960); "
        'quote it: "16:00"',
    ]


def test_unknown_units_and_currencies_have_line_numbers() -> None:
    found = problems(
        "impact:\n"
        "  - {value: 10, unit: usrs}\n"
        "  - {value: 5, unit: money, currency: GPB}\n"
        "eta: {value: 3, unit: fortnights}\n"
    )
    assert found[0].startswith(
        "b.yaml:2:23: S105 impact[0].unit: unknown unit 'usrs'; did you mean 'users'?"
    )
    assert found[1].startswith(
        "b.yaml:3:39: S105 impact[1].currency: unknown currency 'GPB'; did you mean 'GBP'?"
    )
    assert "use one of:" in found[1] and "GBP" in found[1]
    assert found[2].startswith("b.yaml:4:23: S105 eta.unit: unknown time unit 'fortnights'")


def test_inconsistent_figures_and_estimates() -> None:
    found = problems(
        "impact:\n"
        "  - {value: 40000, unit: money}\n"
        "  - {value: 3, unit: users, currency: GBP}\n"
        "  - {value: 9, high: 4, unit: orders}\n"
        "eta: {value: 2}\n"
    )
    assert found == [
        "b.yaml:2:5: S105 impact[0]: a money figure needs a currency, e.g. 'currency: GBP'",
        "b.yaml:3:5: S105 impact[1]: only a money figure has a currency; use 'unit: money' for GBP",
        "b.yaml:4:5: S105 impact[2]: the range is upside down: high (4) is below value (9)",
        "b.yaml:5:6: S105 eta: an estimate needs a value and a unit (e.g. 'value: 4', 'high: 6', "
        "'unit: hours') or a clock time ('by: \"16:00\"')",
    ]


def test_unknown_keys_and_statuses() -> None:
    found = problems("sytem: the API\ncause_status: maybe\n")
    assert found == [
        "b.yaml:1:1: S101 unknown key 'sytem'; did you mean 'system'?",
        "b.yaml:2:15: S105 cause_status: unknown cause status 'maybe' (use one of: known, "
        "suspected, unknown)",
    ]


def test_units_are_forgiving_about_case_and_plurals() -> None:
    brief = load_brief_text("impact: [{value: 3, unit: Orders}]\neta: {value: 1, unit: hour}\n")
    assert brief.figures[0].unit == "orders"
    assert brief.eta is not None and brief.eta.text == "1 hour"


def test_short_time_units_are_understood() -> None:
    brief = load_brief_text("eta: {value: 4, high: 6, unit: hrs}\n")
    assert brief.eta is not None and brief.eta.text == "4–6 hours" and brief.eta.hours == (4, 6)
    brief = load_brief_text("eta: {value: 30, unit: Mins}\n")
    assert brief.eta is not None and brief.eta.text == "30 minutes"


@pytest.mark.parametrize("number", [".inf", "-.inf", ".nan", ".NaN"])
def test_infinite_and_nan_numbers_are_errors_with_lines(number: str) -> None:
    # YAML reads these as floats; before this check an infinite figure loaded and
    # crashed `coach run --brief` (int(inf) when writing "2,300 users").
    found = problems(
        f"impact:\n  - {{value: 1, high: {number}, unit: users}}\n"
        f"eta: {{value: {number}, unit: hours}}\n"
    )
    assert len(found) == 2
    assert found[0].startswith("b.yaml:2:22: S105 impact[0].high: ")
    assert found[1].startswith("b.yaml:3:14: S105 eta.value: ")
    assert all("is not a usable number; write a plain number such as 2300" in f for f in found)


def test_numbers_out_of_range_and_statuses_in_capitals() -> None:
    assert problems("impact: [{value: -3, unit: users}]\neta: {value: 0, unit: hours}\n") == [
        "b.yaml:1:18: S105 impact[0].value: -3 is below 0; a figure is 0 or more",
        "b.yaml:2:14: S105 eta.value: 0 is too small; an estimate is more than 0",
    ]
    assert load_brief_text("cause_status: Known\n").cause_status == "known"
    # YAML 1.1 reads an unquoted yes as true: the loader says so, as for any field.
    assert problems("cause_status: yes\n")[0].startswith(
        "b.yaml:1:15: S104 cause_status: YAML 1.1 reads unquoted yes as a true/false value"
    )


def test_clock_estimates() -> None:
    brief = load_brief_text('eta: {by: "4 pm"}\n')
    assert brief.eta is not None and brief.eta.minutes == 16 * 60 and brief.eta.text == "by 4 pm"
    assert clock_minutes("16:00") == 960
    assert clock_minutes("9.30") == 570
    assert clock_minutes("12 am") == 0
    assert clock_minutes("25:00") is None
    assert clock_minutes("4") is None
    assert problems('eta: {by: "teatime"}\n') == [
        'b.yaml:1:11: S105 eta.by: \'teatime\' is not a clock time; write it like "16:00" or "4 pm"'
    ]


def test_not_a_brief() -> None:
    assert problems("- a\n- b\n") == [
        "b.yaml:1:1: S008 the file holds a list; a brief is a mapping with fields such as "
        "'what_happened:' and 'impact:'"
    ]
    assert problems("id: x\ntitle: y\n")[0].startswith(
        "b.yaml:1:1: S008 this does not look like a brief"
    )


def test_load_error_is_one_line_naming_the_first_problem(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("system: 12\ncause_status: maybe\n", encoding="utf-8")
    with pytest.raises(BriefLoadError) as caught:
        load_brief(path)
    assert isinstance(caught.value, CoachError)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}:1:9: S103 system:")
    assert message.endswith(f"(and 1 more; `coach brief check {path}` lists them)")


def test_files_that_are_not_text(tmp_path: Path) -> None:
    missing = read_brief(tmp_path / "nope.yaml")
    assert [d.code for d in missing.diagnostics] == ["S001"]
    assert read_brief(tmp_path).diagnostics[0].message == "is a directory; give a brief file"
    png = tmp_path / "x.yaml"
    png.write_bytes(b"\x89PNG\r\n")
    assert read_brief(png).diagnostics[0].message == "is a PNG image, not a YAML text file"


def test_the_readme_example_is_a_valid_brief() -> None:
    import re

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Rehearse your own incident") :]
    example = re.findall(r"```yaml\n(.*?)```", section, re.S)[0]
    brief = load_brief_text(example, "README.md")
    assert brief.stakeholders == ["Omar Haddad, on-call payments engineer (owns the fix)"]
    assert [f.amount for f in brief.figures] == ["2,300 users", "£35,000–£45,000", "12%"]
    assert brief.eta is not None and brief.eta.text == "4–6 hours"


# -- a brief file takes what the form takes ----------------------------------------------


def test_units_and_currencies_as_people_write_them_are_saved_canonical() -> None:
    # The form took "2300 user", "12%" and "£41,000"; a brief file refused 'unit: user',
    # 'unit: "%"' and 'currency: "£"'.
    from coach.brief.store import dump

    brief = load_brief_text(
        "impact:\n"
        "  - {value: 2300, unit: user, what: could not pay}\n"
        "  - {value: 41000, unit: money, currency: '£', what: orders delayed}\n"
        "  - {value: 12, unit: '%', what: of card payments declined}\n"
        "  - {value: 3, unit: Order}\n"
        "  - {value: 5, unit: per cent}\n"
        "  - {value: 900, unit: money, currency: euros}\n"
        "  - {value: 40, high: 60, unit: US$}\n"
        "  - {value: 7, unit: GBP, currency: pounds}\n"
    )
    assert [(f.unit, f.currency) for f in brief.figures] == [
        ("users", None),
        ("money", "GBP"),
        ("percent", None),
        ("orders", None),
        ("percent", None),
        ("money", "EUR"),
        ("money", "USD"),
        ("money", "GBP"),
    ]
    assert [f.amount for f in brief.figures[:3]] == ["2,300 users", "£41,000", "12%"]
    saved = dump(brief)
    assert "unit: users" in saved and "currency: GBP" in saved and "unit: percent" in saved
    assert "£" not in saved and "'%'" not in saved and "euros" not in saved
    assert load_brief_text(saved) == brief


def test_figures_and_estimates_written_as_text_read_as_the_form_reads_them() -> None:
    from coach.brief.form import brief_from_form
    from coach.brief.store import dump

    text = (
        "impact:\n"
        "  - 2300 users could not pay\n"
        "  - £41,000 orders delayed\n"
        "  - 12% of card payments declined\n"
        "eta: 4-6 hours\n"
    )
    brief = load_brief_text(text)
    payments = load_brief(DATA / "payments.yaml")
    assert brief.figures == payments.figures
    assert brief.eta == payments.eta
    lines = {"impact": "\n".join(text.splitlines()[1:4]).replace("  - ", ""), "eta": "4-6 hours"}
    assert brief_from_form(lines) == brief
    # Saved as mappings, the form every other tool reads.
    assert "- value: 2300\n  unit: users\n  what: could not pay\n" in dump(brief)
    by = load_brief_text('eta: "by 16:00"\n').eta
    assert by is not None and by.by == "16:00" and by.minutes == 960


def test_a_figure_or_estimate_in_text_that_cannot_be_read_shows_the_mapping_form() -> None:
    found = problems(
        "impact:\n"
        "  - lots of users\n"
        "  - 2300\n"
        "  - 2300 usrs\n"
        "  - {value: 5, unit: GBP, currency: USD}\n"
        "eta: soon\n"
    )
    assert found == [
        "b.yaml:2:5: S105 impact[0]: 'lots of users' does not start with a number; write it "
        "like '2300 users' or '£41,000 orders delayed', or as a mapping: "
        "{value: 2300, unit: users}",
        "b.yaml:3:5: S105 impact[1]: a figure needs its unit: write '2300 users' or a mapping: "
        "{value: 2300, unit: users}",
        "b.yaml:4:5: S105 impact[2]: unknown unit 'usrs'; did you mean 'users'? (units: users, "
        "customers, accounts, merchants, orders, bookings, transactions, payments, requests, "
        "records, tickets, devices, money, percent, or a currency like GBP)",
        "b.yaml:5:22: S105 impact[3].unit: 'GBP' is a currency, not a unit: write "
        "'unit: money' and 'currency: GBP'",
        "b.yaml:6:6: S105 eta: 'soon': write it like '4-6 hours', '30 minutes' or 'by 16:00', "
        "or as a mapping: {value: 4, high: 6, unit: hours}",
    ]
    assert problems("eta: 16:00\n") == [
        'b.yaml:1:6: S105 eta: a number alone is not an estimate: give its unit ("4-6 hours", '
        'or {value: 4, high: 6, unit: hours}), or quote a clock time: "16:00"'
    ]


def test_the_templates_examples_uncommented_are_a_valid_brief() -> None:
    import re

    from coach.brief.store import template

    brief = load_brief_text(re.sub(r"^#  ", "  ", template(), flags=re.M), "template.yaml")
    assert [f.amount for f in brief.figures] == ["2,300 users", "£35,000–£45,000", "12%"]
    assert brief.eta is not None and brief.eta.text == "4–6 hours"


# -- no message in pydantic's words ------------------------------------------------------

#: pydantic's own phrasing ("Input should be 'known', 'suspected' or 'unknown'", "String
#: should have at most 4000 characters", "Value error, ..."): never shown to a user.
RAW_PYDANTIC = re.compile(
    r"Input should|String should|List should|Value error|Field required|should be|"
    r"should have|Object has no|Extra inputs|type=|\binput_value\b",
    re.I,
)
#: Texts near the edges of what a field takes.
_SAMPLES = st.sampled_from(
    ["", " ", "2300 users", "12%", "£41,000", "4-6 hours", "by 16:00", "Known", "maybe", "user",
     "%", "£", "GBP", "pounds", "x" * 4001, "users", "money", "hours", "0 hours", "-3 users",
     "1e400 users", "9" * 400 + " users", "0-0 hours", "5 money", "£5 users"]
)  # fmt: skip
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _SAMPLES
    | st.text(max_size=12)
)
_FIGURE_KEYS = st.sampled_from(["value", "high", "unit", "currency", "what", "nonsense"])
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_FIGURE_KEYS, inner, max_size=4),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(Brief.model_fields)), _VALUES, min_size=1))
def test_no_brief_file_gets_a_message_in_pydantics_words(data: dict[str, object]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    for diagnostic in parse_brief(text, "b.yaml").diagnostics:
        message = diagnostic.format()
        assert "\n" not in message and message.startswith("b.yaml:")
        assert not RAW_PYDANTIC.search(message), message
        assert diagnostic.code != "S000", message


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([key for key, _, _ in FIELDS]),
        _SAMPLES | st.text(max_size=30),
    )
)
def test_no_form_field_gets_a_message_in_pydantics_words(fields: dict[str, str]) -> None:
    try:
        brief_from_form(fields)
    except FormError as error:
        for message in error.problems.values():
            assert not RAW_PYDANTIC.search(message), message
            assert "\n" not in message


# -- loader messages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "system: !!python/name:os.system\n",
        "system: !!python/name:os.system ''\n",
        "impact: !!python/object/apply:os.system {value: 3}\n",
        "eta: !!python/object/new:x 4\n",
    ],
)
def test_a_refused_tag_is_one_problem_not_two(text: str) -> None:
    # The tagged value is read as if it had no tag; that it is then empty or of the
    # wrong type only repeated the tag's problem ("system: is empty" after S010).
    found = problems(text)
    assert len(found) == 1, found
    assert " S010 the YAML tag '!!python/" in found[0]


def test_a_problem_inside_a_tagged_value_is_still_its_own() -> None:
    found = problems("impact:\n  - !!python/object:x {value: 3, unit: usrs}\n")
    assert [f.split(" ")[1] for f in found] == ["S010", "S105"]
    assert found[1].startswith("b.yaml:2:40: S105 impact[0].unit: unknown unit 'usrs'")


def test_numbers_with_an_exponent_say_what_yaml_did() -> None:
    # YAML 1.1 reads 1e3 as text (a float needs a '.' and a signed exponent); 1e400 was
    # reported as "found the text '1e400'", which says nothing of the real trouble.
    assert problems(
        "impact:\n"
        "  - {value: 1e3, unit: users}\n"
        "  - {value: 1e400, unit: users}\n"
        "  - {value: 25e-4, high: '1e20', unit: percent}\n"
        "eta: {value: 1.0e+400, unit: hours}\n"
    ) == [
        "b.yaml:2:13: S103 impact[0].value: expected a number, found the text '1e3' (YAML reads "
        "a number with an exponent as text); write it as 1000",
        "b.yaml:3:13: S105 impact[1].value: '1e400' is too large to be a usable number; write a "
        "plain number such as 2300",
        "b.yaml:4:13: S103 impact[2].value: expected a number, found the text '25e-4' (YAML "
        "reads a number with an exponent as text); write it as 0.0025",
        "b.yaml:4:26: S103 impact[2].high: expected a number, found the text '1e20' (YAML reads "
        "a number with an exponent as text); write it as 1.000000e+20",
        "b.yaml:5:14: S105 eta.value: an infinite (or too large) number is not a usable number; "
        "write a plain number such as 2300 or 4.5",
    ]
    # What the message says to write loads.
    assert (
        load_brief_text("impact: [{value: 1.000000e+20, unit: users}]\n").figures[0].value == 1e20
    )


def test_a_scenario_number_with_an_exponent_gets_the_same_message() -> None:
    # The scenario loader's machinery reads briefs; its whole numbers say the same.
    from coach.scenario.loader import parse_text

    scenario = (Path(__file__).parent / "fixtures" / "scenarios" / "minimal.yaml").read_text(
        encoding="utf-8"
    )
    assert "  patience: 3\n" in scenario
    found = [
        d.format()
        for d in parse_text(scenario.replace("  patience: 3\n", "  patience: 3e0\n")).diagnostics
    ]
    assert len(found) == 1
    assert "expected a whole number, found the text '3e0' (YAML reads a number with an " in found[0]
    assert found[0].endswith("write it as 3")
