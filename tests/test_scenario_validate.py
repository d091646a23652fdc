"""One test per diagnostic code, run from the examples in scenarios/README.md.

The authoring guide shows, for every code, a mistake and its fix as YAML
fragments that replace top-level keys of the guide's complete example. This
test parses those examples out of the guide, so the documentation and the
checks cannot drift apart: each mistake must report exactly its code, and each
fix must report nothing at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from coach.cli import main
from coach.scenario.diagnostics import CODES
from coach.scenario.loader import SourceMap, read_path
from coach.scenario.model import Scenario
from coach.scenario.validate import check_paths, check_text, validate

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "scenarios" / "README.md"
MINIMAL = ROOT / "tests" / "fixtures" / "scenarios" / "minimal.yaml"
MODELINE = "# yaml-language-server:"

_HEADING = re.compile(r"^### (S\d{3}) (\S+)\s*$", re.MULTILINE)
_MARKER = re.compile(r"<!-- (base|mistake|fix|no example)(?:: ([^>]*?))? -->")
_FENCE = re.compile(r"\s*```yaml\n(.*?)```", re.DOTALL)
_CONSOLE = re.compile(r"\s*```console\n\$ (.*?)\n(.*?)```", re.DOTALL)
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


@dataclass
class Example:
    code: str
    name: str
    mistake: str | None = None
    mistake_is_file: bool = False
    generated: bool = False
    #: For a generated mistake: the documented command line and what it prints.
    command: str = ""
    output: str = ""
    also: set[str] = field(default_factory=set)
    fix: str | None = None
    fix_is_base: bool = False
    documented_without_example: bool = False


def _block_after(text: str, end: int) -> str | None:
    match = _FENCE.match(text, end)
    return match.group(1) if match else None


def parse_guide(text: str) -> tuple[str, dict[str, Example]]:
    base = None
    for marker in _MARKER.finditer(text):
        if marker.group(1) == "base":
            base = _block_after(text, marker.end())
            break
    assert base is not None, "the guide's complete example (<!-- base -->) is missing"
    examples: dict[str, Example] = {}
    headings = list(_HEADING.finditer(text))
    for i, heading in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        section = text[heading.end() : end]
        example = Example(heading.group(1), heading.group(2))
        for marker in _MARKER.finditer(section):
            kind, option = marker.group(1), (marker.group(2) or "").strip()
            block = _block_after(section, marker.end())
            if kind == "no example":
                example.documented_without_example = True
            elif kind == "mistake":
                if option == "generated":
                    example.generated = True
                    console = _CONSOLE.match(section, marker.end())
                    assert console is not None, f"{example.code}: no console block"
                    example.command, example.output = console.group(1), console.group(2)
                    continue
                example.mistake_is_file = option == "file"
                if option.startswith("also "):
                    example.also = set(option.removeprefix("also ").split())
                example.mistake = block
            elif kind == "fix":
                example.fix_is_base = option == "base"
                example.fix = block
        examples[example.code] = example
    return base, examples


def top_level_blocks(text: str) -> list[tuple[str | None, str]]:
    """Split YAML text into (top-level key, lines) blocks; leading comments have key None."""
    blocks: list[tuple[str | None, str]] = []
    key: str | None = None
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        match = _TOP_KEY.match(line)
        if match:
            if lines:
                blocks.append((key, "".join(lines)))
            key, lines = match.group(1), [line]
        else:
            lines.append(line)
    if lines:
        blocks.append((key, "".join(lines)))
    return blocks


def overlay(base: str, fragment: str) -> str:
    """``base`` with each top-level key of ``fragment`` replacing the same key,
    keeping the fragment's text as written (so ``no`` and duplicate keys survive)."""
    replacements: dict[str | None, list[str]] = {}
    for key, block in top_level_blocks(fragment):
        replacements.setdefault(key, []).append(block)
    out: list[str] = []
    for key, block in top_level_blocks(base):
        if key is not None and key in replacements:
            out.extend(replacements.pop(key))
        else:
            out.append(block)
    for blocks in replacements.values():
        out.extend(blocks)
    return "".join(out)


BASE, EXAMPLES = parse_guide(GUIDE.read_text(encoding="utf-8"))
RUNNABLE = sorted(code for code, e in EXAMPLES.items() if e.mistake is not None)


def codes_for(text: str) -> list[str]:
    return [d.code for d in check_text(text, "example.yaml").diagnostics]


def test_every_code_has_a_section_in_the_guide() -> None:
    assert sorted(EXAMPLES) == sorted(CODES)
    for code, example in EXAMPLES.items():
        assert example.name == CODES[code].name, code


def test_the_guide_table_lists_every_code_with_its_severity() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    for code in CODES.values():
        row = f"| `{code.code}` | {code.name} | {code.severity} |"
        assert row in text, row


