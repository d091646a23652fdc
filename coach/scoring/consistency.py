"""Figures across answers: the quantities an answer states, and a flag when one
changes from an earlier answer with no correction.

Counts and money are compared by unit (users with users, ETH with ETH) with a
tolerance; ranges that contain the new value are consistent. Timelines are compared
as rough horizons in hours ("4 hours" vs "by tomorrow"), and only a slip counts: an
estimate that shrinks is progress, one that grows past ``horizon_ratio`` needs
saying. Any correction word in the sentence ("now", "up from", "revised") clears it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from coach.scoring.elements import Analysis
from coach.scoring.result import AnswerResult, Quantity
from coach.scoring.style import RawFlag, _short, spec

_SINGULAR_EXCEPTIONS = frozenset({"series", "status", "news"})


def _unit_key(noun: str) -> str:
    noun = noun.strip().lower()
    if noun.endswith("s") and noun not in _SINGULAR_EXCEPTIONS and len(noun) > 3:
        return noun[:-1]
    return noun


def quantities(a: Analysis) -> list[Quantity]:
    """The impact figures and timeline estimates an answer states."""
    doc = a.doc
    out: list[Quantity] = []
    impact_spans = sorted(a.elements["impact"].spans)
    starts = [s for s, _ in impact_spans]
    for ent in a.entities:
        if ent.kind not in ("count", "money", "percent"):
            continue
        i = bisect_right(starts, ent.start) - 1
        candidates = [impact_spans[k] for k in (i, i + 1) if 0 <= k < len(impact_spans)]
        span = next(
            ((s, e) for s, e in candidates if s <= ent.start < e or ent.start <= s < ent.end), None
        )
        if span is None:
            continue
        if ent.kind == "money":
            unit = ent.unit
        else:
            noun = doc.first_after("impact_noun", ent.end, span[1] + 1) or doc.last_before(
                "impact_noun", span[0], ent.start
            )
            unit = _unit_key(noun.key) if noun is not None else ""
            if not unit:
                continue
        kind = "count" if ent.kind == "count" else ent.kind
        out.append(
            Quantity(
                kind=kind,
                value=ent.value,
                unit=unit,
                start=ent.start,
                end=ent.end,
                text=doc.text[ent.start : ent.end],
                high=ent.hi if ent.hi != ent.value else None,
            )
        )
    for t, start in a.forward["timeline"]:
        text = doc.text[start : t.end]
        if t.kind == "duration" and t.hours is not None:
            out.append(
                Quantity(
                    kind="duration", value=t.hours, unit="h", start=start, end=t.end, text=text
                )
            )
        elif t.kind == "dayref" and t.hours is not None:
            out.append(
                Quantity(
                    kind="deadline", value=t.hours, unit="h", start=start, end=t.end, text=text
                )
            )
        elif t.kind == "clock" and t.text_key.startswith("clock:"):
            minutes = float(t.text_key.split(":", 1)[1])
            out.append(
                Quantity(
                    kind="deadline", value=minutes, unit="clock", start=start, end=t.end, text=text
                )
            )
    return out


def _key(q: Quantity) -> tuple[str, str]:
    if q.kind in ("duration", "deadline"):
        return ("eta", q.unit)
    return (q.kind, q.unit)


def inconsistencies(
    a: Analysis, current: Sequence[Quantity], earlier: Sequence[AnswerResult]
) -> list[RawFlag]:
    if not earlier or not current:
        return []
    data = spec("inconsistent")
    tolerance = float(data["tolerance"])
    ratio = float(data["horizon_ratio"])
    last: dict[tuple[str, str], Quantity] = {}
    for result in earlier:
        for q in result.quantities:
            last[_key(q)] = q
    doc = a.doc
    out: list[RawFlag] = []
    flagged: set[tuple[str, str]] = set()
    for q in current:
        key = _key(q)
        prev = last.get(key)
        if prev is None or key in flagged:
            continue
        s_start, s_end = doc.sentence_span(q.start)
        if doc.any_in("correction", s_start, s_end):
            continue
        if _changed(prev, q, tolerance, ratio):
            flagged.add(key)
            fields = {"evidence": _short(q.text), "earlier": _short(prev.text)}
            out.append(RawFlag("inconsistent", q.start, q.end, fields))
    return out


def _changed(prev: Quantity, q: Quantity, tolerance: float, ratio: float) -> bool:
    if q.kind in ("duration", "deadline"):
        if q.unit == "clock":
            return q.value - prev.value > 30
        earlier_h = max(prev.high or prev.value, 0.01)
        return q.value > earlier_h * ratio and q.value - earlier_h >= 1
    low = prev.value * (1 - tolerance)
    high = (prev.high if prev.high is not None else prev.value) * (1 + tolerance)
    value_high = q.high if q.high is not None else q.value
    return not (low <= q.value <= high or low <= value_high <= high)
