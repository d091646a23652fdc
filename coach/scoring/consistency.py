"""Figures across answers: the quantities an answer states, and a flag when one
changes from an earlier answer with no correction.

A flag needs the SAME quantity restated: the same kind and unit (users with users,
ETH with ETH) and the same referent, i.e. what the figure is of. The referent of a
count is its qualifiers ("6,800 Irish customers" is not "41,200 customers"; "6,800 of
them" is a subset); of money, what the money is (lost, stolen, overcharged, refunded,
recovered, a cost, net or gross); of a percentage, the noun it is a share of; and any
figure said per hour or per day is a rate, not a total. A forward time is compared
only with a time for the same event (the fix, full recovery, refunds and clean-up,
telling people, a safeguard), where an unnamed event is taken to be the fix.

Counts and money are compared with a tolerance; ranges that contain the new value are
consistent. Timelines are compared as rough horizons in hours ("4 hours" vs "by
tomorrow"), and only a slip counts: an estimate that shrinks is progress, one that
grows past ``horizon_ratio`` needs saying. Nothing is flagged when a correction word
is in the sentence ("now", "up from", "revised"), when the figure is a projection or a
hypothetical ("unfixed, we'd lose ..."), or when the answer also repeats the earlier
figure (a comparison, not a restatement: "100% of customers offline to fix 11%").
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import TypeAdapter

from coach.scoring import lexicon
from coach.scoring.elements import _SHARE_OF, Analysis, TimeRef, change_range
from coach.scoring.lexicon import Hit
from coach.scoring.result import AnswerResult, Quantity
from coach.scoring.style import RawFlag, _short, spec
from coach.scoring.text import Doc, dedupe

_SINGULAR_EXCEPTIONS = frozenset({"series", "status", "news"})

#: The members of the category groups in data/style.yaml (rule inconsistent-figures):
#: what money is (money stolen or drained is the loss, so both name the same figure),
_MONEY_ROLES = (
    "money_loss",
    "money_overcharge",
    "money_refund",
    "money_recovered",
    "money_cost",
    "money_risk",
)
#: net or gross (a different figure of the same kind of money),
_MONEY_QUALIFIERS = ("money_net", "money_gross")
#: and which event a forward time is for ("" when unnamed, taken to be the fix).
_ETA_EVENTS = ("eta_fix", "eta_recovery", "eta_cleanup", "eta_notify", "eta_safeguard")
_FIX_LIKE = frozenset({"", "fix", "recovery"})
_FIGURE_KINDS: dict[str, Literal["count", "money", "percent"]] = {
    "count": "count",
    "money": "money",
    "percent": "percent",
}

_RATE_AFTER = re.compile(
    r"\s*(?:(?:a|an|per|each|every)\s+|/\s*)(?:hour|hr|h|day|minute|min|week|month|year|second"
    r"|sec)(?![\w])"
)
_WORD = re.compile(r"[a-z][a-z'’\-]*")
#: Between the two figures of a range: "2,300 to 3,100", "2,300-3,100".
_RANGE_JOIN = re.compile(r"\s*(?:to|[-–—])\s*(?=[^\s])")
# "customers in Ireland", "users on iOS": a place or platform named after the noun.
_PLACE_AFTER = re.compile(r"\s+(?:in|on|from|across)\s+(?:the\s+)?([A-Z][\w\-]*)")


def _unit_key(noun: str) -> str:
    noun = noun.strip().lower()
    if noun.endswith("s") and noun not in _SINGULAR_EXCEPTIONS and len(noun) > 3:
        return noun[:-1]
    return noun


@functools.cache
def _generic() -> frozenset[str]:
    return frozenset(str(w) for w in spec("inconsistent")["generic_qualifiers"])


def _nearest(
    doc: Doc, group: str, members: Sequence[str], lo: int, start: int, end: int, hi: int
) -> str:
    """Which of ``members`` a hit of ``group`` (a category group in data/style.yaml)
    names, for the hit nearest to ``[start, end)`` within ``[lo, hi)``; "" if none."""
    if not doc.hits_of(group):
        return ""
    best: tuple[int, Hit] | None = None
    for hit in doc.in_range(group, lo, hi):
        if hit.start < start:
            distance = start - hit.end
        elif hit.start >= end:
            distance = hit.start - end
        else:
            continue
        if distance >= 0 and (best is None or distance < best[0]):
            best = (distance, hit)
    if best is None:
        return ""
    return next((m for m in members if m in best[1].cats), "")


def quantities(a: Analysis) -> list[Quantity]:
    """The impact figures and timeline estimates an answer states, with their referents."""
    doc = a.doc
    if not a.entities and not a.forward["timeline"] and not doc.hits_of("fraction_word"):
        return []
    # Plain data, validated as Quantity models in one call at the end (cheaper than
    # one model at a time).
    out: list[dict[str, Any]] = []
    impact_spans = sorted(a.elements["impact"].spans)
    starts = [s for s, _ in impact_spans]
    # The first hypothetical marker of each sentence, found once.
    hypothetical: dict[int, int] = {}
    for hit in doc.hits_of("hypothetical_marker"):
        hypothetical.setdefault(doc.sentence_index(hit.start), hit.start)
    n_spans = len(impact_spans)
    fractions = _fractions(doc, impact_spans) if n_spans else []
    fraction_starts = [f.start for f in fractions]
    for ent in a.entities:
        if ent.kind not in _FIGURE_KINDS or not n_spans:
            continue
        if fractions:
            # "two" of "two thirds of our merchants": the fraction is the figure.
            k = bisect_right(fraction_starts, ent.start) - 1
            if k >= 0 and ent.end <= fractions[k].end:
                continue
        # The impact span holding the figure, or starting inside it.
        i = bisect_right(starts, ent.start) - 1
        span = None
        if i >= 0 and impact_spans[i][0] <= ent.start < impact_spans[i][1]:
            span = impact_spans[i]
        elif i + 1 < n_spans and ent.start <= impact_spans[i + 1][0] < ent.end:
            span = impact_spans[i + 1]
        if span is None:
            continue
        noun: Hit | None = None
        if ent.kind == "money":
            unit = ent.unit
            referent = _money_referent(doc, ent.start, ent.end)
        else:
            noun = doc.first_after("impact_noun", ent.end, span[1] + 1) or doc.last_before(
                "impact_noun", span[0], ent.start
            )
            unit = _unit_key(noun.key) if noun is not None else ""
            if not unit and ent.kind == "percent":
                share = _SHARE_OF.match(doc.low, ent.end)
                if share is not None:
                    unit = _unit_key(share.group(2) or share.group(1))
            if not unit:
                continue
            referent = _count_referent(doc, ent.start, ent.end, noun)
        if _RATE_AFTER.match(doc.low, noun.end if noun is not None else ent.end) or (
            noun is not None and _RATE_AFTER.match(doc.low, ent.end)
        ):
            referent = _join(referent, "rate")
        kind = _FIGURE_KINDS[ent.kind]
        marker = hypothetical.get(doc.sentence_index(ent.start), ent.start)
        start, value, high = ent.start, ent.value, ent.hi if ent.hi != ent.value else None
        if high is not None and change_range(doc, ent):
            # "risen from 2,300 to 3,100": the figure stated is the new one, 3,100.
            to = _RANGE_JOIN.search(doc.low, ent.start, ent.end)
            if to is not None:
                start, value, high = to.end(), ent.hi, None
        out.append(
            {
                "kind": kind,
                "value": value,
                "unit": unit,
                "start": start,
                "end": ent.end,
                "text": doc.text[start : ent.end],
                "high": high,
                "referent": referent,
                "hypothetical": marker < ent.start,
            }
        )
    if fractions:
        # "Half of all requests", "a third of customers": a share, like a percentage.
        for hit in fractions:
            noun = doc.first_after("impact_noun", hit.end, doc.clause_end(hit.end) + 1)
            unit = _unit_key(noun.key) if noun is not None else ""
            if not unit:
                continue
            marker = hypothetical.get(doc.sentence_index(hit.start), hit.start)
            out.append(
                {
                    "kind": "percent",
                    "value": round(_fraction_values()[hit.key] * 100, 1),
                    "unit": unit,
                    "start": hit.start,
                    "end": hit.end,
                    "text": doc.text[hit.start : hit.end],
                    "referent": _count_referent(doc, hit.start, hit.end, noun),
                    "hypothetical": marker < hit.start,
                }
            )
        out.sort(key=_start_of)  # stable: figures in the order the answer states them
    for t, start in a.forward["timeline"]:
        text = doc.text[start : t.end]
        event = _eta_event(doc, start, t)
        if t.kind == "duration" and t.hours is not None:
            out.append(
                {
                    "kind": "duration",
                    "value": t.hours,
                    "unit": "h",
                    "start": start,
                    "end": t.end,
                    "text": text,
                    "referent": event,
                }
            )
        elif t.kind == "dayref" and t.hours is not None:
            out.append(
                {
                    "kind": "deadline",
                    "value": t.hours,
                    "unit": "h",
                    "start": start,
                    "end": t.end,
                    "text": text,
                    "referent": event,
                }
            )
        elif t.kind == "clock" and t.text_key.startswith("clock:"):
            minutes = float(t.text_key.split(":", 1)[1])
            out.append(
                {
                    "kind": "deadline",
                    "value": minutes,
                    "unit": "clock",
                    "start": start,
                    "end": t.end,
                    "text": text,
                    "referent": event,
                }
            )
    return _quantity_list().validate_python(out)


@functools.cache
def _fraction_values() -> dict[str, float]:
    return lexicon.table("fraction_values")


def _fractions(doc: Doc, impact_spans: Sequence[tuple[int, int]]) -> list[Hit]:
    """Fraction words the impact detector read as the share of something affected
    (its evidence starts at the fraction: "half of all requests")."""
    starts = {s for s, _ in impact_spans}
    values = _fraction_values()
    return [
        hit
        for hit in dedupe(doc.hits_of("fraction_word"))
        if hit.start in starts and hit.key in values
    ]


def _start_of(q: dict[str, Any]) -> int:
    start: int = q["start"]
    return start


@functools.cache
def _quantity_list() -> TypeAdapter[list[Quantity]]:
    return TypeAdapter(list[Quantity])


# -- referents ----------------------------------------------------------------------


def _join(*parts: str) -> str:
    return "|".join([p for p in parts if p])


def _count_referent(doc: Doc, start: int, end: int, noun: Hit | None) -> str:
    """What a count or share is of, beyond its noun: qualifiers between the number and
    the noun ("Irish", "enterprise"), a place after it ("in Ireland"), a subset marker
    ("6,800 of them")."""
    parts: list[str] = []
    if noun is not None and noun.start >= end:
        generic = _generic()
        parts += [
            w
            for w in _WORD.findall(doc.low, end, noun.start)
            if w not in generic and not w.startswith("of")
        ]
        place = _PLACE_AFTER.match(doc.text, noun.end)
        if place is not None:
            parts.append("in:" + place.group(1).lower())
    if doc.hits_of("subset_marker") and doc.any_in(
        "subset_marker",
        max(doc.clause_start(start), start - 24),
        min(doc.clause_end(end) + 1, end + 24),
    ):
        parts.append("subset")
    return "|".join(sorted(set(parts))) if parts else ""


def _money_referent(doc: Doc, start: int, end: int) -> str:
    """What an amount is: the nearest role word around it in its sentence (lost, stolen,
    overcharged, refunded, recovered, a cost, at risk), and net or gross."""
    roles = doc.hits_of("money_role")
    qualifiers = doc.hits_of("money_qualifier")
    if not roles and not qualifiers:
        return ""
    # Within the sentence part (up to a semicolon): "we refunded £5,000; delayed orders
    # are now £50,000" does not make £50,000 a refund.
    s_start, s_end = doc.segment_start(start), doc.segment_end(start)
    hi = min(s_end, end + 32)
    role = _nearest(doc, "money_role", _MONEY_ROLES, max(s_start, start - 48), start, end, hi)
    if not qualifiers:
        return role.removeprefix("money_")
    found = {
        c.removeprefix("money_")
        for hit in doc.in_range("money_qualifier", max(s_start, start - 60), hi)
        for c in _MONEY_QUALIFIERS
        if c in hit.cats
    }
    return _join(role.removeprefix("money_"), *sorted(found))


def _eta_event(doc: Doc, start: int, t: TimeRef) -> str:
    """Which event a forward time is for: the nearest event word in its sentence part."""
    if not doc.hits_of("eta_event"):
        return ""
    lo = max(doc.segment_start(start), start - 80)
    hi = min(doc.segment_end(t.end), t.end + 80)
    return _nearest(doc, "eta_event", _ETA_EVENTS, lo, start, t.end, hi).removeprefix("eta_")


# -- comparison ---------------------------------------------------------------------


def _group(q: Quantity) -> str:
    return "eta" if q.kind in ("duration", "deadline") else q.kind


def _same_quantity(prev: Quantity, q: Quantity) -> bool:
    if _group(prev) != _group(q) or prev.unit != q.unit:
        return False
    if _group(q) == "eta":
        return prev.referent == q.referent or (
            prev.referent in _FIX_LIKE
            and q.referent in _FIX_LIKE
            and "" in (prev.referent, q.referent)
        )
    return prev.referent == q.referent


def inconsistencies(
    a: Analysis, current: Sequence[Quantity], earlier: Sequence[AnswerResult]
) -> list[RawFlag]:
    if not earlier or not current:
        return []
    data = spec("inconsistent")
    tolerance = float(data["tolerance"])
    ratio = float(data["horizon_ratio"])
    previous: list[Quantity] = []
    for result in earlier:
        previous += [q for q in result.quantities if not q.hypothetical]
    doc = a.doc
    out: list[RawFlag] = []
    flagged: set[int] = set()
    for q in current:
        if q.hypothetical:
            continue
        # The latest earlier statement of the same quantity.
        prev = next((p for p in reversed(previous) if _same_quantity(p, q)), None)
        if prev is None or id(prev) in flagged:
            continue
        s_start, s_end = doc.sentence_span(q.start)
        if doc.any_in("correction", s_start, s_end):
            continue
        if not _changed(prev, q, tolerance, ratio):
            continue
        if any(
            other is not q
            and _same_kind(prev, other)
            and not _changed(prev, other, tolerance, ratio)
            for other in current
        ):
            continue  # the earlier figure is repeated too: a comparison, not a restatement
        flagged.add(id(prev))
        fields = {"evidence": _short(q.text), "earlier": _short(prev.text)}
        out.append(RawFlag("inconsistent", q.start, q.end, fields))
    return out


def _same_kind(prev: Quantity, q: Quantity) -> bool:
    return _group(prev) == _group(q) and prev.unit == q.unit


def _changed(prev: Quantity, q: Quantity, tolerance: float, ratio: float) -> bool:
    if q.kind in ("duration", "deadline"):
        if q.unit != prev.unit:
            return False
        if q.unit == "clock":
            return q.value - prev.value > 30
        earlier_h = max(prev.high or prev.value, 0.01)
        return q.value > earlier_h * ratio and q.value - earlier_h >= 1
    low = prev.value * (1 - tolerance)
    high = (prev.high if prev.high is not None else prev.value) * (1 + tolerance)
    value_high = q.high if q.high is not None else q.value
    return not (low <= q.value <= high or low <= value_high <= high)
