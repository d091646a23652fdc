"""The written update to send after the meeting, drafted from a session.

The guides say: follow up in writing. The draft covers what happened, impact,
cause, what has been done, the plan and timeline, the next update and the
owners. It holds only facts the user gave: the brief first (the facts as the
user checked them), and where the brief has nothing, the sentences of the
user's best answer that carried that element (the highest-scoring answer that
had it); for what happened, the best answer to the opening question. Whatever
neither gives is a ``[TODO: ...]`` marker.

The draft never states a figure the user has since corrected. An answer that
says a brief figure or the estimate changed ("it's now 3,100 users, up from
2,300", "we now expect 18:00") replaces it, noting the earlier one; an answer
that confirms the cause ("we have confirmed the cause: ...") replaces a suspected
one. A figure that merely differs from the brief, with no such words, is a slip
(the scorer flags it as a ``contradiction``): the draft keeps the brief's and
leaves the slip out. Answer sentences stating a figure a later answer updated
are left out too. The scorer's stored results supply the figures and times
(``AnswerResult.quantities``), the flags and the element spans; the words that
mark a change, and the fixed words around the facts, are in data/followup.yaml.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import yaml

from coach.brief import units
from coach.brief.facts import percent_base
from coach.brief.model import Brief, Estimate, Figure
from coach.scoring.brief_checks import cause_terms
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript
    from coach.scoring.result import AnswerResult, Quantity


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    #: Paragraphs after the bullets (a TODO about them).
    closing: list[str] = field(default_factory=list)

    def body(self, bullet: str) -> list[str]:
        """The section's lines under its heading, bullets marked with ``bullet``."""
        blocks = [_paragraphs([_cap(p) for p in self.paragraphs])]
        blocks.append([f"{bullet}{_cap(b)}" for b in self.bullets])
        blocks.append(_paragraphs([_cap(p) for p in self.closing]))
        lines: list[str] = []
        for block in blocks:
            if block and lines:
                lines.append("")
            lines += block
        return lines


