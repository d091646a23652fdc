"""Checks of an answer against the user's incident brief.

The scorer already reads every figure and time an answer states
(:attr:`AnswerResult.quantities`, built by :mod:`coach.scoring.consistency`) and
where it states a cause (the ``root_cause`` element). Given what the brief says,
this module raises two flags:

* ``contradiction``: a count, sum of money or percentage far from every brief
  figure of the same unit ("23,000 users" when the brief says 2,300; a
  percentage only against one of the same thing, by the brief figure's
  ``what``; the same number said twice is one contradiction), or a time
  outside the brief's estimate ("by tonight" when the brief says 4–6 hours, or
  says "by 16:00": a named time is judged against a clock estimate only when it is
  surely later, ``clock_after``). A
  correction in the same sentence, up to a semicolon ("now 3,100, up from
  2,300"), clears it, as in the scorer's own ``inconsistent`` check. A count that
  is a part of the affected group ("two of our biggest customers") contradicts
  only by exceeding the brief's figure. Times about something else (when the
  cause will be confirmed, the next update, a workaround) are left alone, and so
  are all of an answer's times when one of them agrees with the brief's estimate
  (the others are other steps).
* ``overclaimed_cause``: the incident's root cause stated with certainty (a
  bare claim such as "definitely", or no hedge in its sentence, nor in a sentence
  beside it that is about the cause) while the brief marks it as suspected or
  unknown (see ``_states_cause``: "because" alone does not state the root cause).
  A report that the cause has been confirmed since the brief ("we have now
  confirmed the cause: ...") is an update of the brief, as the follow-up draft
  reads it, not an overclaim. The flag points at the sentence that claims
  certainty.

:func:`apply_brief_checks` adds the flags to a scored answer with the points the
scorer's ``weights.yaml`` sets for them, so the answer's dimensions and score say
what the flags cost. Thresholds, word lists and messages are in
``data/brief_checks.yaml``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from coach.scoring import lexicon
from coach.scoring.result import AnswerResult, Deduction, Flag, Quantity
from coach.scoring.scorer import session_scores, weights
from coach.scoring.text import lower_aligned

FigureKind = Literal["count", "money", "percent"]


@dataclass(frozen=True)
class BriefFigure:
    """One impact figure of the brief, as the checks compare it."""

    kind: FigureKind
    low: float
    high: float
    #: The currency code for money; the brief's unit name otherwise.
    unit: str
    #: For counts: the nouns an answer may use for this unit ("customer", "user").
    nouns: frozenset[str]
    #: How the brief states it, for messages: "2,300 users".
    text: str
    #: For percentages: what it is a share of, as nouns ("card payment", "payment",
    #: "transaction" for "of card payments declined"); empty when the brief says not.
    base: frozenset[str] = frozenset()


@dataclass(frozen=True)
class BriefEta:
    """The brief's estimate: a duration range in hours, or a clock time."""

    text: str
    hours: tuple[float, float] | None = None
    minutes: float | None = None


@dataclass(frozen=True)
class BriefFacts:
    """What the checks need from a brief (:func:`coach.brief.facts.check_facts` builds it)."""

    figures: tuple[BriefFigure, ...] = ()
    eta: BriefEta | None = None
    cause_status: str | None = None
    #: When the brief says the cause will be confirmed ("by 15:00").
    cause_known_by: str | None = None
    #: The content words of the brief's cause ("maintenance", "table"), lower case.
    cause_terms: frozenset[str] = frozenset()


@functools.cache
def _spec() -> dict[str, Any]:
    return lexicon.load("brief_checks.yaml")


