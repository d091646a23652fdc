"""``coach list``, ``validate``, ``graph`` and ``schema``, including every bad
input the issue names: each is one line of diagnostic, exit code 1, no traceback."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from coach.scenario.schema import schema_text

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "scenarios"
MINIMAL = FIXTURES / "minimal.yaml"
BROKEN = FIXTURES / "broken"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own scenarios out of these tests."""
    monkeypatch.setenv("COACH_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("COACH_SCENARIOS", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def scenario_text(scenario_id: str, title: str = "Checkout errors after a release") -> str:
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal", f"id: {scenario_id}", 1)
    return text.replace("title: Checkout errors after a release", f"title: {title}", 1)


# -- the bad inputs of the issue -------------------------------------------------------


def _bad_inputs(tmp: Path) -> dict[str, tuple[str, str]]:
    """name -> (path to validate, the code it must report)."""
    minimal = MINIMAL.read_text(encoding="utf-8")

    def write(name: str, content: str | bytes) -> str:
        path = tmp / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    big = tmp / "twenty-mb.yaml"
    with big.open("wb") as handle:
        handle.write(b"id: big\nsummary: " + b"x" * (20 * 1024 * 1024) + b"\n")
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    bomb += [
        f"{n}: &{n} [" + ", ".join([f"*{p}"] * 9) + "]"
        for n, p in zip("bcdefg", "abcdef", strict=True)
    ]
    (tmp / "empty-dir").mkdir()
    return {
        "yaml syntax error": (
            write("syntax.yaml", minimal.replace("version: 1", "version: [1")),
            "S006",
        ),
        "list at top": (write("list.yaml", "- id: minimal\n- id: other\n"), "S008"),
        "scalar at top": (write("scalar.yaml", "hello\n"), "S008"),
        "unknown key": (write("unknown.yaml", minimal.replace("summary:", "summry:", 1)), "S101"),
        "wrong type": (
            write("type.yaml", minimal.replace("patience: 3", "patience: high")),
            "S103",
        ),
        "empty file": (write("empty.yaml", ""), "S005"),
        "binary": (write("binary.yaml", b"id: x\x00\x01\x02\x03"), "S004"),
        "non-utf8": (
            write("latin1.yaml", minimal.replace("Dana", "Daña").encode("latin-1")),
            "S004",
        ),
        "20 MB file": (str(big), "S003"),
        "alias bomb": (write("bomb.yaml", "\n".join(bomb) + "\n"), "S007"),
        "dangling goto": (str(BROKEN / "dangling-goto.yaml"), "S202"),
        "duplicate ids": (str(BROKEN / "duplicate-ids.yaml"), "S201"),
        "missing path": (str(tmp / "does-not-exist.yaml"), "S001"),
        "directory with no scenarios": (str(tmp / "empty-dir"), "S002"),
        "PNG named .yaml": (write("image.yaml", b"\x89PNG\r\n\x1a\n" + bytes(64)), "S004"),
        "JSON array named .yaml": (write("array.yaml", '[{"id": "minimal"}]\n'), "S008"),
    }


BAD_INPUTS = [
    "yaml syntax error",
    "list at top",
    "scalar at top",
    "unknown key",
    "wrong type",
    "empty file",
    "binary",
    "non-utf8",
    "20 MB file",
    "alias bomb",
    "dangling goto",
    "duplicate ids",
    "missing path",
    "directory with no scenarios",
    "PNG named .yaml",
    "JSON array named .yaml",
]


def test_the_list_of_bad_inputs_is_complete(tmp_path: Path) -> None:
    assert sorted(_bad_inputs(tmp_path)) == sorted(BAD_INPUTS)


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_1(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, code = _bad_inputs(tmp_path)[name]
    status, out, err = run(capsys, "validate", path)
    assert status == 1
    assert err == ""
    lines = out.splitlines()
    assert len(lines) == 2, out  # the diagnostic, then the summary
    # path:line:col: CODE message, with a real position even for whole-file problems
    where, _, rest = lines[0].partition(f": {code} ")
    assert rest, lines[0]
    name, line, col = where.rsplit(":", 2)
    assert name == path and int(line) >= 1 and int(col) >= 1, lines[0]
    assert lines[1].startswith("1 error(s), 0 warning(s)")


def test_bad_inputs_never_print_a_traceback(tmp_path: Path) -> None:
    """The real command in a fresh process, every bad input at once."""
    inputs = _bad_inputs(tmp_path)
    paths = [path for path, _ in inputs.values()]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COACH_CONFIG_DIR": str(tmp_path)}
    env.pop("COACH_DEBUG", None)
    out = subprocess.run(
        [sys.executable, "-m", "coach", "validate", "--json", *paths],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 1
    assert "Traceback" not in out.stderr + out.stdout
    assert out.stderr == ""
    found = json.loads(out.stdout)
    assert sorted({d["code"] for d in found}) == sorted({code for _, code in inputs.values()})


# -- validate ----------------------------------------------------------------------------


def test_validate_clean_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "validate", str(MINIMAL))
    assert (status, out, err) == (0, "ok: 1 file checked, no problems\n", "")


def test_validate_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", "--json", str(BROKEN / "many-mistakes.yaml"))
    assert status == 1
    found = json.loads(out)
    assert [d["code"] for d in found] == ["S105", "S101", "S104", "S207"]
    assert set(found[0]) == {"file", "line", "col", "code", "severity", "message"}
    assert found[0]["file"] == str(BROKEN / "many-mistakes.yaml")
    assert (found[0]["line"], found[0]["col"], found[0]["severity"]) == (6, 13, "error")


def test_validate_json_clean_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", "--json", str(MINIMAL))
    assert (status, json.loads(out)) == (0, [])


def test_validate_a_directory_and_several_paths(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "validate", str(BROKEN), str(MINIMAL))
    assert status == 1
    assert out.splitlines()[-1] == "6 error(s), 0 warning(s) in 4 files"


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "unused.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "nodes:\n", "variables:\n  trust: 0\nnodes:\n", 1
    )
    path.write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 0
    assert " S212 warning: variable 'trust'" in out


def test_validate_strips_terminal_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "esc.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace("summary:", '"\\e]0;pwned\\asummary":')
    path.write_text(text, encoding="utf-8")
    status, out, _ = run(capsys, "validate", str(path))
    assert status == 1 and "\x1b" not in out and "\x07" not in out


