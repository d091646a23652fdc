"""The loader: bytes, YAML and shape problems, each as a positioned diagnostic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from coach.errors import CoachError
from coach.scenario import loader
from coach.scenario.loader import (
    MAX_BYTES,
    MAX_DEPTH,
    ScenarioLoadError,
    load_path,
    load_text,
    parse_bytes,
    parse_text,
    read_path,
)

MINIMAL = Path(__file__).parent / "fixtures" / "scenarios" / "minimal.yaml"
BROKEN = Path(__file__).parent / "fixtures" / "scenarios" / "broken"


def minimal() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def codes(text: str) -> list[str]:
    return [d.code for d in parse_text(text, "t.yaml").diagnostics]


def only(text: str) -> loader.Diagnostic:
    diagnostics = parse_text(text, "t.yaml").diagnostics
    assert len(diagnostics) == 1, [d.format() for d in diagnostics]
    return diagnostics[0]


def test_minimal_loads() -> None:
    scenario = load_path(MINIMAL)
    assert scenario.id == "minimal"
    assert [n.id for n in scenario.nodes] == ["opening", "impact-follow-up", "next-steps"]
    assert scenario.facts["refunds"] == "not decided yet"


def test_load_errors_are_coach_errors_with_one_line() -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        load_text(minimal().replace("version: 1", "version: one"), "bad.yaml")
    assert isinstance(caught.value, CoachError)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("bad.yaml:2:10: S103 version: expected a whole number")


def test_summary_counts_the_other_problems() -> None:
    text = minimal().replace("version: 1", "version: one").replace("easy", "eazy")
    with pytest.raises(ScenarioLoadError) as caught:
        load_text(text, "bad.yaml")
    assert len(caught.value.diagnostics) == 2
    assert "(and 1 more; run `coach validate bad.yaml`)" in str(caught.value)


# -- bytes --------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    [d] = read_path(tmp_path / "nope.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("S001", 1, 1)
    assert d.format() == f"{tmp_path / 'nope.yaml'}:1:1: S001 no such file; check the path"


def test_directory_given_as_a_file(tmp_path: Path) -> None:
    [d] = read_path(tmp_path).diagnostics
    assert d.code == "S002"


def test_twenty_megabytes_is_refused_without_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: b\n" * (4 * 1024 * 1024))
    [d] = read_path(big).diagnostics
    assert d.code == "S003"
    assert "21.0 MB" in d.message and "at most 1 MB" in d.message


def test_size_limit_applies_to_bytes_too() -> None:
    [d] = parse_bytes(b"#" * (MAX_BYTES + 1)).diagnostics
    assert d.code == "S003"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "a PNG image"),
        (b"%PDF-1.7\n", "a PDF document"),
        (b"PK\x03\x04rest", "a zip archive"),
        (b"\x1f\x8b\x08\x00", "a gzip archive"),
        (b"id: x\x00\x00\x01", "binary file"),
    ],
)
def test_binary_and_other_formats(data: bytes, words: str) -> None:
    [d] = parse_bytes(data, "f.yaml").diagnostics
    assert d.code == "S004" and words in d.message


def test_nul_bytes_point_at_the_first_one() -> None:
    [d] = parse_bytes(b"id: minimal\ntitle: ab\x00cd\x00\n", "f.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("S004", 2, 10)


@pytest.mark.parametrize(
    ("text", "line", "col", "char"),
    [
        ("id: x\x07\n", 1, 6, "U+0007"),
        ("id: caf\u00e9\ntitle: ok \x1b[31mred\n", 2, 11, "U+001B"),
    ],
)
def test_control_characters_point_at_themselves(text: str, line: int, col: int, char: str) -> None:
    """libyaml counts UTF-8 bytes; the position is in characters all the same."""
    d = only(text)
    assert (d.code, d.line, d.col) == ("S006", line, col)
    assert text.splitlines()[line - 1][col - 1] in "\x07\x1b"
    assert char in d.message and "remove it" in d.message
    assert "<unicode string>" not in d.message


def test_non_utf8_points_at_the_bad_byte() -> None:
    [d] = parse_bytes(b"id: minimal\ntitle: caf" + b"\xe9\n", "f.yaml").diagnostics
    assert (d.code, d.line, d.col) == ("S004", 2, 11)
    assert "0xe9" in d.message and "UTF-8" in d.message


def test_utf8_bom_and_utf16_are_read() -> None:
    assert parse_bytes(b"\xef\xbb\xbf" + minimal().encode()).scenario is not None
    assert parse_bytes(minimal().encode("utf-16")).scenario is not None


def test_json_object_is_yaml() -> None:
    data = yaml.safe_load(minimal())
    assert parse_text(json.dumps(data), "f.json").scenario is not None


# -- YAML -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n", "---\n", "---\n...\n"])
def test_empty_files(text: str) -> None:
    d = only(text)
    assert (d.code, d.line, d.col) == ("S005", 1, 1)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("- id: a\n- id: b\n", "holds a list;"),
        ('[{"id": "a"}]', "looks like JSON"),
        ("just some words\n", "a single value (the text 'just some words')"),
        ("42\n", "a single value (a number (42))"),
        ("<html><body>hi</body></html>\n", "Is this really a scenario file?"),
    ],
)
def test_top_level_must_be_a_mapping(text: str, words: str) -> None:
    d = only(text)
    assert d.code == "S008" and words in d.message


def test_syntax_error_has_position() -> None:
    d = only("id: x\ntitle: [unclosed\nrole: y\n")
    assert d.code == "S006" and d.line == 3
    assert d.message.startswith("YAML syntax:")


@pytest.mark.parametrize(
    ("line", "advice"),
    [
        ("summary: Note: the fix is out", "a value holding ': ' must be quoted"),
        ("summary: {system} broke", "a value that starts with a quote, { or [ must end with it"),
        ("title: 'It's down'", "'' is an apostrophe inside '...'"),
        ("summary: `deploy` failed", "quote a value that starts with ` or @"),
        ("title Checkout errors", "a key needs ':' after it"),
        ("summary: - it broke", "quote a value that starts with '- '"),
        ('title: "Checkout errors', "a value that starts with a quote, { or [ must end with it"),
        ("title: [Checkout errors", "a bracket or brace is never closed"),
    ],
)
def test_common_syntax_errors_say_what_to_do(line: str, advice: str) -> None:
    """libyaml names its own state ("did not find expected key"); the message
    adds what the author most likely has to change."""
    key = line.split(":")[0].split()[0]
    text = "".join(
        line + "\n" if old.startswith(key + ":") else old for old in minimal().splitlines(True)
    )
    d = only(text)
    assert d.code == "S006" and advice in d.message, d.message


def test_a_quote_left_open_at_the_end() -> None:
    d = only(minimal() + 'triggers: "unfinished\n')
    assert d.code == "S006" and "a quote or bracket is never closed" in d.message


def test_another_format_is_not_yaml() -> None:
    d = only("[section]\nkey = value\n")
    assert d.code == "S006" and "does not look like YAML" in d.message


def test_text_with_a_colon_read_as_a_mapping() -> None:
    text = minimal().replace("  - Lead with the customer impact", "  - Lead: the customer impact")
    d = only(text)
    assert d.code == "S103" and d.message.endswith("text that holds ': ' must be quoted")


def test_tab_indentation_is_explained() -> None:
    d = only("id: x\nceo:\n\tname: y\n")
    assert d.code == "S006" and "tab" in d.message


def test_second_document() -> None:
    d = only("id: a\n---\nid: b\n")
    assert (d.code, d.line) == ("S006", 2)


def test_alias_to_unknown_or_own_anchor() -> None:
    assert codes("a: *nowhere\n") == ["S006"]
    assert codes("a: &self [*self]\n") == ["S006"]


def test_alias_bomb_is_refused() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for name, prev in zip("bcdefghi", "abcdefgh", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    d = only("\n".join(lines) + "\n")
    assert d.code == "S007" and "aliases" in d.message
    # It stops at the line that crossed the limit, long before the last one.
    assert d.line < len(lines)


def test_too_many_values_without_aliases_is_not_blamed_on_aliases() -> None:
    text = "".join(f"k{i}: {i}\n" for i in range(60_000))  # 0.8 MB: under the size limit
    d = only(text)
    assert d.code == "S007" and "alias" not in d.message
    assert "more than 100,000 values" in d.message and "is this really a scenario" in d.message
    assert d.line == 50_000  # where the count crossed the limit


def test_a_few_aliases_are_fine() -> None:
    text = minimal().replace(
        "  - Lead with the customer impact, in numbers.",
        "  - &impact Lead with the customer impact, in numbers.\n  - *impact",
    )
    scenario = load_text(text)
    assert scenario.checklist[0] == scenario.checklist[1]


def test_merge_keys_work_and_keep_positions() -> None:
    text = minimal().replace(
        "ceo:\n  name: Dana Reyes\n  style: Brisk, wants numbers first.\n  patience: 3\n",
        "ceo:\n  <<: {name: Dana Reyes, style: Brisk, patience: 3}\n  patience: 4\n",
    )
    assert load_text(text).ceo.patience == 4
    d = only(text.replace("style: Brisk,", "stile: Brisk,"))
    assert d.code == "S101" and "did you mean 'style'?" in d.message and d.line == 8


@pytest.mark.parametrize("opener", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused_quickly(opener: str) -> None:
    # libyaml's own composer would overflow the C stack on this; the parser is quadratic.
    d = only(opener * 500_000)
    assert d.code == "S007" and str(MAX_DEPTH) in d.message


def test_duplicate_keys_are_reported_with_both_lines() -> None:
    d = only(minimal().replace("version: 1\n", "version: 1\nversion: 2\n"))
    assert (d.code, d.line, d.col) == ("S009", 3, 1)
    assert "first at line 2" in d.message


def test_python_tags_are_refused_not_constructed() -> None:
    d = only(
        minimal().replace("title: Checkout", "title: !!python/object/apply:os.system Checkout")
    )
    assert d.code == "S010" and "!!python/object/apply:os.system" in d.message


def test_keys_are_always_text() -> None:
    # `on:` would be the key True in YAML 1.1; as a glossary term it must stay "on".
    text = minimal().replace("  rollback: Going", "  on: A state.\n  rollback: Going")
    assert "on" in load_text(text).glossary


def test_a_list_as_key_is_refused() -> None:
    assert "S103" in codes(minimal().replace("version: 1\n", "version: 1\n? [a, b]\n: c\n"))


# -- shape ------------------------------------------------------------------------------


def test_unknown_key_suggests_and_does_not_repeat_as_missing() -> None:
    d = only(minimal().replace("summary: A release", "summry: A release"))
    assert (d.code, d.line, d.col) == ("S101", 6, 1)
    assert d.message == "unknown key 'summry'; did you mean 'summary'?"


def test_unknown_key_lists_allowed_keys_when_nothing_is_close() -> None:
    d = only(minimal().replace("  patience: 3", "  patience: 3\n  zzz: 1"))
    assert d.code == "S101"
    assert "allowed here: name, style, patience" in d.message


def test_two_kinds_in_one_condition() -> None:
    d = only(minimal().replace("{missing: expected}", "{missing: expected, flag: hedging}"))
    assert d.code == "S101" and "all: [...]" in d.message


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("{flag: blame}", "{flag: blam}", "S207", "unknown flag 'blam'; did you mean 'blame'?"),
        ("{missing: expected}", "{missing: expectd}", "S207", "did you mean 'expected'?"),
        ("{missing: expected}", "{mising: expected}", "S106", "did you mean 'missing'?"),
        ("{missing: expected}", "{variable: patience}", "S106", "did you mean 'var'?"),
        ("{missing: expected}", "hedging", "S106", "a condition is a mapping"),
        ("{var: patience, lte: 0}", "{var: patience}", "S105", "needs at least one of eq"),
        ("verdict: poor", "verdict: pooor", "S105", "did you mean 'poor'?"),
        ("budget: 80", "budget: 2", "S105", "out of range (at least 5)"),
        ("budget: 80", "budget: 80.5", "S103", "expected a whole number"),
        ("patience: 3", "patience: '3'", "S103", "remove the quotes"),
        ("id: opening", "id: Opening Node", "S105", "not a valid id"),
        ("eta: retries finished by 18:00 today", "eta: 18:00", "S103", 'quote it: "18:00"'),
        ("eta: retries finished by 18:00 today", "eta: 2026-05-01", "S103", "a date"),
        ("title: Checkout errors after a release", "title: yes", "S104", 'quote it: "yes"'),
        ("goto: trusted", "goto: off", "S104", 'quote it: "off"'),
        ("goto: trusted", "goto:", "S211", "has no value"),
        (
            "summary: A release broke card payments for a while. Tell the CEO what happened.",
            "summary: ''",
            "S211",
            "is empty",
        ),
    ],
)
def test_shape_problems(old: str, new: str, code: str, words: str) -> None:
    d = only(minimal().replace(old, new, 1))
    assert d.code == code, d.format()
    assert words in d.message, d.message


def test_wrong_type_position_is_the_value() -> None:
    text = minimal().replace("  patience: 3", "  patience: lots")
    d = only(text)
    assert (d.line, d.col) == (10, 13)
    assert text.splitlines()[d.line - 1][d.col - 1 :] == "lots"


def test_messages_name_nodes_by_id() -> None:
    d = only(minimal().replace("{flag: hedging}", "{flag: hedgin}"))
    assert d.message.startswith("nodes[impact-follow-up].branches[0].when.flag: ")


def test_control_characters_in_keys_do_not_reach_the_message() -> None:
    d = only(minimal().replace("summary: A release", '"sum\\e[31mmary": A release'))
    assert "\x1b" not in d.message


def test_broken_fixture_reports_every_problem() -> None:
    loaded = read_path(BROKEN / "many-mistakes.yaml")
    assert [d.code for d in loaded.diagnostics] == ["S105", "S101", "S104", "S207"]
    assert loaded.scenario is None


def test_another_tools_yaml_is_not_a_scenario() -> None:
    d = only("on:\n  push:\n    branches: [main]\njobs:\n  test: {runs-on: ubuntu}\n")
    assert d.code == "S008" and "('on', 'jobs')" in d.message


def test_missing_keys_of_one_mapping_are_one_line() -> None:
    d = only("id: x\ntitle: y\nversion: 1\n")
    assert d.code == "S102"
    assert d.message.startswith("missing required keys 'role', 'difficulty', 'summary'")
    assert d.message.endswith("; add them")