def _regex(phrases: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w'’])(?:" + lexicon.trie_regex(phrases) + r")(?![\w'’])")


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    spec = _spec()
    cats = lexicon.categories()
    tentative = [
        *spec["overclaimed_cause"]["tentative"],
        *cats.get("hypothesis", ()),
        *cats.get("unknown", ()),
    ]
    return {
        "correction": _regex(spec["contradiction"]["corrections"]),
        "not_eta": _regex(spec["contradiction"]["not_eta"]),
        "tentative": _regex(tentative),
        "certain": _regex(spec["overclaimed_cause"]["certain"]),
        "cause_word": _regex(spec["overclaimed_cause"]["cause_words"]),
        "named": _regex(spec["contradiction"]["named_windows"]),
        "after": _regex(spec["contradiction"]["clock_after"]),
        "subset": _regex(spec["contradiction"]["subset_markers"]),
        "refers": _regex(spec["overclaimed_cause"]["neighbour_refers"]),
        "future": _regex(spec["overclaimed_cause"]["future"]),
        "claim": _regex(spec["overclaimed_cause"]["cause_claims"]),
        "past": _regex(spec["contradiction"]["past_cues"]),
        "splits": re.compile(
            r"\s(?:(?:"
            + lexicon.trie_regex(spec["contradiction"]["clause_openers"])
            + r")|and\s+(?:"
            + lexicon.trie_regex(spec["contradiction"]["and_subjects"])
            + r"))(?![\w'’])"
        ),
        "link": _regex(spec["overclaimed_cause"]["cause_links"]),
        # Any of the four above, for one scan of the whole answer.
        "cue": _regex(
            [
                phrase
                for key in ("certain", "cause_claims", "cause_words", "cause_links")
                for phrase in spec["overclaimed_cause"][key]
            ]
        ),
        "confirmed": _regex(spec["overclaimed_cause"]["confirmed"]),
        "blocker": _regex(spec["overclaimed_cause"]["confirm_blockers"]),
    }


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_SEGMENT_END = re.compile(r"[.!?;](?=\s|$)|\n")
_CLAUSE_END = re.compile(r"[.!?;,:—–](?=\s|$)|\n|\s-\s|\s(?:and|but|then|so|while)\s")


@functools.lru_cache(maxsize=16)
def _ends(text: str, ends: re.Pattern[str]) -> tuple[list[int], list[int]]:
    """Where each match of ``ends`` in ``text`` starts and ends, found once per text
    (the checks ask for the bounds around many positions of the same answer; a
    string's hash is computed once, so the cache costs no rescan)."""
    starts: list[int] = []
    stops: list[int] = []
    for match in ends.finditer(text):
        starts.append(match.start())
        stops.append(match.end())
    return starts, stops