# -- list --------------------------------------------------------------------------------


def test_list_shows_the_shipped_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "list")
    assert status == 0 and err == ""
    header = out.splitlines()[0].split()
    assert header == ["ID", "TITLE", "ROLE", "DIFFICULTY"]
    for path in (ROOT / "scenarios").glob("*.yaml"):
        assert path.stem in out


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "list", "--json")
    entries = json.loads(out)
    assert status == 0 and entries
    for entry in entries:
        assert {"id", "title", "role", "difficulty", "summary", "path"} <= set(entry)
        assert entry["overrides_shipped"] is False


def test_list_by_role(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "--scenarios", str(MINIMAL), "list", "--role", "full-stack", "--json"
    )
    assert status == 0
    entries = json.loads(out)
    assert entries and {e["role"] for e in entries} == {"full-stack"}
    assert "minimal" in {e["id"] for e in entries}


def test_list_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "list", "--role", "fullstack")
    assert status == 1
    assert err.startswith(
        "coach: no scenarios for the role 'fullstack'; did you mean 'full-stack'?"
    )
    assert len(err.splitlines()) == 1


def test_user_scenario_overrides_a_shipped_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shipped = sorted((ROOT / "scenarios").glob("*.yaml"))[0].stem
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "override.yaml").write_text(scenario_text(shipped, "My own version"), encoding="utf-8")
    status, out, _ = run(capsys, "--scenarios", str(mine), "list")
    assert status == 0
    [line] = [line for line in out.splitlines() if line.startswith(shipped + " ")]
    assert "My own version" in line and line.endswith("(overrides shipped)")
    status, out, _ = run(capsys, "list", "--json", "--scenarios", str(mine))
    [entry] = [e for e in json.loads(out) if e["id"] == shipped]
    assert entry["overrides_shipped"] is True and entry["source"] == "user"
    assert entry["path"] == str(mine / "override.yaml")


def test_user_dirs_from_env_and_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    env_a, env_b = tmp_path / "a", tmp_path / "b"
    config_scenarios = tmp_path / "config" / "scenarios"
    for directory, ident in (
        (env_a, "from-env-a"),
        (env_b, "from-env-b"),
        (config_scenarios, "from-config"),
    ):
        directory.mkdir(parents=True)
        (directory / f"{ident}.yaml").write_text(scenario_text(ident), encoding="utf-8")
    monkeypatch.setenv("COACH_SCENARIOS", os.pathsep.join([str(env_a), str(env_b)]))
    status, out, _ = run(capsys, "list", "--json")
    ids = {e["id"] for e in json.loads(out)}
    assert status == 0 and {"from-env-a", "from-env-b", "from-config"} <= ids