def test_every_code_has_an_example_or_says_why_not() -> None:
    for code, example in EXAMPLES.items():
        kinds = [example.mistake is not None, example.generated, example.documented_without_example]
        assert sum(kinds) == 1, f"{code}: needs exactly one of a mistake, generated, no example"
        if example.mistake is not None:
            assert example.fix is not None or example.fix_is_base, f"{code}: no fix"


def test_the_complete_example_is_the_minimal_fixture() -> None:
    lines = [line for line in BASE.splitlines() if not line.startswith(MODELINE)]
    assert "\n".join(lines) + "\n" == MINIMAL.read_text(encoding="utf-8")
    assert BASE.startswith(MODELINE)


def test_the_complete_example_is_clean() -> None:
    assert codes_for(BASE) == []


@pytest.mark.parametrize("code", RUNNABLE)
def test_the_documented_mistake_reports_its_code(code: str) -> None:
    example = EXAMPLES[code]
    assert example.mistake is not None
    text = example.mistake if example.mistake_is_file else overlay(BASE, example.mistake)
    found = codes_for(text)
    assert code in found, f"{code} not reported; got {found}"
    assert set(found) <= {code} | example.also, f"{code}: unexpected codes {found}"


@pytest.mark.parametrize("code", RUNNABLE)
def test_the_documented_fix_is_clean(code: str) -> None:
    example = EXAMPLES[code]
    text = BASE if example.fix_is_base else overlay(BASE, example.fix or "")
    assert codes_for(text) == []


def _write_generated(code: str, path: Path) -> None:
    """Make the file or directory the documented command is run on."""
    if code == "S001":
        return  # the mistake is that it does not exist
    if code == "S002":
        path.mkdir()
        (path / "notes.txt").write_text("not a scenario\n")
    elif code == "S003":
        # 20.0 MB, as the guide prints it.
        with path.open("wb") as handle:
            handle.write(b"log: " + b"x" * (20_000_000 - 6) + b"\n")
    elif code == "S004":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    else:
        raise AssertionError(f"no generator for {code}")


GENERATED = sorted(code for code, e in EXAMPLES.items() if e.generated)


def test_the_generated_examples_are_the_file_level_codes() -> None:
    assert GENERATED == ["S001", "S002", "S003", "S004"]