def _bounds(text: str, pos: int, ends: re.Pattern[str]) -> tuple[int, int]:
    """The part of ``text`` around ``pos`` between two matches of ``ends``."""
    starts, stops = _ends(text, ends)
    # The last match ending at or before pos (it must also start before pos) ...
    i = bisect_right(stops, pos) - 1
    start = stops[i] if i >= 0 else 0
    # ... and the first starting at or after pos.
    j = bisect_left(starts, pos)
    return start, starts[j] if j < len(starts) else len(text)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Fields(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _fill(template: str, fields: Mapping[str, str]) -> str:
    return " ".join(template.split()).format_map(_Fields(fields))


# -- contradiction ------------------------------------------------------------------


def _figure_conflict(
    q: Quantity, figures: Sequence[BriefFigure], tol: float, part: bool = False
) -> BriefFigure | None:
    """The brief figure ``q`` contradicts, or ``None`` if it agrees with one (or
    the brief has no figure of its unit). A ``part`` of the affected group agrees
    with any figure it does not exceed."""
    if q.kind == "count":
        same = [f for f in figures if f.kind == "count" and q.unit in f.nouns]
    elif q.kind == "money":
        same = [f for f in figures if f.kind == "money" and f.unit == q.unit]
    elif q.kind == "percent":
        # "82% of a normal Wednesday" is not a share of "card payments declined".
        same = [f for f in figures if f.kind == "percent" and _same_base(q.unit, f.base)]
    else:
        return None
    if not same:
        return None
    low, high = q.value, q.high if q.high is not None else q.value
    for figure in same:
        floor = 0.0 if part else figure.low * (1 - tol)
        if high >= floor and low <= figure.high * (1 + tol):
            return None
    # The nearest one is the one the speaker most likely meant.
    return min(same, key=lambda f: abs(_log_ratio(low, f.low)))


def _same_base(noun: str, base: frozenset[str]) -> bool:
    """Whether a percentage of ``noun`` can be a share of the brief figure's base."""
    if not base or not noun:
        return True
    return noun in base or noun.split()[-1] in base


def _log_ratio(a: float, b: float) -> float:
    import math

    return math.log(max(a, 1e-9) / max(b, 1e-9))


#: "of our biggest customers": "of", a determiner and up to five words.
_OF_GROUP = re.compile(r"\s*of\s+(?:our|the|their|your|its)(?:\s+[a-z][a-z'’\-]*){1,5}")


def _is_part(
    low_text: str, q: Quantity, quantities: Sequence[Quantity], starts: Sequence[int]
) -> bool:
    """Whether count ``q`` is a part of the affected group, not a total (see
    ``subset_markers`` in data/brief_checks.yaml). ``quantities`` are sorted by
    start, and ``starts`` are their starts."""
    if q.kind != "count":
        return False
    s_start, s_end = _bounds(low_text, q.start, _SEGMENT_END)
    # A marker before the count ("including 12 merchants"), not after it ("230 users,
    # including 12 merchants" leaves 230 a total).
    if _patterns()["subset"].search(low_text, s_start, q.start):
        return True
    if any(
        o is not q and o.kind == "count" and o.unit == q.unit and o.value > q.value
        for o in quantities[bisect_left(starts, s_start) : bisect_left(starts, s_end)]
    ):
        return True
    after = re.match(
        r"\s+(?:of|out\s+of)\s+(?:them|those|these|whom|which|the\s+[0-9])", low_text[q.end : s_end]
    )
    if after:
        return True
    group = _OF_GROUP.match(low_text[q.end : s_end])
    if group is None:
        return False
    # The words between "of our" and the counted noun qualify the group.
    words = group.group(0).split()[2:]
    nouns = {q.unit, q.unit + "s", q.unit + "es", "people", "person"}
    if q.unit.endswith("y"):
        nouns.add(q.unit[:-1] + "ies")
    for index, word in enumerate(words):
        if word in nouns:
            neutral = set(_spec()["contradiction"]["neutral_qualifiers"])
            return any(w not in neutral for w in words[:index])
    return False


def _not_eta(low_text: str, q: Quantity) -> bool:
    """Whether time ``q`` is about something other than the fix (``not_eta``)."""
    c_start, c_end = _bounds(low_text, q.start, _CLAUSE_END)
    return _patterns()["not_eta"].search(low_text, c_start, max(c_end, q.end)) is not None


def _time_verdict(low_text: str, q: Quantity, eta: BriefEta) -> bool | None:
    """Whether time ``q`` contradicts the brief's estimate (``True``), agrees with it
    (``False``), or cannot be compared with it or is about something else (``None``)."""
    spec = _spec()["contradiction"]
    if _not_eta(low_text, q):
        return None
    if q.unit == "clock":
        if eta.minutes is None:
            return None
        return abs(q.value - eta.minutes) > float(spec["clock_minutes"])
    if eta.minutes is not None:
        # A named time against a clock estimate: only one surely later can be judged.
        earliest = _named_clock(low_text[q.start : q.end])
        if earliest is None:
            return None
        return earliest > eta.minutes + float(spec["clock_minutes"]) or None
    if eta.hours is None:
        return None
    tol = float(spec["time_tolerance"])
    brief_low, brief_high = eta.hours[0] * (1 - tol), eta.hours[1] * (1 + tol)
    if q.kind == "duration":
        window = (q.value, q.value)
    else:
        window = _named_window(low_text[q.start : q.end], q.value)
    return window[1] < brief_low or window[0] > brief_high


def _named_clock(phrase: str) -> float | None:
    """The earliest time of day a named time ("tonight") can mean, if it is listed."""
    after: dict[str, float] = _spec()["contradiction"]["clock_after"]
    found = [lexicon.norm(m.group()) for m in _patterns()["after"].finditer(phrase)]
    for key in sorted(found, key=len, reverse=True):
        if key in after:
            return float(after[key])
    return None


def _named_window(phrase: str, horizon: float) -> tuple[float, float]:
    windows: dict[str, list[float]] = _spec()["contradiction"]["named_windows"]
    found = [lexicon.norm(m.group()) for m in _patterns()["named"].finditer(phrase)]
    for key in sorted(found, key=len, reverse=True):
        if key in windows:
            low, high = windows[key]
            return float(low), float(high)
    return horizon * 0.5, horizon * 1.5


_PREPOSITION = re.compile(r"(?:by|in|within|before|until|till|at|for)\s", re.IGNORECASE)
_UNIT_WORDS = re.compile(r"\s+[^\d\s][^\d]*$")


def _figure_in_place(q: Quantity, figure: BriefFigure) -> str:
    """The brief's figure, worded to stand where the answer said ``q``: the number
    alone for a count ("2,300" in "about 23,000 users"), the amount otherwise."""
    if q.kind == "count":
        return _UNIT_WORDS.sub("", figure.text) or figure.text
    return figure.text


def _eta_in_place(low_text: str, q: Quantity, eta: BriefEta) -> str:
    """The brief's estimate, worded to stand where the answer said time ``q``: "in
    4–6 hours" for "by tonight", "4–6 hours" for "a few days" after "take"."""
    has_preposition = _PREPOSITION.match(low_text, q.start) is not None
    if eta.hours is not None:
        return f"in {eta.text}" if has_preposition else eta.text
    before = low_text[max(0, q.start - 7) : q.start]
    if not has_preposition and re.search(r"\b(?:by|at|until|before)\s+$", before):
        return _PREPOSITION.sub("", eta.text, count=1)
    return eta.text


def _correction_bounds(low_text: str, pos: int) -> tuple[int, int]:
    """The clause of the sentence (up to a semicolon) around ``pos`` that a correction
    must be in to clear a figure: split at "but", "while" ... and at "and" before a
    new subject ("23,000 users can't pay and the fix is now due at 18:00": "is now"
    corrects the time, not the count). Commas do not split: "3,100 users, up from
    2,300"."""
    lo, hi = _bounds(low_text, pos, _SEGMENT_END)
    for match in _patterns()["splits"].finditer(low_text, lo, hi):
        if match.start() < pos:
            lo = match.start()
        else:
            hi = match.start()
            break
    return lo, hi


def _vague_times(text: str, low_text: str, result: AnswerResult) -> list[Quantity]:
    """Vague times the scorer flagged that still say when ("it'll take a few days"):
    each as a named time (``named_windows``, ``clock_after``), unless its clause is in
    the past ("it has been down for a few days")."""
    windows: dict[str, list[float]] = _spec()["contradiction"]["named_windows"]
    out: list[Quantity] = []
    for flag in result.flags:
        if flag.code != "vague_time":
            continue
        key = lexicon.norm(flag.evidence)
        if key not in windows:
            continue
        c_start, _ = _bounds(low_text, flag.start, _CLAUSE_END)
        if _patterns()["past"].search(low_text, c_start, flag.start):
            continue
        low, high = windows[key]
        out.append(
            Quantity(
                kind="deadline",
                value=(float(low) + float(high)) / 2,
                unit="h",
                start=flag.start,
                end=flag.end,
                text=text[flag.start : flag.end],
            )
        )
    return out


# Digits first (no look-behind to try at every position): the character before is
# checked by the caller.
_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?(?:%|per\s?cent\b)")


def _loose_percents(
    text: str, low_text: str, quantities: Sequence[Quantity], facts: BriefFacts
) -> list[Quantity]:
    """Percentages the scorer did not read as impact ("valued 1.8% below the market")
    that name what a brief percentage is of in the words right after them: compared
    with it like the scorer's ("18% below the market price" in the brief).
    ``quantities`` are sorted by start."""
    bases = [f.base for f in facts.figures if f.kind == "percent" and f.base]
    if not bases:
        return []
    stop = set(_spec()["contradiction"]["base_stopwords"])
    out: list[Quantity] = []
    if "%" not in low_text and "cent" not in low_text:
        return []
    q_starts = [q.start for q in quantities]
    for match in _PERCENT.finditer(low_text):
        start = match.start()
        if start and (low_text[start - 1].isalnum() or low_text[start - 1] in "_.,"):
            continue  # inside a longer number or word: the "234%" of "1234%"
        i = bisect_right(q_starts, start) - 1
        if any(q.start <= start < q.end for q in quantities[max(0, i - 2) : i + 1]):
            continue
        _, c_end = _bounds(low_text, match.end(), _CLAUSE_END)
        after = [w for w in _WORD.findall(low_text, match.end(), c_end)[:4] if w not in stop]
        noun = next(
            (t for w in after for t in (w, _term(w)) if any(t in base for base in bases)), None
        )
        if noun is None:
            continue
        out.append(
            Quantity(
                kind="percent",
                value=float(match.group(1)),
                unit=noun,
                start=match.start(),
                end=match.end(),
                text=text[match.start() : match.end()],
            )
        )
    return out


def _outermost(quantities: Sequence[Quantity]) -> list[Quantity]:
    """``quantities`` without those read inside a longer one ("thousand pounds" in "40
    thousand pounds" is the same mention, not a second figure), in order of start.

    Sorted by start (longest first), a quantity is inside a longer one exactly when an
    earlier one ends after it, or ends where it does having started before it."""
    out: list[Quantity] = []
    reach, reach_start = -1, -1  # the furthest end so far, and the first start to reach it
    for q in sorted(quantities, key=lambda q: (q.start, q.start - q.end)):
        if q.end < reach or (q.end == reach and reach_start < q.start):
            continue
        out.append(q)
        if q.end > reach:
            reach, reach_start = q.end, q.start
    return out


@dataclass
class _Contradictions:
    """The contradiction flags of an answer, what each contradicts, and how many of
    the answer's figures do not contradict the brief."""

    flags: list[Flag]
    #: For each flag: "figure" or "time".
    kinds: list[str]
    #: For each flag: what the brief says in its place ("2,300" for "23,000" users,
    #: "in 4–6 hours" for "by tonight"), for rewording an example that quotes it.
    values: list[str] = field(default_factory=list)
    #: Counts, sums and percentages that agree with the brief or cannot be compared
    #: with it (impact figures that may be right).
    other_figures: int = 0


def _contradictions(
    text: str, low_text: str, result: AnswerResult, facts: BriefFacts
) -> _Contradictions:
    spec = _spec()["contradiction"]
    tol = float(spec["tolerance"])
    out = _Contradictions([], [])
    # A figure read inside a longer one ("thousand pounds" in "40 thousand pounds") is
    # the same mention, not a second figure.
    quantities = _outermost(result.quantities)
    quantities += _vague_times(text, low_text, result)
    quantities.sort(key=lambda q: q.start)
    quantities += _loose_percents(text, low_text, quantities, facts)
    quantities.sort(key=lambda q: q.start)
    starts = [q.start for q in quantities]
    times = [q for q in quantities if q.kind in ("duration", "deadline")]
    # An answer that gives the brief's estimate somewhere ("the full fix in 4 to 6
    # hours") means its other times are other steps ("a workaround in 30 minutes").
    eta = facts.eta
    eta_given = eta is not None and any(_time_verdict(low_text, q, eta) is False for q in times)
    #: Figures already flagged: the same number said twice is one contradiction.
    seen: set[tuple[str, float, float | None, str]] = set()
    other_roles = set(spec["other_money"])
    for q in quantities:
        s_start, s_end = _correction_bounds(low_text, q.start)
        is_time = q.kind in ("duration", "deadline")
        if _patterns()["correction"].search(low_text, s_start, s_end) or (
            q.kind == "money" and other_roles & set(q.referent.split("|"))
        ):
            out.other_figures += not is_time
            continue
        if is_time:
            if eta is None or eta_given or not _time_verdict(low_text, q, eta):
                continue
            brief, kind = eta.text, "time"
            value = _eta_in_place(low_text, q, eta)
        else:
            part = _is_part(low_text, q, quantities, starts)
            figure = _figure_conflict(q, facts.figures, tol, part)
            if figure is None:
                out.other_figures += 1
                continue
            brief, kind = figure.text, "figure"
            value = _figure_in_place(q, figure)
        key = (q.kind, q.value, q.high, brief)
        if key in seen:
            continue
        seen.add(key)
        fields = {"evidence": _short(q.text), "brief": brief}
        out.flags.append(
            Flag(
                code="contradiction",
                message=_fill(spec[f"{kind}_message"], fields),
                suggestion=_fill(spec[f"{kind}_suggestion"], fields),
                start=q.start,
                end=q.end,
                evidence=text[q.start : q.end],
            )
        )
        out.kinds.append(kind)
        out.values.append(value)
    return out


# -- overclaimed cause ----------------------------------------------------------------


_WORD = re.compile(r"[a-z][a-z'’\-]+")


@functools.lru_cache(maxsize=4096)
def _term(word: str) -> str:
    """A word as a cause term: without a possessive or a plural ending, so that
    "gateway's" and "gateway", "emails" and "email" are the same term."""
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending):
            word = word[: -len(ending)]
            break
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def cause_terms(cause: str) -> frozenset[str]:
    """The words of a cause worth recognising in an answer ("maintenance", "locked")."""
    stop = frozenset(_spec()["overclaimed_cause"]["stopwords"])
    return frozenset(
        _term(w) for w in _WORD.findall(cause.lower()) if len(w) >= 4 and w not in stop
    )


