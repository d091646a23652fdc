"""Bad input never crashes the scorer, never hangs it, and never bends a span:
``text[start:end] == evidence`` for every element span and every flag.

The time limits here only catch hangs (catastrophic backtracking turns milliseconds
into minutes); speed targets live in scripts/bench.py.
"""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coach.scoring import lexicon
from coach.scoring.names import ELEMENTS, FLAG_CODES
from coach.scoring.result import AnswerResult
from coach.scoring.scorer import score_answer

MAIN = ["impact", "timeline", "mitigation", "root_cause", "next_update"]

# Pieces that exercise the grammar: numbers, units, times, negations, hedges.
WORDS = [
    "we",
    "paused",
    "not",
    "rolled back",
    "1,200",
    "users",
    "$4.1M",
    "ETH",
    "by",
    "5 pm",
    "within",
    "4-6 hours",
    "because",
    "caused by",
    "soon",
    "maybe",
    "could",
    "potentially",
    "sorry",
    "legal",
    "informed",
    "I'll",
    "update you",
    "at",
    "11:00",
    "ETA",
    "~35",
    "%",
    "half",
    "of",
    "our",
    "customers",
    "don't",
    "know",
    "yet",
    "root cause",
    "HTTP",
    "500",
    "v2.3.1",
    "INC-4821",
    "two",
    "engineers",
    "if",
    "had",
    "would have",
    ".",
    ",",
    ";",
    "?",
    "\n",
    "—",
    "’",
    "e.g.",
    "a.m.",
    "k8s",
    "RPC",
    "🙂",
    "שלום",
    "é",
    "\u0301",
    "\x1b[31m",
    "\x1b]0;x\x07",
    "\x00",
    "\r",
    "\t",
    "\u202e",
    "\ufeff",
    "İ",
]


def check(text: str, result: AnswerResult) -> None:
    assert 0 <= result.score <= 100
    assert set(result.elements) == set(ELEMENTS)
    for element in result.elements.values():
        assert element.evidence == [s.text for s in element.spans]
        for span in [*element.spans, *element.planned]:
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text
    for flag in result.flags:
        assert flag.code in FLAG_CODES
        assert 0 <= flag.start <= flag.end <= len(text)
        assert text[flag.start : flag.end] == flag.evidence
    for q in result.quantities:
        assert text[q.start : q.end] == q.text
    assert all(0 <= v <= 100 for v in result.dimensions.values())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_text(text: str) -> None:
    check(text, score_answer(text, expects=MAIN, budget=40))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join))
def test_grammar_soup(text: str) -> None:
    earlier = [score_answer("We lost 1,200 ETH. The fix takes 4 hours.")]
    check(text, score_answer(text, expects=MAIN, role="blockchain", earlier=earlier))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join))
@example("Nothing's been done yet. I need your OK first.")
def test_hit_lists_are_sorted_by_start(text: str) -> None:
    # The detectors bisect the hit lists by start, so each must be in order (a phrase
    # inside a longer one is looked at once, before the next match).
    for cat, hits in lexicon.scanner().scan(text.lower()).items():
        starts = [h.start for h in hits]
        assert starts == sorted(starts), cat


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2000))
def test_binary_junk(data: bytes) -> None:
    text = data.decode("utf-8", errors="replace")
    check(text, score_answer(text, expects=MAIN))
    latin = data.decode("latin-1")
    check(latin, score_answer(latin, expects=MAIN))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\t  \r\n",
        "🙂" * 500,
        "שלום עולם. we paused 1,200 users",
        "e\u0301" * 1000,
        "\x1b[31mWe lost 1,200 ETH\x1b[0m\x07\x00",
        "İİİ We paused the bridge. İ 1,200 users",
        "ß" * 100 + " We rolled back.",
    ],
)
def test_edge_cases(text: str) -> None:
    check(text, score_answer(text, expects=MAIN))


def _timed(text: str) -> float:
    start = time.perf_counter()
    check(text, score_answer(text, expects=MAIN, budget=90))
    return time.perf_counter() - start


@pytest.mark.parametrize(
    "text",
    [
        "x" * 100_000,
        "1" * 100_000,
        "1," * 50_000,
        "a " * 50_000,
        "we paused " * 10_000,
        "not " * 25_000,
        ("could potentially " * 6_000),
        "1.2.3." * 16_000,
        "$" * 100_000,
        "- " * 50_000,
        "rolled " + "the " * 30_000 + "back",
        "if had would have " * 5_000,
    ],
    ids=lambda t: repr(t[:12]),
)
def test_a_100000_character_line_does_not_hang(text: str) -> None:
    assert len(text) >= 90_000
    assert _timed(text) < 15  # a hang guard, not a speed target


def test_a_megabyte_of_text_does_not_hang() -> None:
    sentence = (
        "We lost 1,240 ETH; we paused the bridge at 09:12 and expect recovery within 4 hours. "
    )
    text = sentence * (1_000_000 // len(sentence) + 1)
    assert len(text) >= 1_000_000
    assert _timed(text) < 60  # a hang guard, not a speed target


NESTED = re.compile(r"\((?:[^()\\]|\\.)*[+*}]\)(?:[+*]|\{\d*,\d*\})")


def test_data_patterns_have_no_nested_open_quantifiers() -> None:
    """A group that ends in a quantifier and is itself repeated is the classic shape
    of catastrophic backtracking; gap patterns must be bounded or possessive."""
    for pattern in lexicon.patterns():
        source = pattern.regex.pattern
        for match in NESTED.finditer(source):
            inner = match.group()
            assert "++" in inner or re.search(r"\{\d+,\d+\}\??$", inner), (
                pattern.category,
                inner,
            )