@pytest.mark.parametrize("code", GENERATED)
def test_generated_mistakes_print_what_the_guide_shows(
    code: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run the guide's command on the file it describes; the output is the guide's."""
    example = EXAMPLES[code]
    argv = example.command.split()
    assert argv[:2] == ["coach", "validate"] and len(argv) == 3, example.command
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    _write_generated(code, tmp_path / argv[2])
    status = main(argv[1:])
    out = capsys.readouterr().out
    assert status == 1
    assert out.splitlines()[0] == example.output.strip()
    report = check_paths([argv[2]])
    assert [(d.code, d.line, d.col) for d in report.diagnostics] == [(code, 1, 1)]


# -- details the examples do not pin down ------------------------------------------


def _minimal() -> str:
    return MINIMAL.read_text(encoding="utf-8")


def test_positions_point_at_the_mistake() -> None:
    text = overlay(BASE, EXAMPLES["S202"].mistake or "")
    [diagnostic] = check_text(text, "x.yaml").diagnostics
    line = text.splitlines()[diagnostic.line - 1]
    assert line[diagnostic.col - 1 :].startswith("unconvinved")
    assert "did you mean 'unconvinced'?" in diagnostic.message


def test_errors_and_warnings_are_kept_apart() -> None:
    text = overlay(BASE, EXAMPLES["S204"].mistake or "")
    loaded = check_text(text, "x.yaml")
    [warning] = loaded.diagnostics
    assert warning.severity == "warning"
    assert loaded.scenario is not None  # warnings do not stop a scenario from loading
    report_ok = not any(d.is_error for d in loaded.diagnostics)
    assert report_ok


def test_unreachable_node_is_reported() -> None:
    text = _minimal().replace("        goto: impact-follow-up\n", "        goto: next-steps\n")
    found = check_text(text, "x.yaml").diagnostics
    assert [(d.code, "impact-follow-up" in d.message) for d in found] == [("S204", True)]


def test_start_must_name_a_node() -> None:
    text = _minimal().replace("nodes:\n", "start: openin\nnodes:\n", 1)
    [d] = check_text(text, "x.yaml").diagnostics
    assert d.code == "S202" and "did you mean 'opening'?" in d.message


def test_a_node_and_an_ending_share_the_id_namespace() -> None:
    text = _minimal().replace("  - id: trusted\n", "  - id: opening\n")
    codes = {d.code for d in check_text(text, "x.yaml").diagnostics}
    assert "S201" in codes


def test_unknown_variable_in_adjust_and_set() -> None:
    text = _minimal().replace("adjust: {patience: -1}", "set: {trust: 2}")
    found = check_text(text, "x.yaml").diagnostics
    assert {d.code for d in found} == {"S207"}
    assert all("'trust'" in d.message and "variables:" in d.message for d in found)


def test_unknown_element_and_flag_names_have_did_you_mean() -> None:
    text = _minimal().replace("{flag: blame}", "{flag: blam}")
    text = text.replace("expects: [next_update, prevention]", "expects: [next_update, prevension]")
    found = check_text(text, "x.yaml").diagnostics
    assert [d.code for d in found] == ["S207", "S207"]
    assert "did you mean 'blame'?" in found[0].message
    assert "did you mean 'prevention'?" in found[1].message


def test_patience_cannot_be_declared_as_a_variable() -> None:
    text = _minimal().replace("nodes:\n", "variables:\n  patience: 5\nnodes:\n", 1)
    [d] = check_text(text, "x.yaml").diagnostics
    assert d.code == "S105" and "ceo.patience" in d.message


def test_unbalanced_brace_and_empty_placeholder() -> None:
    text = _minimal().replace("Come back when you know", "Come back {when you know")
    [d] = check_text(text, "x.yaml").diagnostics
    assert d.code == "S208" and "{{" in d.message
    text = _minimal().replace("Come back when you know", "Come back {} when you know")
    [d] = check_text(text, "x.yaml").diagnostics
    assert d.code == "S208" and "empty placeholder" in d.message


def test_literal_braces_are_fine() -> None:
    text = _minimal().replace("Come back when you know", "Come back {{soon}} when you know")
    assert check_text(text, "x.yaml").diagnostics == []


def test_blank_text_is_empty() -> None:
    summary = "summary: A release broke card payments for a while. Tell the CEO what happened."
    text = _minimal().replace(summary, "summary: '   '")
    [d] = check_text(text, "x.yaml").diagnostics
    assert (d.code, d.line) == ("S211", 6)


def test_missing_expected_at_a_node_that_expects_nothing_is_dead() -> None:
    text = _minimal().replace(
        "    expects: [impact, mitigation]\n    budget: 80\n", "    budget: 80\n"
    )
    found = check_text(text, "x.yaml").diagnostics
    assert [d.code for d in found] == ["S213"]
    assert "expects nothing" in found[0].message


def test_a_repeated_condition_is_dead() -> None:
    repeated = "      - when: {flag: blame}\n        goto: unconvinced\n"
    missing = "      - when: {missing: expected}\n"
    text = _minimal().replace(missing, repeated + missing)
    found = check_text(text, "x.yaml").diagnostics
    assert [d.code for d in found] == ["S213"]
    assert "same condition" in found[0].message


def test_validate_works_without_a_source_map() -> None:
    scenario = read_path(MINIMAL).scenario
    assert scenario is not None
    data = scenario.model_dump(by_alias=True)
    data["endings"].append({**data["endings"][0], "id": "spare"})
    broken = Scenario.model_validate(data)
    [d] = validate(broken, SourceMap(), "model")
    assert (d.code, d.line, d.col) == ("S204", 0, 0)


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    text = (
        _minimal()
        .replace("summary: A release", "summry: A release")
        .replace("difficulty: easy", "difficulty: eazy")
        .replace("patience: 3", "patience: high")
    )
    codes = sorted(d.code for d in check_text(text, "x.yaml").diagnostics)
    assert codes == ["S101", "S103", "S105"]


def _with_brief(wording: str) -> str:
    return _minimal().replace(
        "    refunds: not decided yet\n",
        f"    refunds: not decided yet\n  with_brief:\n{wording}",
        1,
    )


def test_with_brief_may_not_reword_what_a_brief_fills() -> None:
    [d] = check_text(_with_brief("    system: our platform\n"), "x.yaml").diagnostics
    assert d.code == "S214" and "a brief fills it already" in d.message


def test_with_brief_wording_names_only_brief_fields() -> None:
    [d] = check_text(_with_brief('    refunds: "{plan} and {refunds}"\n'), "x.yaml").diagnostics
    assert d.code == "S214" and "{refunds}" in d.message and "{system}" in d.message
    assert check_text(_with_brief('    refunds: "{plan}"\n'), "x.yaml").diagnostics == []


def test_a_placeholder_inside_a_fact_is_reported() -> None:
    text = _minimal().replace("    refunds: not decided yet\n", "    refunds: '{system} refunds'\n")
    [d] = check_text(text, "x.yaml").diagnostics
    assert d.code == "S208" and "not filled inside a fact" in d.message
