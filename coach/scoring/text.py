"""One answer, analysed once: sentences, clauses and every lexicon hit.

All regexes run on ``low``, a lower-cased copy of the answer with exactly the same
length, so every span found maps back to the original text unchanged:
``text[start:end]`` is always the evidence.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from operator import attrgetter

from coach.scoring import lexicon
from coach.scoring.lexicon import Hit

# A sentence ends at . ! ? (with closing quotes/brackets) before whitespace or the
# end, or at a line break (bullets and status templates put one statement per line).
# (One leading character set, so the regex engine can skip ahead to candidates.)
_SENTENCE_END = re.compile(r"[.!?\n](?:(?<=\n)[.!?]*[\"'”’)\]]*|[.!?]*[\"'”’)\]]*(?!\S))")
#: How far (in characters) any context check looks from a position.
CONTEXT = 300


@functools.cache
def _abbreviations() -> tuple[frozenset[str], tuple[str, ...]]:
    """Abbreviations whose full stop does not end a sentence, and their endings."""
    words = frozenset(lexicon.lists("abbreviations"))
    return words, tuple(words) + tuple(w + "." for w in words)


# Punctuation that separates clauses inside a sentence.
_CLAUSE_PUNCT = re.compile(r"[;()\[\]—–,:\-]")
# Regular past tense and participles end in -ed (some -ed words look forward or are
# adjectives of state: lexicon.yaml not_past_ed).
_ED = re.compile(r"ed(?![\w'’])")
_LOWER_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@functools.cache
def _not_past() -> frozenset[str]:
    return frozenset(lexicon.lists("not_past_ed"))


@functools.cache
def _determiners() -> frozenset[str]:
    return frozenset(lexicon.lists("determiners"))


def _past_tense_starts(low: str) -> list[int]:
    """Starts of regular past-tense words (found from their "-ed" ending: fast)."""
    out: list[int] = []
    not_past = _not_past()
    determiners = _determiners()
    for match in _ED.finditer(low):
        end = match.end()
        # The run of letters ending at ``end`` (at most 24 of them).
        chunk = low[max(0, end - 24) : end]
        word = chunk[len(chunk.rstrip(_LOWER_LETTERS)) :]
        if len(word) < 4 or word in not_past:
            continue
        start = end - len(word)
        if start > 0 and (low[start - 1].isalnum() or low[start - 1] in "'’"):
            continue
        if low[max(0, start - 7) : start].rstrip().rsplit(" ", 1)[-1] in determiners:
            continue  # "the corrected settings": an adjective, not a past tense
        out.append(start)
    return out


def lower_aligned(text: str) -> str:
    """``text.lower()`` with the same length and character positions as ``text``."""
    low = text.lower()
    if len(low) == len(text):
        # No character lower-cases to nothing, so equal length means aligned.
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_START = attrgetter("start")
_END = attrgetter("end")


class _Starts(dict[str, list[int]]):
    """Category -> the sorted starts of its hits, each list built on first use."""

    __slots__ = ("by_cat",)

    def __init__(self, by_cat: dict[str, list[Hit]]) -> None:
        super().__init__()
        self.by_cat = by_cat

    def __missing__(self, cat: str) -> list[int]:
        starts = self[cat] = list(map(_START, self.by_cat.get(cat, ())))
        return starts


class Doc:
    """An answer with its sentences, clause boundaries and lexicon hits."""

    __slots__ = (
        "_clause_bounds",
        "_seg_bounds",
        "by_cat",
        "low",
        "past_starts",
        "questions",
        "sent_starts",
        "sentences",
        "starts_by_cat",
        "text",
        "words",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.low = lower_aligned(text)
        self.words = len(text.split())
        self.sentences = _split_sentences(self.low)
        self.sent_starts = [s for s, _ in self.sentences]
        # Sentence spans end at their last non-space character.
        low = self.low
        self.questions = frozenset(
            i for i, (s, e) in enumerate(self.sentences) if low[e - 1] == "?"
        )
        self.by_cat: dict[str, list[Hit]] = lexicon.scanner().scan(self.low)
        # Start positions per category, built on first use (for bisect).
        self.starts_by_cat = _Starts(self.by_cat)
        self.past_starts = _past_tense_starts(self.low)
        bounds = set(self.sent_starts)
        seg = set(self.sent_starts)
        n = len(low)
        for match in _CLAUSE_PUNCT.finditer(low):
            end = match.end()
            ch = low[end - 1]
            if ch in ",:" and end < n and low[end].isdigit():
                continue  # "1,200", "10:15"
            if ch == "-" and not (
                end < n and low[end].isspace() and end > 1 and low[end - 2].isspace()
            ):
                continue  # "rate-limited"; only a spaced dash splits
            bounds.add(end)
            if ch == ";":
                seg.add(end)
        for hit in self.by_cat.get("clause_break", ()):
            bounds.add(hit.start)
        self._clause_bounds = sorted(bounds)
        self._seg_bounds = sorted(seg)

    # -- positions ---------------------------------------------------------------

    def sentence_index(self, pos: int) -> int:
        i = bisect_right(self.sent_starts, pos) - 1
        return i if i > 0 else 0

    def sentence_span(self, pos: int) -> tuple[int, int]:
        if not self.sentences:
            return 0, len(self.text)
        i = bisect_right(self.sent_starts, pos) - 1
        return self.sentences[i if i > 0 else 0]

    def is_question(self, pos: int) -> bool:
        return bool(self.questions) and self.sentence_index(pos) in self.questions

    # Context windows never reach further than CONTEXT characters from the position
    # asked about, so a 100,000-character line without punctuation stays linear.
    # (These are called hundreds of times per answer: plain comparisons, no max/min.)

    def clause_start(self, pos: int) -> int:
        """Start of the clause holding ``pos`` (punctuation and conjunctions split clauses)."""
        i = bisect_right(self._clause_bounds, pos) - 1
        start = self._clause_bounds[i] if i >= 0 else 0
        return start if start > pos - CONTEXT else pos - CONTEXT

    def clause_end(self, pos: int) -> int:
        return self._part_end(self._clause_bounds, pos)

    def segment_start(self, pos: int) -> int:
        """Start of the sentence part holding ``pos`` (sentences split at semicolons)."""
        i = bisect_right(self._seg_bounds, pos) - 1
        start = self._seg_bounds[i] if i >= 0 else 0
        return start if start > pos - CONTEXT else pos - CONTEXT

    def segment_end(self, pos: int) -> int:
        return self._part_end(self._seg_bounds, pos)

    def _part_end(self, bounds: list[int], pos: int) -> int:
        """The next boundary after ``pos``, its sentence's end or CONTEXT away."""
        i = bisect_right(bounds, pos)
        end = bounds[i] if i < len(bounds) else len(self.text)
        if self.sentences:
            j = bisect_right(self.sent_starts, pos) - 1
            s_end = self.sentences[j if j > 0 else 0][1]
            if s_end < end:
                end = s_end
        limit = pos + CONTEXT
        return end if end < limit else limit

    def window(self, pos: int) -> tuple[int, int]:
        """The sentence holding ``pos``, clipped to CONTEXT characters either side."""
        start, end = self.sentence_span(pos)
        return max(start, pos - CONTEXT), min(end, pos + CONTEXT)

    # -- category queries --------------------------------------------------------

    def hits_of(self, cat: str) -> list[Hit]:
        return self.by_cat.get(cat, [])

    # The hit lists are sorted by start; each category's hit starts are built on first
    # use (``_Starts.__missing__``), for bisect. (These helpers are called thousands
    # of times on a long paste, so they are kept inline.)

    def any_in(self, cat: str, lo: int, hi: int) -> bool:
        """Whether a hit of ``cat`` starts in ``[lo, hi)``."""
        starts = self.starts_by_cat[cat]
        if not starts:
            return False
        i = bisect_left(starts, lo)
        return i < len(starts) and starts[i] < hi

    def in_range(self, cat: str, lo: int, hi: int) -> list[Hit]:
        """Hits of ``cat`` starting in ``[lo, hi)``, in order."""
        starts = self.starts_by_cat[cat]
        if not starts:
            return []
        i = bisect_left(starts, lo)
        return self.by_cat[cat][i : bisect_left(starts, hi, i)]

    def last_before(self, cat: str, lo: int, pos: int) -> Hit | None:
        """The last hit of ``cat`` starting in ``[lo, pos)``."""
        starts = self.starts_by_cat[cat]
        j = bisect_left(starts, pos) - 1
        return self.by_cat[cat][j] if j >= 0 and starts[j] >= lo else None

    def first_after(self, cat: str, pos: int, hi: int) -> Hit | None:
        """The first hit of ``cat`` starting in ``[pos, hi)``."""
        starts = self.starts_by_cat[cat]
        i = bisect_left(starts, pos)
        return self.by_cat[cat][i] if i < len(starts) and starts[i] < hi else None

    def negated(self, pos: int, lo: int | None = None, window: int = 48) -> bool:
        """A negator shortly before ``pos`` in its clause (and not "not only")."""
        start = max(self.clause_start(pos) if lo is None else lo, pos - window)
        for hit in self.in_range("negator", start, pos):
            if not self.any_in("neg_exception", hit.start, hit.start + 1):
                return True
        return False

    def past_ed(self, lo: int, hi: int) -> list[int]:
        """Start positions of regular past-tense words in ``[lo, hi)``."""
        i = bisect_left(self.past_starts, lo)
        j = bisect_left(self.past_starts, hi, i)
        return self.past_starts[i:j]