@dataclass
class Followup:
    title: str
    #: Lines before the first section ("To: ..."): part of what is sent.
    preamble: list[str]
    sections: list[Section]
    #: For the user, not the reader: where the draft came from and what to check.
    #: Shown beside the draft (the app, the CLI's stderr), never in it, so a copied
    #: draft does not carry it to the CEO.
    note: str = ""

    @property
    def todos(self) -> list[str]:
        """Every ``[TODO: ...]`` marker in the draft."""
        return _TODO.findall(self.markdown())

    def markdown(self) -> str:
        lines = [f"# {self.title}"]
        if self.preamble:
            lines += ["", *_paragraphs(self.preamble)]
        for section in self.sections:
            lines += ["", f"## {section.heading}", "", *section.body("- ")]
        return "\n".join(lines).rstrip() + "\n"

    def text(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        if self.preamble:
            lines += ["", *self.preamble]
        for section in self.sections:
            lines += ["", section.heading, "-" * len(section.heading), *section.body("  - ")]
        return "\n".join(lines).rstrip() + "\n"


_TODO = re.compile(r"\[TODO: [^\]]*\]")
_DOUBLE_STOP = re.compile(r"(?<!\.)\.\.$")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")


def _cap(text: str) -> str:
    """A sentence starts with a capital ("every hour" -> "Every hour") and ends with one
    full stop: a template's own after a fact that ends with one ("Estimated time to
    fix: by 4 p.m.." was two), but an ellipsis stays."""
    return _DOUBLE_STOP.sub(".", text[:1].upper() + text[1:])


def _paragraphs(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if out:
            out.append("")
        out.append(paragraph)
    return out


@functools.cache
def _words() -> dict[str, Any]:
    text = resources.files("coach.brief").joinpath("data", "followup.yaml").read_text("utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


def _clean(text: str) -> str:
    return " ".join(strip_terminal(text).split())


def _sentence(text: str) -> str:
    """A brief field as a sentence of the update: it ends with a full stop."""
    text = _clean(text)
    return text if not text or text[-1] in ".!?)" else text + "."


def todo(what: str) -> str:
    return f"[TODO: {what}]"


# -- what the answers said -----------------------------------------------------------

#: Flags of a figure at odds with the brief or with an earlier answer, said with no
#: words of change: a slip, which the write-up leaves out (unless those words are
#: there after all: the answer's own update is no slip).
_SLIPS = frozenset({"contradiction", "inconsistent"})
_FIGURE_KINDS = frozenset({"count", "money", "percent"})
_TIME_KINDS = frozenset({"duration", "deadline"})
#: The events a time can be for that are the fix itself ("" when unnamed).
_FIX_REFERENTS = frozenset({"", "fix", "recovery"})
#: Where a sentence ends, and where a segment (a sentence up to a semicolon) ends.
_SEGMENT_END = re.compile(r"[.!?;](?=\s|$)|\n")
#: Narrow clauses, for what a time is for: "a workaround by 17:00, the fix by 19:00".
_NARROW_CLAUSE = re.compile(r"[.!?;,:—–](?=\s|$)|\n|\s(?:and|but|then|while|so)\s")
_DIGIT = re.compile(r"[0-9]")
_LETTERS = re.compile(r"[a-z']+")
#: The most characters between a figure and an ``after`` cue ("users (could not pay), ").
_AFTER_GAP = 40


def _overlaps(lo: int, hi: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(lo <= s < hi or s <= lo < e for s, e in spans)


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    """Where each sentence of ``text`` is, blank ones left out."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.end()))
        start = match.end()
    bounds.append((start, len(text)))
    return [(lo, hi) for lo, hi in bounds if text[lo:hi].strip()]


def _enclosing(pattern: re.Pattern[str], text: str, pos: int) -> tuple[int, int]:
    """The stretch of ``text`` around ``pos`` between two matches of ``pattern``."""
    start = 0
    for match in pattern.finditer(text, 0, pos):
        start = match.end()
    following = pattern.search(text, pos)
    return start, following.start() if following else len(text)


def _phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words, the longest first. A phrase that starts with
    an apostrophe or "n't" matches at the end of a word ("haven't", "we'll")."""
    alternatives = []
    for phrase in sorted({" ".join(p.lower().split()) for p in phrases}, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in phrase.split(" "))
        left = "" if phrase.startswith(("'", "n'")) else r"(?<![\w'])"
        alternatives.append(left + body)
    return re.compile("(?:" + "|".join(alternatives) + r")(?![\w'])")


@dataclass(frozen=True)
class _Cues:
    before: re.Pattern[str]
    after: re.Pattern[str]
    eta: re.Pattern[str]
    earlier: re.Pattern[str]
    not_fix: re.Pattern[str]
    clause: re.Pattern[str]
    confirmed: re.Pattern[str]
    suspected: re.Pattern[str]
    blockers: re.Pattern[str]
    cause_words: re.Pattern[str]
    filler: frozenset[str]
    money_roles: tuple[str, ...]
    impact_nouns: frozenset[str]


@functools.cache
def _cues() -> _Cues:
    words = _words()
    spec = words["updates"]
    openers = "|".join(re.escape(w) for w in spec["clause_openers"])
    subjects = "|".join(re.escape(w) for w in spec["and_subjects"])
    clause = re.compile(
        rf"[.!?;](?=\s|$)|\n|\s(?:{openers})(?![\w'])|\sand\s+(?:{subjects})(?![\w'])"
    )
    earlier = _phrase_regex(spec["earlier"]).pattern
    nouns = {n for unit in units.impact_units().values() for n in unit.nouns if " " not in n}
    return _Cues(
        before=_phrase_regex(spec["before"]),
        after=_phrase_regex(spec["after"]),
        eta=_phrase_regex(spec["eta"]),
        # The marker and at most two words without digits, right before the figure.
        earlier=re.compile(earlier + r"(?:\s+[a-z'\-]+){0,2}\s*$"),
        not_fix=_phrase_regex(spec["not_fix"]),
        clause=clause,
        confirmed=_phrase_regex(spec["cause_confirmed"]),
        suspected=_phrase_regex(spec["cause_suspected"]),
        blockers=_phrase_regex(spec["cause_blockers"]),
        cause_words=_phrase_regex(spec["cause_words"]),
        filler=frozenset(words["filler_words"]),
        money_roles=tuple(spec["money_roles"]),
        impact_nouns=frozenset(nouns),
    )


@dataclass
class _Answer:
    """One scored answer of the session."""

    index: int
    node: str
    text: str
    result: AnswerResult
    #: ``text`` lower-cased with the same positions, curly apostrophes straightened.
    low: str = ""
    bounds: list[tuple[int, int]] = field(default_factory=list)
    #: Spans of figures and times a later answer explicitly updated.
    superseded: list[tuple[int, int]] = field(default_factory=list)
    #: Spans of contradictions and inconsistencies that are not updates.
    slips: list[tuple[int, int]] = field(default_factory=list)
    overclaims: list[tuple[int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        from coach.scoring.text import lower_aligned

        self.low = lower_aligned(self.text).replace("’", "'")
        self.bounds = _sentence_bounds(self.text)

    def avoid(self, overclaims: bool = True) -> list[tuple[int, int]]:
        """What the write-up must not repeat: slips, superseded figures, overclaims."""
        return [*self.slips, *self.superseded, *(self.overclaims if overclaims else ())]

    def sentence_of(self, pos: int) -> tuple[int, int]:
        return next(((lo, hi) for lo, hi in self.bounds if lo <= pos < hi), (pos, pos))

    def sentences(
        self, spans: Iterable[tuple[int, int]], avoid: Sequence[tuple[int, int]] = ()
    ) -> list[str]:
        """The whole sentences that hold ``spans`` and none of ``avoid``, in order."""
        spans = list(spans)
        return [
            _clean(self.text[lo:hi])
            for lo, hi in self.bounds
            if _overlaps(lo, hi, spans) and not _overlaps(lo, hi, avoid)
        ]


@dataclass(frozen=True)
class _Update:
    """A figure or time an answer says has changed: "it's now 3,100 users"."""

    answer: _Answer
    quantity: Quantity


def _is_time(q: Quantity) -> bool:
    return q.kind in _TIME_KINDS


def _for_the_fix(answer: _Answer, q: Quantity) -> bool:
    """Whether time ``q`` is for the fix: not for a workaround, the cause or an update,
    nor when something was done ("we moved traffic at 09:30")."""
    if q.referent not in _FIX_REFERENTS:
        return False
    lo, hi = _enclosing(_NARROW_CLAUSE, answer.low, q.start)
    hi = max(hi, q.end)
    done = answer.result.elements.get("mitigation")
    if done is not None:
        planned = {(s.start, s.end) for s in done.planned}
        spans = [(s.start, s.end) for s in done.spans if (s.start, s.end) not in planned]
        if _overlaps(lo, hi, spans):
            return False
    return _cues().not_fix.search(answer.low, lo, hi) is None


def _earlier_figure(low: str, start: int) -> bool:
    """Whether the figure at ``start`` is the old one ("up from 2,300")."""
    return _cues().earlier.search(low, max(0, start - 48), start) is not None


def _cued(answer: _Answer, q: Quantity) -> bool:
    """Whether the answer says figure or time ``q`` is new: a cue before it in its
    clause, one right after it, or for a time a cue before it in its sentence."""
    cues = _cues()
    low = answer.low
    seg_lo, seg_hi = _enclosing(_SEGMENT_END, low, q.start)
    clause_lo, _ = _enclosing(cues.clause, low, q.start)
    if cues.before.search(low, max(seg_lo, clause_lo), q.start):
        return True
    if _is_time(q) and cues.eta.search(low, seg_lo, q.start):
        return True
    after = cues.after.search(low, q.end, seg_hi)
    return (
        after is not None
        and after.start() - q.end <= _AFTER_GAP
        and not _DIGIT.search(low, q.end, after.start())
    )


def _roles(referent: str, roles: Sequence[str]) -> set[str]:
    return {r for r in re.split(r"[|\s]+", referent) if r in roles}


def _same_quantity(old: Quantity, new: Quantity) -> bool:
    """Whether ``new`` restates what ``old`` measured (kind, unit and referent)."""
    if old.hypothetical or new.hypothetical:
        return False
    if _is_time(old) and _is_time(new):
        return True  # both are for the fix (only such times are compared)
    if old.kind != new.kind or old.kind not in _FIGURE_KINDS:
        return False
    # A figure per hour is not a total ("£4,000 an hour", "£41,000").
    if ("rate" in old.referent.split("|")) != ("rate" in new.referent.split("|")):
        return False
    if old.kind == "count":
        same_unit = old.unit == new.unit or any(
            {old.unit, new.unit} <= unit.nouns for unit in units.impact_units().values()
        )
        return same_unit and old.referent == new.referent
    if old.kind == "money":
        roles = _cues().money_roles
        return old.unit == new.unit and _roles(old.referent, roles) == _roles(new.referent, roles)
    return old.unit == new.unit or not old.unit or not new.unit


def _differs(old: Quantity, new: Quantity) -> bool:
    return (old.value, old.high, old.unit) != (new.value, new.high, new.unit)


def _agrees(q: Quantity, update: Quantity) -> bool:
    """Whether ``q``, said after ``update``, restates it (rounded, for a figure)."""
    if _is_time(q):
        return (q.value, q.unit) == (update.value, update.unit)
    tolerance = float(_words()["updates"]["restated_within"])
    return abs(q.value - update.value) <= tolerance * max(update.value, 1e-9)


def _matches_brief(q: Quantity, figure: Figure) -> bool:
    """Whether answer figure ``q`` is a figure of the same thing as the brief's."""
    if q.hypothetical or "rate" in q.referent.split("|"):
        return False
    unit = units.impact_units()[figure.unit]
    what = (figure.what or "").lower()
    if q.kind != unit.kind:
        return False
    if q.kind == "count":
        # "400 VIP customers" is a part, not the total, unless the brief's figure is
        # of VIP customers too.
        qualifiers = [w for w in re.split(r"[|\s]+", q.referent) if w]
        return q.unit in unit.nouns and all(w in what for w in qualifiers)
    if q.kind == "money":
        roles = _roles(q.referent, _cues().money_roles)
        return q.unit == figure.currency and all(r[:5] in what for r in roles)
    base = percent_base(figure.what)
    return not base or not q.unit or q.unit in base or q.unit.split()[-1] in base


def _brief_figure_differs(q: Quantity, figure: Figure) -> bool:
    high = figure.high if figure.high is not None else figure.value
    return (q.value, q.high if q.high is not None else q.value) != (figure.value, high)


def _eta_differs(q: Quantity, eta: Estimate) -> bool:
    if q.unit == "clock":
        return eta.minutes is None or q.value != eta.minutes
    hours = eta.hours
    return hours is None or not hours[0] <= q.value <= hours[1]


class _Reading:
    """The session's answers, and what they updated: read once per draft."""

    def __init__(self, transcript: Transcript | None, brief: Brief) -> None:
        self.brief = brief
        #: The words of the brief's cause, to tell a sentence about it.
        self.cause_terms = cause_terms(brief.cause) if brief.cause else frozenset()
        self.answers = [
            _Answer(index, turn.node, turn.text, turn.result)
            for index, turn in enumerate(transcript.turns if transcript else ())
            if turn.speaker == "user" and turn.result is not None
        ]
        self.updates: list[_Update] = []
        for answer in self.answers:
            for q in sorted(answer.result.quantities, key=lambda q: q.start):
                if q.hypothetical or q.kind not in _FIGURE_KINDS | _TIME_KINDS:
                    continue
                if _is_time(q) and not _for_the_fix(answer, q):
                    continue
                if _earlier_figure(answer.low, q.start) or not _cued(answer, q):
                    continue
                self.updates.append(_Update(answer, q))
        for answer in self.answers:
            self._mark(answer)

    def _mark(self, answer: _Answer) -> None:
        """Note ``answer``'s slips, overclaims and figures a later answer updated."""
        updated = [(u.quantity.start, u.quantity.end) for u in self.updates if u.answer is answer]
        for flag in answer.result.flags:
            span = (flag.start, flag.end)
            if flag.code in _SLIPS and not _overlaps(*span, updated):
                answer.slips.append(span)
            elif flag.code == "overclaimed_cause":
                answer.overclaims.append(span)
        for q in answer.result.quantities:
            if _is_time(q) and not _for_the_fix(answer, q):
                continue
            same = [u for u in self.updates if _same_quantity(q, u.quantity)]
            if not same:
                continue
            latest = same[-1]
            sentence = answer.sentence_of(q.start)
            if latest.answer is answer and latest.answer.sentence_of(latest.quantity.start) == (
                sentence
            ):
                continue  # the update itself, or the old figure it names
            if latest.answer.index > answer.index or (
                latest.answer is answer and latest.quantity.start > sentence[0]
            ):
                # Said before the latest update: only right if it is the same figure.
                stale = _differs(q, latest.quantity)
            else:
                # Said after it, with no words of change: a slip back to an old figure
                # unless it rounds the update ("about 3,000" after "3,100").
                stale = not _agrees(q, latest.quantity)
            if stale:
                answer.superseded.append((q.start, q.end))

    # -- the brief's facts, as updated -------------------------------------------------

    def figure_updates(self) -> dict[int, _Update]:
        """For each brief figure (by position) the latest answer that updated it."""
        figures = self.brief.figures
        out: dict[int, _Update] = {}
        for update in self.updates:
            q = update.quantity
            same = [i for i, f in enumerate(figures) if _matches_brief(q, f)]
            if not same:
                continue
            # The nearest one is the one the speaker most likely meant.
            i = min(same, key=lambda i: abs(_log_ratio(q.value, figures[i].value)))
            if _brief_figure_differs(q, figures[i]):
                out[i] = update
            else:
                out.pop(i, None)
        return out

    def eta_update(self) -> _Update | None:
        eta = self.brief.eta
        latest = next((u for u in reversed(self.updates) if _is_time(u.quantity)), None)
        if eta is None or latest is None or not _eta_differs(latest.quantity, eta):
            return None
        return latest

    def cause_said(self, cue: re.Pattern[str]) -> list[str]:
        """The sentences of the latest answer that say, with ``cue``, what is now known
        of the cause ("We have confirmed the cause: ...")."""
        cues = _cues()
        for answer in reversed(self.answers):
            low = answer.low
            found = []
            for lo, hi in answer.bounds:
                if low[lo:hi].rstrip().endswith("?") or _overlaps(lo, hi, answer.avoid(False)):
                    continue
                if not any(
                    not cues.blockers.search(low, _clause_start(low, lo, m.start()), m.start())
                    for m in cue.finditer(low, lo, hi)
                ):
                    continue
                if self._about_cause(answer, lo, hi):
                    found.append(_clean(answer.text[lo:hi]))
            if found:
                return found
        return []

    def _about_cause(self, answer: _Answer, lo: int, hi: int) -> bool:
        terms = self.cause_terms
        cause = answer.result.elements.get("root_cause")
        if cause is not None and _overlaps(lo, hi, [(s.start, s.end) for s in cause.spans]):
            return True
        if _cues().cause_words.search(answer.low, lo, hi):
            return True
        return len(set(_LETTERS.findall(answer.low[lo:hi])) & terms) >= 2

    # -- sentences for the sections ------------------------------------------------------

    def best_sentences(self, element: str, used: Collection[str] = ()) -> list[str]:
        """The sentences that carried ``element`` in the best answer that had it.

        Sentences already ``used`` (by an earlier section), sentences the checks
        against the brief flagged (a figure or a certainty the brief does not back)
        and sentences stating a figure a later answer updated do not count; the next
        best answer is used instead."""
        candidates = []
        for answer in self.answers:
            found = answer.result.elements.get(element)
            if found is None or not found.present or not found.spans:
                continue
            # The highest score first; between equals, the later answer.
            candidates.append((answer.result.score, answer.index, answer, found.spans))
        for _, _, answer, spans in sorted(candidates, key=lambda c: (c[0], c[1]), reverse=True):
            chosen = answer.sentences([(s.start, s.end) for s in spans], answer.avoid())
            sentences = [x for x in chosen if x not in used]
            if sentences:
                return sentences
        return []

    def opening_sentences(self, used: Collection[str]) -> list[str]:
        """What the user said happened, from the best answer to the opening question:
        its sentences that carry no scored element (the scorer has none for "what
        happened": "At 08:40 the gateway began declining card payments."), or if it
        has none, those that carry the impact. Sentences about the cause (it has its
        own section), sentences another section used, and those the draft must not
        repeat do not count."""
        if not self.answers:
            return []
        opening = self.answers[0].node
        answers = [a for a in self.answers if a.node == opening]
        for answer in sorted(answers, key=lambda a: (a.result.score, a.index), reverse=True):
            plain: list[str] = []
            impact: list[str] = []
            elements = {
                name: [(s.start, s.end) for s in found.spans]
                for name, found in answer.result.elements.items()
                if found.present
            }
            for lo, hi in answer.bounds:
                sentence = _clean(answer.text[lo:hi])
                if _overlaps(lo, hi, answer.avoid()) or sentence in used:
                    continue
                if sentence.endswith("?") or _filler(sentence):
                    continue
                carried = {name for name, spans in elements.items() if _overlaps(lo, hi, spans)}
                if self._about_cause(answer, lo, hi):
                    carried.add("root_cause")
                if not carried:
                    plain.append(sentence)
                elif "impact" in carried:
                    impact.append(sentence)
            if plain or impact:
                return plain or impact
        return []

    def system_named(self) -> str | None:
        """The affected system as the user named it in an answer to the opening question
        ("The payments gateway is down" -> "the payments gateway"), or ``None``.

        Conservative: only a plain statement that it is failing, in a sentence that is
        not about the cause and that the draft may repeat, and not a name made of
        generic words only ("the whole system")."""
        if not self.answers:
            return None
        pattern = _system_pattern()
        spec = _words()["system_from_answers"]
        generic = frozenset(spec["generic"]) | frozenset(spec["determiners"])
        opening = self.answers[0].node
        answers = [a for a in self.answers if a.node == opening]
        for answer in sorted(answers, key=lambda a: (a.result.score, a.index), reverse=True):
            for lo, hi in answer.bounds:
                if _overlaps(lo, hi, answer.avoid()) or self._about_cause(answer, lo, hi):
                    continue
                match = pattern.search(answer.low, lo, hi)
                if match is None:
                    continue
                name = answer.low[match.start(1) : match.end(1)]
                if set(name.split()) <= generic:
                    continue
                # The user's own capitals, but "The" at the start of a sentence is "the".
                written = _clean(answer.text[match.start(1) : match.end(1)])
                first, _, rest = written.partition(" ")
                return f"{first.lower()} {rest}"
        return None

    def unread_updates(self, impact_said: Collection[str]) -> list[str]:
        """Sentences that say a figure changed, where the draft cannot tell which brief
        figure is new: the scorer read no figure in them ("users have risen from 2,300
        to 3,100"), or read a sum of money that it took for another kind of sum.
        Sentences already quoted under Impact (``impact_said``) say it themselves."""
        from coach.scoring.entities import extract

        cues = _cues()
        currencies = {f.currency for f in self.brief.figures if f.currency}
        out: list[str] = []
        for update in self.updates:
            q = update.quantity
            if q.kind != "money" or q.unit not in currencies:
                continue
            if not any(_matches_brief(q, f) for f in self.brief.figures):
                lo, hi = update.answer.sentence_of(q.start)
                out.append(_clean(update.answer.text[lo:hi]))
        for answer in self.answers:
            read = [(q.start, q.end) for q in answer.result.quantities]
            for lo, hi in answer.bounds:
                low = answer.low
                if not (cues.before.search(low, lo, hi) or cues.after.search(low, lo, hi)):
                    continue
                words = {w.removesuffix("s") for w in _LETTERS.findall(low[lo:hi])}
                for entity in extract(low[lo:hi]):
                    start, end = lo + entity.start, lo + entity.end
                    if entity.kind not in _FIGURE_KINDS or _overlaps(start, end, read):
                        continue
                    if entity.kind == "count" and not words & cues.impact_nouns:
                        continue
                    # "up from 2,300" is the old figure; "from 2,300 to 3,100" is both.
                    if entity.hi == entity.value and _earlier_figure(low, start):
                        continue
                    out.append(_clean(answer.text[lo:hi]))
                    break
        quoted = " ".join(impact_said)
        return [x for x in dict.fromkeys(out) if x not in quoted]


def _when(transcript: Transcript | None) -> str | None:
    """When the session started, in local time: "10:15 on 22 November"."""
    if transcript is None:
        return None
    local = transcript.started_at.astimezone()
    return str(_words()["when"].format(time=f"{local:%H:%M}", day=local.day, month=f"{local:%B}"))


@functools.cache
def _system_pattern() -> re.Pattern[str]:
    """ "the payments gateway is down": a determiner, a name, then a failing phrase
    (data/followup.yaml, system_from_answers). Group 1 is the name with its determiner."""
    spec = _words()["system_from_answers"]
    determiner = "|".join(re.escape(w) for w in spec["determiners"])
    word = r"[a-z][a-z0-9'\-]*"
    failing = _phrase_regex(spec["failing"]).pattern
    words = int(spec["max_words"])
    return re.compile(
        rf"(?<![\w'])((?:{determiner})\s+{word}(?:\s+{word}){{0,{words - 1}}})\s+{failing}"
    )


def _log_ratio(a: float, b: float) -> float:
    return math.log(max(a, 1e-9) / max(b, 1e-9))


def _clause_start(low: str, lo: int, pos: int) -> int:
    """Where the clause holding ``pos`` starts, not before ``lo``."""
    start = lo
    for match in _NARROW_CLAUSE.finditer(low, lo, pos):
        start = match.end()
    return start


def _filler(sentence: str) -> bool:
    """ "Sure.", "OK, so.": no fact in it."""
    return set(_LETTERS.findall(sentence.lower())) <= _cues().filler


def draft(
    transcript: Transcript | None, brief: Brief | None, brief_name: str | None = None
) -> Followup:
    """The follow-up for a session (``transcript``) and/or a brief."""
    words = _words()
    s = words["sections"]
    brief = brief or Brief()
    reading = _Reading(transcript, brief)
    #: What the answers updated in the brief, for the note to the user.
    changes: list[str] = []

    #: Sentences of the answers already in the draft: each is written once.
    used: list[str] = []

    def said(*elements: str) -> list[str]:
        out: list[str] = []
        for element in elements:
            out += reading.best_sentences(element, [*used, *out])
        return out

    def from_answers(sentences: list[str]) -> list[str]:
        # The user's own sentences, as they said them: an update written to the CEO
        # does not preface them with "As I said in the meeting".
        sentences = [x for x in dict.fromkeys(sentences) if x and x not in used]
        used.extend(sentences)
        return [" ".join(sentences)] if sentences else []

    def change(old: str, new: str) -> None:
        changes.append(words["change"].format(old=old, new=new))

    started = _when(transcript)
    #: The durations in the draft counted from the session's start (for the note).
    counted: list[str] = []

    def anchored(eta: str, duration: bool) -> str:
        """A duration with the time it counts from ("4–6 hours from 10:15 on 22
        November"): the session's start, or a TODO without a session."""
        if not duration:
            return eta
        counted.append(eta)
        when = started or todo(s["timeline"]["eta_from_todo"])
        return str(s["timeline"]["eta_from"].format(eta=eta, when=when))

    sections: list[Section] = []

    impact = Section("impact", s["impact"]["heading"])
    updates = reading.figure_updates()
    for i, figure in enumerate(brief.figures):
        update = updates.get(i)
        if update is None:
            impact.bullets.append(_clean(figure.text))
            continue
        q = update.quantity
        new = figure.model_copy(update={"value": q.value, "high": q.high})
        way = "up" if q.value > figure.value else "down" if q.value < figure.value else "revised"
        impact.bullets.append(
            s["impact"][way].format(new=_clean(new.text), old=_clean(figure.amount))
        )
        change(figure.amount, new.amount)
    if not impact.bullets:
        impact.paragraphs = from_answers(said("impact")) or [todo(s["impact"]["todo"])]
    sections.append(impact)

    sections.append(_cause_section(reading, brief, from_answers, said, changes))

    mitigation = Section("mitigation", s["mitigation"]["heading"])
    mitigation.bullets = [_clean(m) for m in brief.mitigation or () if m.strip()]
    if not mitigation.bullets:
        mitigation.paragraphs = from_answers(said("mitigation")) or [todo(s["mitigation"]["todo"])]
    sections.append(mitigation)

    timeline = Section("timeline", s["timeline"]["heading"])
    ts = s["timeline"]
    if brief.plan:
        timeline.paragraphs.append(_sentence(brief.plan))
    if brief.eta is not None:
        eta_update = reading.eta_update()
        if eta_update is None:
            eta = brief.eta.text
            timeline.paragraphs.append(ts["eta"].format(eta=anchored(eta, brief.eta.by is None)))
        else:
            new_eta = _clean(eta_update.quantity.text)
            duration = eta_update.quantity.kind == "duration"
            timeline.paragraphs.append(
                ts["eta_updated"].format(eta=anchored(new_eta, duration), old=brief.eta.text)
            )
            change(brief.eta.text, new_eta)
    if not timeline.paragraphs:
        timeline.paragraphs = from_answers(said("timeline"))
    elif brief.eta is None:
        timeline.paragraphs += from_answers(said("timeline")) or [todo(ts["eta_todo"])]
    timeline.paragraphs = timeline.paragraphs or [todo(ts["todo"])]
    sections.append(timeline)

    next_update = Section("next_update", s["next_update"]["heading"])
    next_update.paragraphs = [_sentence(brief.update_cadence)] if brief.update_cadence else []
    next_update.paragraphs = (
        next_update.paragraphs
        or from_answers(said("next_update"))
        or [todo(s["next_update"]["todo"])]
    )
    sections.append(next_update)

    owners = Section("owners", s["owners"]["heading"])
    owners.bullets = [_clean(p) for p in brief.stakeholders or () if p.strip()]
    if not owners.bullets:
        owners.paragraphs = from_answers(said("stakeholders")) or [todo(s["owners"]["todo"])]
    sections.append(owners)

    # What the CEO is asked for: only when the brief or an answer asks for something
    # (asking for nothing is fine, so its absence is no TODO).
    needs = Section("needs", s["needs"]["heading"])
    needs.bullets = [_clean(r) for r in brief.resources or () if r.strip()]
    if not needs.bullets:
        needs.paragraphs = from_answers(said("resources"))
    if needs.bullets or needs.paragraphs:
        sections.append(needs)

    # What happened comes first, but is chosen last: the opening answer's sentences
    # that the sections above did not already use (its figures go under Impact).
    what = Section("what_happened", s["what_happened"]["heading"])
    if brief.what_happened:
        what.paragraphs = [_sentence(brief.what_happened)]
    else:
        what.paragraphs = from_answers(reading.opening_sentences(used))
    what.paragraphs = what.paragraphs or [todo(s["what_happened"]["todo"])]
    sections.insert(0, what)

    # A sentence that says a figure changed, in a form the scorer did not read: ask the
    # user to check rather than let an earlier figure stand unremarked.
    impact.closing = [
        todo(s["impact"]["check"].format(said=sentence.replace("]", ")")))
        for sentence in reading.unread_updates(impact.paragraphs)
    ]

    named = None if brief.system else reading.system_named()
    system = _clean(brief.system) if brief.system else named or todo(words["title_todo"])
    preamble = []
    if brief.ceo_name:
        preamble.append(words["to"].format(ceo_name=_clean(brief.ceo_name)))
    suffix = f" (brief: {_clean(brief_name)})" if brief_name else ""
    note = words["draft_note"].format(brief=suffix)
    if changes:
        note += " " + words["updated_note"].format(changes="; ".join(changes))
    if used:
        note += " " + words["answers_note"]
    if named:
        note += " " + words["system_note"].format(system=f'"{named}"')
    if started and counted:
        note += " " + words["eta_from_note"].format(when=started)
    return Followup(
        words["title"].format(system=system), preamble, sections, " ".join(note.split())
    )


def _cause_section(
    reading: _Reading,
    brief: Brief,
    from_answers: Callable[[list[str]], list[str]],
    said: Callable[..., list[str]],
    changes: list[str],
) -> Section:
    """The cause: the brief's, unless an answer confirmed it (or, when the brief says
    the cause is unknown, named a suspect), and how sure it is."""
    words = _words()
    cs = words["sections"]["cause"]
    cause = Section("cause", cs["heading"])
    status = brief.cause_status
    cues = _cues()
    earlier = (
        [cs["earlier"].format(cause=_clean(brief.cause)).rstrip(".") + "."] if brief.cause else []
    )
    confirmed = reading.cause_said(cues.confirmed) if status != "known" else []
    suspect = reading.cause_said(cues.suspected) if status == "unknown" and not confirmed else []
    if confirmed:
        cause.paragraphs = from_answers(confirmed) + earlier
        changes.append(words["cause_change"])
        return cause
    if suspect:
        cause.paragraphs = from_answers(suspect) + earlier
        changes.append(words["cause_suspect_change"])
    elif brief.cause:
        # With no status the brief does not say how sure the cause is: the draft
        # says neither "suspected" nor "confirmed" for the user.
        key = {"known": "known", "unknown": "unknown_with_cause", "suspected": "suspected"}
        cause.paragraphs.append(
            cs[key.get(status or "", "known")].format(cause=_clean(brief.cause)).rstrip(".") + "."
        )
        if status is None and not brief.cause_known_by:
            cause.paragraphs.append(todo(cs["status_todo"]))
    elif status == "unknown":
        cause.paragraphs.append(cs["unknown"])
    else:
        cause.paragraphs = from_answers(said("root_cause"))
        if not cause.paragraphs and status == "known":
            cause.paragraphs = [todo(cs["known_todo"])]
    if brief.cause_known_by and status != "known":
        known_by = _clean(brief.cause_known_by)
        if not known_by.lower().startswith(("by ", "at ", "in ", "within ", "after ")):
            known_by = f"by {known_by}"
        cause.paragraphs.append(cs["known_by"].format(known_by=known_by))
    elif cause.paragraphs and status in ("suspected", "unknown"):
        cause.paragraphs.append(todo(cs["known_by_todo"]))
    cause.paragraphs = cause.paragraphs or [todo(cs["todo"])]
    return cause


def for_transcript(transcript: Transcript) -> Followup:
    return draft(transcript, transcript.brief, transcript.brief_name)