def test_earlier_user_dir_wins(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for directory in (first, second):
        directory.mkdir()
        (directory / "same.yaml").write_text(
            scenario_text("same", directory.name), encoding="utf-8"
        )
    _, out, _ = run(capsys, "--scenarios", str(first), "--scenarios", str(second), "list", "--json")
    [entry] = [e for e in json.loads(out) if e["id"] == "same"]
    assert entry["title"] == "first" and entry["overrides_shipped"] is False


def test_a_broken_file_does_not_hide_good_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "good.yaml").write_text(scenario_text("good"), encoding="utf-8")
    (mine / "bad.yaml").write_text("id: [unclosed\n", encoding="utf-8")
    status, out, err = run(capsys, "--scenarios", str(mine), "list")
    assert status == 1  # listed all the same, but a file could not be used
    ids = [line.split()[0] for line in out.splitlines()[1:]]
    assert "good" in ids and "bad" not in ids
    assert f"{mine / 'bad.yaml'}:2:1: S006 " in err
    assert "coach validate" in err.splitlines()[-1]


def test_same_id_twice_in_one_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.yaml").write_text(scenario_text("twin", "A"), encoding="utf-8")
    (mine / "b.yaml").write_text(scenario_text("twin", "B"), encoding="utf-8")
    _, out, err = run(capsys, "--scenarios", str(mine), "list", "--json")
    [entry] = [e for e in json.loads(out) if e["id"] == "twin"]
    assert entry["title"] == "A"
    assert f"{mine / 'b.yaml'}:1:5: S201 scenario id 'twin' is also used by a.yaml" in err


def test_missing_scenarios_dir_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "--scenarios", str(tmp_path / "nope"), "list")
    assert status == 1 and "ID" in out
    assert f"{tmp_path / 'nope'}:1:1: S001 scenario directory does not exist; check " in err


@pytest.mark.parametrize("how", ["option", "environment"])
def test_a_scenarios_dir_with_no_scenarios_is_reported(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "drafts"
    empty.mkdir()
    (empty / "notes.txt").write_text("not a scenario\n", encoding="utf-8")
    if how == "option":
        status, out, err = run(capsys, "--scenarios", str(empty), "list")
    else:
        monkeypatch.setenv("COACH_SCENARIOS", str(empty))
        status, out, err = run(capsys, "list")
    assert status == 1 and "general-critical-incident" in out
    assert err.splitlines()[0] == f"{empty}:1:1: S002 holds no scenario files (*.yaml or *.yml)"


def test_an_empty_config_dir_is_not_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config" / "scenarios").mkdir(parents=True)
    status, _, err = run(capsys, "list")
    assert (status, err) == (0, "")


def test_a_scenarios_path_that_is_some_other_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a scenario\n", encoding="utf-8")
    status, _, err = run(capsys, "--scenarios", str(notes), "list")
    assert status == 1
    assert err.startswith(f"{notes}:1:1: S002 is not a scenario directory or a *.yaml/*.yml file")


# -- graph ---------------------------------------------------------------------------------


def test_graph_mermaid_by_path(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "graph", str(MINIMAL))
    assert status == 0
    assert out.startswith("flowchart TD\n")
    assert '  n0 -->|"flag blame; patience -1"| n0' in out
    assert '  n0 -->|"missing an expected element"| n1' in out
    assert '  n2 -->|"has next_update and prevention"| e0' in out
    assert '  any -.->|"patience ≤ 0"| e1' in out


def test_graph_dot_by_id(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, "--scenarios", str(FIXTURES), "graph", "minimal", "--format", "dot"
    )
    assert status == 0
    assert out.startswith('digraph "minimal" {')
    assert '  n1 -> n1 [label="flag hedging; patience -1"];' in out
    assert '  n0 -> n2 [label="default"];' in out
    assert out.rstrip().endswith("}")


def test_graph_escapes_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "quotes.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "      - when: {missing: expected}\n",
        "      - when: {missing: expected}\n        label: 'the \"why\" <branch> #1'\n",
    )
    path.write_text(text, encoding="utf-8")
    _, mermaid, _ = run(capsys, "graph", str(path))
    assert "the #quot;why#quot; #lt;branch#gt; #35;1: missing" in mermaid
    _, dot, _ = run(capsys, "graph", str(path), "--format", "dot")
    assert 'label="the \\"why\\" <branch> #1: missing an expected element"' in dot


SHIPPED_IDS = sorted(p.stem for p in (ROOT / "scenarios").glob("*.yaml"))
NASTY_LABEL = 'a|b "q" #1 <x> [y] {z} (p) ; %% end --> o x -.- ==> :::c @ \\ /s/ \' ` &amp;'