def _named(low_text: str, lo: int, hi: int, facts: BriefFacts) -> int:
    """How many of the brief's cause terms the text between ``lo`` and ``hi`` names."""
    if not facts.cause_terms:
        return 0
    return len(_terms_of(low_text[lo:hi]) & facts.cause_terms)


@functools.lru_cache(maxsize=256)
def _terms_of(chunk: str) -> frozenset[str]:
    return frozenset(_term(w) for w in _WORD.findall(chunk))


def _sentences(low_text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for end in _ends(low_text, _SENTENCE_END)[1]:
        if not low_text[start:end].isspace() and end > start:
            out.append((start, end))
        start = end
    if low_text[start:].strip():
        out.append((start, len(low_text)))
    return out


def _states_cause(
    low_text: str, lo: int, hi: int, spans: Sequence[tuple[int, int]], facts: BriefFacts
) -> bool:
    """Whether the sentence from ``lo`` to ``hi`` states the incident's root cause.

    Not every causal sentence does: "customers cannot pay because the gateway is
    declining cards" explains an effect. A sentence states the root cause when it
    names the brief's cause (two of its words) with a cause word or a claim of
    certainty, or after "because" (``cause_links``); names one of its words with a
    claim of certainty not about the future, or with explicit root-cause words
    ("the cause is", "caused by"); or, naming none, has explicit root-cause words
    where the scorer found a cause (a cause other than the brief's: "it was caused
    by a bad config push")."""
    patterns = _patterns()
    named = _named(low_text, lo, hi, facts)
    certain = patterns["certain"].search(low_text, lo, hi)
    claim = patterns["claim"].search(low_text, lo, hi)
    if named >= 2:
        if certain or claim or patterns["cause_word"].search(low_text, lo, hi):
            return True
        link = patterns["link"].search(low_text, lo, hi)
        return link is not None and _named(low_text, link.end(), hi, facts) >= 2
    if named == 1:
        # People name a cause by its head word ("definitely the migration"); one word
        # of it is enough beside a claim of certainty, unless the certainty is about
        # what will happen ("the migration will definitely finish by 3").
        if claim:
            return True
        return certain is not None and not patterns["future"].search(low_text, lo, hi)
    if claim is None:
        return False
    return certain is not None or any(lo <= s < hi or s <= lo < e for s, e in spans)


def _hedged(
    low_text: str,
    sentences: Sequence[tuple[int, int]],
    i: int,
    spans: Sequence[tuple[int, int]],
    facts: BriefFacts,
) -> bool:
    """Whether sentence ``i``'s cause is hedged: in the sentence itself, or in the
    one before or after when that one is about the cause (``neighbour_refers``)."""
    patterns = _patterns()
    lo, hi = sentences[i]
    if patterns["tentative"].search(low_text, lo, hi):
        return True
    for j in (i - 1, i + 1):
        if not 0 <= j < len(sentences):
            continue
        n_lo, n_hi = sentences[j]
        if not patterns["tentative"].search(low_text, n_lo, n_hi):
            continue
        if (
            patterns["refers"].search(low_text, n_lo, n_hi)
            or _named(low_text, n_lo, n_hi, facts) >= 2
            or _states_cause(low_text, n_lo, n_hi, spans, facts)
        ):
            return True
    return False


def _confirms(low_text: str, lo: int, hi: int) -> bool:
    """Whether the sentence from ``lo`` to ``hi`` reports the cause as confirmed since
    the brief ("we have now confirmed ...", "we confirmed this morning that ..."): an
    update of the brief, as the follow-up draft reads it, not an overclaim. A
    confirmation after a blocker in its clause ("we haven't confirmed", "once we
    have confirmed") is none."""
    patterns = _patterns()
    for match in patterns["confirmed"].finditer(low_text, lo, hi):
        c_start, _ = _bounds(low_text, match.start(), _CLAUSE_END)
        if not patterns["blocker"].search(low_text, max(c_start, lo), match.start()):
            return True
    return False


def _has(positions: Sequence[int], lo: int, hi: int) -> bool:
    """Whether a sorted list of positions has one in ``[lo, hi)``."""
    i = bisect_left(positions, lo)
    return i < len(positions) and positions[i] < hi


def _overclaimed(text: str, low_text: str, result: AnswerResult, facts: BriefFacts) -> list[Flag]:
    if facts.cause_status not in ("suspected", "unknown"):
        return []
    patterns = _patterns()
    # A sentence states a cause only with one of these words in it (_states_cause):
    # where the answer has none, nothing is overclaimed (most answers; found once).
    cues = [m.start() for m in patterns["cue"].finditer(low_text)]
    if not cues:
        return []
    cause = result.elements.get("root_cause")
    spans = [(s.start, s.end) for s in cause.spans] if cause is not None else []
    sentences = [
        (lo, hi) for lo, hi in _sentences(low_text) if not low_text[lo:hi].rstrip().endswith("?")
    ]
    # An answer that reports the cause confirmed has updated the brief: its other
    # sentences about the cause follow from that update.
    confirmations = [m.start() for m in patterns["confirmed"].finditer(low_text)]
    if confirmations and any(
        _has(confirmations, lo, hi)
        and _confirms(low_text, lo, hi)
        and (
            _named(low_text, lo, hi, facts) > 0
            or patterns["cause_word"].search(low_text, lo, hi) is not None
            or _states_cause(low_text, lo, hi, spans, facts)
        )
        for lo, hi in sentences
    ):
        return []
    found: list[tuple[int, int, bool]] = []
    for i, (lo, hi) in enumerate(sentences):
        if not _has(cues, lo, hi) or not _states_cause(low_text, lo, hi, spans, facts):
            continue
        certain = patterns["certain"].search(low_text, lo, hi) is not None
        if not certain and _hedged(low_text, sentences, i, spans, facts):
            continue
        found.append((lo, hi, certain))
    if not found:
        return []
    # The sentence that claims certainty is the one to point at; else the first.
    lo, hi, _ = next((f for f in found if f[2]), found[0])
    start, end = lo, hi
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return [_overclaim_flag(text, start, end, facts)]


def _overclaim_flag(text: str, start: int, end: int, facts: BriefFacts) -> Flag:
    spec = _spec()["overclaimed_cause"]
    fields = {
        "evidence": _short(text[start:end]),
        "status": "suspected, not confirmed" if facts.cause_status == "suspected" else "unknown",
        "known_by": facts.cause_known_by or spec["known_by_default"],
    }
    return Flag(
        code="overclaimed_cause",
        message=_fill(spec["message"], fields),
        suggestion=_fill(spec["suggestion"], fields),
        start=start,
        end=end,
        evidence=text[start:end],
    )


# -- public ------------------------------------------------------------------------------


def brief_flags(text: str, result: AnswerResult, facts: BriefFacts) -> list[Flag]:
    """The ``contradiction`` and ``overclaimed_cause`` flags of one scored answer."""
    contradictions, overclaims = _check(text, result, facts)
    return contradictions.flags + overclaims


def _check(
    text: str, result: AnswerResult, facts: BriefFacts
) -> tuple[_Contradictions, list[Flag]]:
    if not text.strip():
        return _Contradictions([], []), []
    low_text = lower_aligned(text)
    return (
        _contradictions(text, low_text, result, facts),
        _overclaimed(text, low_text, result, facts),
    )


def _squeeze(text: str) -> str:
    return " ".join(text.split())


def _requote(
    text: str,
    scorer_flags: Sequence[Flag],
    contradictions: _Contradictions,
    overclaims: Sequence[Flag],
) -> list[Flag]:
    """The scorer's flags, with no suggestion quoting what a brief check flagged as
    its example. A quoted contradiction ("Open with the bottom line, for example:
    'About 23,000 users could not pay'") gets the brief's figure or estimate in its
    place ("About 2,300 users could not pay"); a suggestion quoting an overclaimed
    cause gets its wording without the quote (``unquoted`` in
    data/brief_checks.yaml), or is left as it is when it has none."""
    unquoted: dict[str, str] = _spec()["unquoted"]
    # For each contradiction: its sentence's words up to and including the figure
    # (as a suggestion quotes them, spaces squeezed), and that with the brief's figure.
    swaps: list[tuple[str, str]] = []
    for flag, value in zip(contradictions.flags, contradictions.values, strict=True):
        lo, _ = _bounds(text, flag.start, _SENTENCE_END)
        before = text[max(lo, flag.start - 30) : flag.start]
        if flag.start - 30 > lo:
            before = before.split(" ", 1)[-1] if " " in before else ""
        quoted = _squeeze(before + flag.evidence)
        if quoted:
            swaps.append((quoted, quoted[: len(quoted) - len(_squeeze(flag.evidence))] + value))
    claims = [_squeeze(f.evidence)[:40] for f in overclaims]
    out: list[Flag] = []
    for flag in scorer_flags:
        suggestion = flag.suggestion
        for wrong, right in swaps:
            # Only an example quoted from the answer, not the flag's own evidence.
            if wrong in suggestion and wrong not in _squeeze(flag.evidence):
                suggestion = suggestion.replace(wrong, right)
        if flag.code in unquoted and any(claim and claim in suggestion for claim in claims):
            suggestion = _fill(unquoted[flag.code], {})
        out.append(
            flag
            if suggestion == flag.suggestion
            else flag.model_copy(update={"suggestion": suggestion})
        )
    return out


def _brief_figure_for(
    text: str, flag: Flag, facts: BriefFacts, missing: bool
) -> BriefFigure | None:
    """The brief figure a vague quantity should have been: the one counting the same
    noun; when the answer has no impact figure at all, the brief's first one."""
    words = {_term(w) for w in _WORD.findall(text[flag.start : flag.end + 30].lower())}
    counts = [f for f in facts.figures if f.kind == "count"]
    # The unit itself first ("accounts" for "lots of accounts"), then any of its nouns.
    for figure in [*(f for f in counts if _term(f.unit) in words), *counts]:
        if words & figure.nouns:
            return figure
    return facts.figures[0] if missing and facts.figures else None


def _name_the_brief(
    text: str, result: AnswerResult, flags: list[Flag], facts: BriefFacts
) -> tuple[list[Flag], list[Deduction]]:
    """Findings that ask for a figure or an estimate the brief has, naming it: a
    missing impact ("no impact in the answer: your brief has 2,300 users; say it"), a
    vague quantity ("Replace 'a number of customers' with the figure from your brief:
    '1,150 customers'"), and the same for a missing or vague timeline with the brief's
    estimate (``name_the_brief`` in data/brief_checks.yaml)."""
    words = _spec()["name_the_brief"]
    missing = set(result.missing)
    eta = facts.eta
    figures = facts.figures
    out: list[Flag] = []
    for flag in flags:
        suggestion = flag.suggestion
        if flag.code == "vague_quantity" and figures:
            figure = _brief_figure_for(text, flag, facts, "impact" in missing)
            if figure is not None:
                fields = {"evidence": flag.evidence, "brief": figure.text}
                suggestion = _fill(words["vague_quantity"], fields)
        elif flag.code == "vague_time" and eta is not None and "timeline" in missing:
            when = f"in {eta.text}" if eta.hours is not None else eta.text
            suggestion = _fill(words["vague_time"], {"evidence": flag.evidence, "brief": when})
        out.append(
            flag
            if suggestion == flag.suggestion
            else flag.model_copy(update={"suggestion": suggestion})
        )
    deductions: list[Deduction] = []
    for d in result.deductions:
        brief = ""
        if d.code == "missing:impact" and figures:
            brief = " and ".join(f.text for f in figures[:2])
            key = "missing_impact"
        elif d.code == "missing:timeline" and eta is not None:
            brief, key = eta.text, "missing_timeline"
        if brief:
            d = d.model_copy(update={"reason": _fill(words[key], {"brief": brief})})
        deductions.append(d)
    if all(a is b for a, b in zip(out, flags, strict=True)):
        out = flags
    return out, deductions


def apply_brief_checks(text: str, result: AnswerResult, facts: BriefFacts) -> AnswerResult:
    """``result`` with the brief's flags added, their points deducted (weights.yaml)
    and the score recomputed; where the answer leaves out or is vague about a figure
    or estimate the brief has, its finding names the brief's (``_name_the_brief``).
    Unchanged when nothing contradicts the brief and nothing needs naming.

    A contradicted figure or estimate also costs the dimension it stood for
    (``dimension_points`` in data/brief_checks.yaml): the scorer credited it as the
    answer's impact or timeline, but it is the wrong one. When nothing else in the
    answer can be right (no other figure; for a time, never), the dimension loses the
    whole credit, as if the element were missing."""
    if result.words == 0:
        return result
    contradictions, overclaims = _check(text, result, facts)
    flags = contradictions.flags + overclaims
    own = _requote(text, result.flags, contradictions, overclaims) if flags else result.flags
    own, deductions = _name_the_brief(text, result, own, facts)
    if not flags:
        if own is result.flags and deductions == result.deductions:
            return result
        return result.model_copy(update={"flags": own, "deductions": deductions})
    rules = weights()["flag_deductions"]
    dimensions = dict(result.dimensions)
    by_code: dict[str, list[Flag]] = {}
    for flag in flags:
        by_code.setdefault(flag.code, []).append(flag)
    for code, group in by_code.items():
        rule = rules[code]
        dim = str(rule["dimension"])
        if dim not in dimensions:
            dim = "clarity"
        points = min(int(rule["points"]) * len(group), int(rule["cap"]))
        dimensions[dim] = max(0, dimensions.get(dim, 100) - points)
        label = code.replace("_", " ")
        reason = f"{label} ×{len(group)}" if len(group) > 1 else label
        deductions.append(Deduction(dimension=dim, points=points, reason=reason, code=code))
    spec = _spec()["contradiction"]["dimension_points"]
    for kind in ("figure", "time"):
        wrong = contradictions.kinds.count(kind)
        rule = spec[kind]
        dim = str(rule["dimension"])
        if not wrong or dim not in dimensions:
            continue
        others = contradictions.other_figures if kind == "figure" else 0
        points = (
            int(rule["cap"]) if not others else min(int(rule["points"]) * wrong, int(rule["cap"]))
        )
        points = min(points, dimensions[dim])
        if points <= 0:
            continue
        dimensions[dim] -= points
        reason = _fill(rule["reason"] if others else rule["reason_none_right"], {})
        deductions.append(
            Deduction(dimension=dim, points=points, reason=reason, code="contradiction")
        )
    merged = sorted([*own, *flags], key=lambda f: (f.start, f.end, f.code))
    # The overall of one answer is the weighted mean of its dimensions, which is what
    # session_scores gives for a single answer.
    _, score = session_scores([result.model_copy(update={"dimensions": dimensions})])
    return result.model_copy(
        update={
            "flags": merged,
            "deductions": deductions,
            "dimensions": dimensions,
            "score": score,
        }
    )