def _split_sentences(low: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    abbreviations, ends = _abbreviations()
    for match in _SENTENCE_END.finditer(low):
        # (Never "1.2", "e.g.x", "v2.3": the regex wants a space or the end after.)
        end = match.end()
        dot = match.start()
        if low[dot] == "." and low.endswith(ends, max(start, dot - 8), dot):
            # "e.g.", "a.m.": not a sentence end if the abbreviation is a whole word.
            word = low[max(start, dot - 8) : dot].rsplit(None, 1)
            if word and word[-1].rstrip(".") in abbreviations:
                continue
        _add_span(low, start, end, spans)
        start = end
    _add_span(low, start, len(low), spans)
    return spans


def _add_span(low: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    part = low[start:end]
    stripped = part.strip()
    if stripped:
        start += len(part) - len(part.lstrip())
        spans.append((start, start + len(stripped)))


def dedupe(hits: Iterable[Hit]) -> list[Hit]:
    """Hits without overlaps, keeping the earliest (and longest at a position)."""
    ordered = list(hits)
    if len(ordered) < 2:
        return ordered
    out: list[Hit] = []
    last_end = -1
    # By start, the longest first at a start, else in the given order: two stable
    # sorts with C-level keys (the same order as sorting by (start, -end)).
    ordered.sort(key=_END, reverse=True)
    ordered.sort(key=_START)
    for hit in ordered:
        if hit.start >= last_end:
            out.append(hit)
            last_end = hit.end
    return out
