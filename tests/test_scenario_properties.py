"""Property tests: whatever the input, the loader answers with diagnostics or
its own error type, never another exception, and never its internal-error code
(which would mean its last-resort guard had hidden a bug)."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.scenario.loader import ScenarioLoadError, load_text, parse_bytes, parse_text
from coach.scenario.model import Scenario
from coach.scenario.validate import check_text

MINIMAL = (Path(__file__).parent / "fixtures" / "scenarios" / "minimal.yaml").read_text(
    encoding="utf-8"
)
LINES = MINIMAL.splitlines(keepends=True)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_well_behaved(text: str) -> None:
    loaded = check_text(text, "prop.yaml")
    assert all(d.code != "S000" for d in loaded.diagnostics), loaded.diagnostics
    # YAML breaks lines at \r, NEL and the Unicode separators as well as \n.
    n_lines = sum(text.count(c) for c in "\n\r\x85\u2028\u2029") + 2
    for d in loaded.diagnostics:
        # A real position for every problem in a file, whole-file ones at 1:1.
        assert 1 <= d.line <= n_lines and d.col >= 1
        assert "\n" not in d.message
    assert (loaded.scenario is None) == any(d.is_error for d in loaded.diagnostics)
    try:
        scenario = load_text(text, "prop.yaml")
    except ScenarioLoadError as error:
        assert error.diagnostics and "\n" not in str(error)
    else:
        assert isinstance(scenario, Scenario)


@SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    loaded = parse_bytes(data, "prop.yaml")
    assert all(d.code != "S000" for d in loaded.diagnostics)
    assert all(d.line >= 1 and d.col >= 1 for d in loaded.diagnostics)
    assert loaded.scenario is None or not any(d.is_error for d in loaded.diagnostics)


@SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text(text: str) -> None:
    assert_well_behaved(text)


_YAML_TEXT = st.sampled_from(
    ["yes", "no", "on", "1:30", "2026-05-01", "~", "", "{x}", "*a", "&a", "[", "<<", "-", ":"]
) | st.text(max_size=12)
_SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _YAML_TEXT
_DATA = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "nodes", "when", "goto", "ceo", "missing", "flag", "all"])
            | st.text(max_size=8),
            inner,
            max_size=4,
        )
    ),
    max_leaves=30,
)


@SETTINGS
@given(_DATA)
def test_arbitrary_yaml_documents(data: object) -> None:
    assert_well_behaved(yaml.safe_dump(data, allow_unicode=True))


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(yaml.safe_load(MINIMAL))), _DATA, max_size=6))
def test_minimal_with_keys_replaced(replacements: dict[str, object]) -> None:
    data = yaml.safe_load(MINIMAL)
    data.update(replacements)
    assert_well_behaved(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@SETTINGS
@given(
    st.integers(min_value=0, max_value=len(LINES) - 1),
    st.integers(min_value=0, max_value=40),
    st.text(max_size=20),
)
def test_minimal_with_one_line_edited(line: int, cut: int, insert: str) -> None:
    lines = list(LINES)
    lines[line] = lines[line][:cut] + insert + lines[line][cut:]
    assert_well_behaved("".join(lines))


@SETTINGS
@given(st.lists(st.integers(min_value=0, max_value=len(LINES) - 1), min_size=1, max_size=5))
def test_minimal_with_lines_deleted(deleted: list[int]) -> None:
    text = "".join(line for i, line in enumerate(LINES) if i not in set(deleted))
    assert_well_behaved(text)


def test_the_unedited_minimal_is_clean() -> None:
    assert parse_text(MINIMAL).diagnostics == []