def _nasty_scenario(tmp_path: Path) -> Path:
    """The fixture with a branch label full of both languages' special characters."""
    path = tmp_path / "nasty.yaml"
    label = json.dumps(NASTY_LABEL)  # a JSON string is a YAML double-quoted scalar
    text = MINIMAL.read_text(encoding="utf-8").replace(
        "      - when: {missing: expected}\n",
        f"      - when: {{missing: expected}}\n        label: {label}\n",
    )
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("scenario", [*SHIPPED_IDS, "nasty"])
def test_dot_output_renders_with_graphviz(
    scenario: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Graphviz itself reads the output: no syntax error and no warning."""
    dot = shutil.which("dot")
    assert dot, "graphviz's dot is needed for this test (.ci/run installs it)"
    target = str(_nasty_scenario(tmp_path)) if scenario == "nasty" else scenario
    status, out, _ = run(capsys, "graph", target, "--format", "dot")
    assert status == 0
    done = subprocess.run(
        [dot, "-Tsvg"], input=out, capture_output=True, text=True, timeout=60, check=False
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.count('class="edge"') == out.count(" -> ")
    if scenario == "nasty":
        assert "a|b &quot;q&quot; #1 &lt;x&gt; [y] {z}" in done.stdout


@pytest.mark.parametrize("scenario", [*SHIPPED_IDS, "nasty"])
def test_mermaid_labels_stay_inside_their_quotes(
    scenario: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every Mermaid label is one double-quoted string with no raw quote, angle
    bracket or '#' inside (they are entity codes), so no text can end it early.
    (Mermaid 11.17's own parser accepted every shipped graph and this label.)"""
    target = str(_nasty_scenario(tmp_path)) if scenario == "nasty" else scenario
    status, out, _ = run(capsys, "graph", target)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    shape = re.compile(
        r'^  (?:[ne]\d+|start|any)(?:\["[^"]*"\]|\("[^"]*"\)|\(\["[^"]*"\]\)|\(\("[^"]*"\)\)'
        r'|\[/"[^"]*"/\])$'
    )
    edge = re.compile(r'^  (?:[ne]\d+|start|any) -(?:->|\.->)(?:\|"([^"]*)"\|)? [ne]\d+$')
    for line in lines[1:]:
        match = edge.match(line)
        assert match or shape.match(line), line
        label = match.group(1) if match else ""
        assert not re.search(r"[<>]|#(?!quot;|lt;|gt;|35;)", label or ""), line
    if scenario == "nasty":
        assert "a|b #quot;q#quot; #35;1 #lt;x#gt;" in out


def test_graph_unknown_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--scenarios", str(FIXTURES), "graph", "minimall")
    assert status == 1 and out == ""
    assert err.startswith("coach: no scenario with the id 'minimall'; did you mean 'minimal'?")


def test_graph_of_a_directory_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "graph", str(tmp_path))
    assert (status, out) == (1, "")
    message = "S002 is a directory; give a scenario file, or validate the directory"
    assert err == f"coach: {tmp_path}:1:1: {message}\n"


def test_an_id_wins_over_a_folder_of_that_name_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "minimal").mkdir()
    (tmp_path / "drafts").mkdir()
    status, out, _ = run(capsys, "--scenarios", str(FIXTURES), "graph", "minimal")
    assert status == 0 and out.startswith("flowchart TD")
    status, _, err = run(capsys, "graph", "drafts")
    assert status == 1
    assert err.startswith("coach: drafts:1:1: S002 is a directory; give a scenario file")


def test_graph_of_a_broken_file_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "graph", str(BROKEN / "many-mistakes.yaml"))
    assert status == 1
    assert len(err.splitlines()) == 1
    assert "S105" in err and "(and 3 more; run `coach validate" in err


# -- schema ----------------------------------------------------------------------------------


def test_schema_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "schema")
    schema = json.loads(out)
    assert status == 0 and out == schema_text()
    assert schema["additionalProperties"] is False
    assert "nodes" in schema["required"]


def test_schema_to_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "scenario.schema.json"
    status, out, _ = run(capsys, "schema", "-o", str(target))
    assert (status, out) == (0, "")
    assert target.read_text(encoding="utf-8") == schema_text()


def test_schema_to_an_unwritable_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "schema", "-o", str(tmp_path / "no" / "such" / "dir.json"))
    assert status == 1 and err.startswith("coach: cannot write ") and len(err.splitlines()) == 1
