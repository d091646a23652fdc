"""Score one answer, and a whole session.

``score_answer`` finds the elements and style flags (see ``elements`` and ``style``),
turns them into a 0-100 score per dimension and overall, and records every point
lost as a :class:`~coach.scoring.result.Deduction` that names the finding behind it.
``session_scores`` averages answers into per-dimension session scores.

How the numbers are made (weights in data/weights.yaml, documented in README.md):

* An answer's dimensions are the ones it was expected to carry (``expects``) plus
  clarity and ownership, which always apply. An element dimension starts from the
  credit of its expected elements: 100 in the first sentence, 90 falling to 70 when
  buried later, 70 for an honest "we don't know yet; we'll know by 3 pm" (root cause),
  30 for a plan with nothing done yet (mitigation), 0 when missing. ``next_steps``
  mixes next_update (double weight), prevention, resources and stakeholders.
* Each style flag then costs points on one dimension, capped per flag code.
* The answer's score is the weighted mean of its dimensions.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from coach.scoring import lexicon
from coach.scoring.consistency import inconsistencies, quantities
from coach.scoring.elements import Found, analyse
from coach.scoring.names import DIMENSIONS, ELEMENTS
from coach.scoring.result import AnswerResult, ElementResult
from coach.scoring.style import WORDS_PER_MINUTE, RawFlag, message, spec, style_flags
from coach.scoring.text import Doc

#: Evidence spans kept per element (the first ones in the answer).
MAX_SPANS = 6


@functools.cache
def weights() -> dict[str, Any]:
    """data/weights.yaml, loaded once."""
    return lexicon.load("weights.yaml")


def score_answer(
    text: str,
    *,
    expects: Sequence[str] = (),
    budget: int | None = None,
    glossary: Mapping[str, str] | None = None,
    jargon: Sequence[str] = (),
    plain: Sequence[str] = (),
    role: str | None = None,
    earlier: Sequence[AnswerResult] = (),
) -> AnswerResult:
    """Analyse one answer: elements with evidence, style flags, scores with reasons.

    ``expects`` names the elements this question wants; ``budget`` is its word budget;
    ``glossary``/``jargon``/``plain`` extend the jargon lexicon (a scenario's glossary
    and lexicon); ``role`` picks a built-in role lexicon; ``earlier`` are this
    session's previous results, for the ``inconsistent`` flag.
    """
    wanted = _expected(expects)
    doc = Doc(text)
    analysis = analyse(doc)
    lex = lexicon.jargon_lexicon(
        role,
        tuple(sorted((str(k), str(v)) for k, v in (glossary or {}).items())),
        tuple(jargon),
        tuple(plain),
    )
    raw = style_flags(analysis, expects=wanted, budget=budget, jargon=lex)
    found_quantities = quantities(analysis)
    raw += inconsistencies(analysis, found_quantities, earlier)
    raw.sort(key=_flag_order)
    first_end = doc.sentences[0][1] if doc.sentences else 0
    elements = {name: _element(doc, analysis.elements[name], first_end) for name in ELEMENTS}
    dimensions, deductions = _dimensions(doc, elements, wanted, raw)
    missing = [
        name
        for name in wanted
        if not elements[name].get("present") and not elements[name].get("acknowledged_unknown")
    ]
    # The whole result is validated in one call from plain data: the same checks as
    # building each Span, Flag and Deduction model in turn, at about half the cost.
    return AnswerResult.model_validate(
        {
            "elements": {
                name: _EMPTY_RESULT if data is _EMPTY else data for name, data in elements.items()
            },
            "flags": [_flag(doc, f) for f in raw],
            "score": _overall(dimensions),
            "dimensions": dimensions,
            "deductions": deductions,
            "expects": wanted,
            "missing": missing,
            "words": doc.words,
            "spoken_seconds": round(doc.words * 60 / WORDS_PER_MINUTE, 1),
            "quantities": found_quantities,
        }
    )


def session_scores(results: Sequence[AnswerResult]) -> tuple[dict[str, int], int]:
    """Per-dimension scores over a session, and the overall 0-100.

    Each dimension is the mean over the answers that carried it: element dimensions
    over the answers that expected them, clarity and ownership over every answer.
    A dimension no answer carried is left out, so it cannot drag the overall down.
    The overall is the weighted mean of the session's dimensions (weights.yaml).
    """
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for result in results:
        for name, value in result.dimensions.items():
            sums[name] = sums.get(name, 0.0) + value
            counts[name] = counts.get(name, 0) + 1
    scores = {name: round(sums[name] / counts[name]) for name in DIMENSIONS if counts.get(name)}
    return scores, _overall(scores)


# -- internals --------------------------------------------------------------------


def _expected(expects: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name in expects:
        if name not in ELEMENTS:
            raise ValueError(f"unknown element {name!r}; choose from {', '.join(ELEMENTS)}")
        if name not in out:
            out.append(name)
    return out


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _flag_order(flag: RawFlag) -> tuple[int, int, str]:
    return flag.start, flag.end, flag.code


#: An element with nothing found: every field at its default. The result gets one
#: shared (frozen, already validated) model for it, which pydantic takes as it is.
_EMPTY: dict[str, Any] = {}
_EMPTY_RESULT = ElementResult()


def _element(doc: Doc, found: Found, first_end: int) -> dict[str, Any]:
    """The data of one :class:`ElementResult` (validated with the whole result)."""
    if not found.spans and not found.planned and not found.unknown:
        return _EMPTY
    text = doc.text
    merged = _merge(found.spans)[:MAX_SPANS]
    evidence = [text[s:e] for s, e in merged]
    present = bool(merged)
    return {
        "present": present,
        "evidence": evidence,
        "spans": [
            {"start": s, "end": e, "text": t} for (s, e), t in zip(merged, evidence, strict=True)
        ],
        "acknowledged_unknown": found.unknown and not present,
        "planned": [
            {"start": s, "end": e, "text": text[s:e]} for s, e in _merge(found.planned)[:MAX_SPANS]
        ],
        "up_front": bool(merged) and merged[0][0] < first_end,
    }


def _flag(doc: Doc, raw: RawFlag) -> dict[str, Any]:
    """The data of one :class:`Flag` (validated with the whole result)."""
    text, suggestion = message(raw.code, raw.fields)
    return {
        "code": raw.code,
        "message": text,
        "start": raw.start,
        "end": raw.end,
        "suggestion": suggestion,
        "severity": raw.severity,
        "evidence": doc.text[raw.start : raw.end],
    }


def _credit(doc: Doc, name: str, element: Mapping[str, Any]) -> tuple[float, str, str]:
    """(credit 0-100, deduction code, reason) for one expected element."""
    credit = weights()["element_credit"]
    if element.get("present"):
        if element["up_front"]:
            return float(credit["up_front"]), "", ""
        position = element["spans"][0]["start"] / max(len(doc.text), 1)
        first, last = float(credit["buried_first"]), float(credit["buried_last"])
        value = first - (first - last) * position
        return value, f"buried:{name}", f"{name} is there but not in the first sentence"
    if name == "root_cause" and element.get("acknowledged_unknown"):
        return (
            float(credit["acknowledged_unknown"]),
            "unknown:root_cause",
            "the cause is an honest unknown with a time (partial credit)",
        )
    if name == "mitigation" and element.get("planned"):
        return float(credit["planned"]), "planned:mitigation", "only a plan, nothing done yet"
    return float(credit["missing"]), f"missing:{name}", f"no {name.replace('_', ' ')} in the answer"


@functools.cache
def _expected_parts(
    wanted: tuple[str, ...],
) -> tuple[tuple[str, tuple[tuple[str, float], ...], float], ...]:
    """For each element dimension with an expected element: its expected elements with
    their weights, and the weights' total (weights.yaml dimension_elements)."""
    out = []
    for dim, parts in weights()["dimension_elements"].items():
        expected = {name: float(weight) for name, weight in parts.items() if name in wanted}
        if expected:
            out.append((dim, tuple(expected.items()), sum(expected.values())))
    return tuple(out)


@functools.cache
def _element_dimension() -> dict[str, str]:
    """Element name -> the dimension it feeds."""
    return {name: dim for dim, parts in weights()["dimension_elements"].items() for name in parts}


def _deduction(dimension: str, points: int, reason: str, code: str) -> dict[str, Any]:
    """The data of one :class:`Deduction` (validated with the whole result)."""
    return {"dimension": dimension, "points": points, "reason": reason, "code": code}


def _dimensions(
    doc: Doc,
    elements: Mapping[str, Mapping[str, Any]],
    wanted: Sequence[str],
    raw: Sequence[RawFlag],
) -> tuple[dict[str, int], list[dict[str, Any]]]:
    w = weights()
    values: dict[str, float] = {}
    deductions: list[dict[str, Any]] = []
    for dim, expected, total in _expected_parts(tuple(wanted)):
        value = 0.0
        for name, weight in expected:
            credit, code, reason = _credit(doc, name, elements[name])
            value += credit * weight / total
            lost = round((100 - credit) * weight / total)
            if code and lost > 0:
                deductions.append(_deduction(dim, lost, reason, code))
        values[dim] = value
    values["clarity"] = 100.0
    values["ownership"] = 100.0
    if doc.words == 0:
        for dim in values:
            deductions.append(_deduction(dim, 100, "no answer", "empty"))
        return {dim: 0 for dim in values}, deductions
    by_code: dict[str, list[RawFlag]] = {}
    for flag in raw:
        by_code.setdefault(flag.code, []).append(flag)
    element_dim = _element_dimension()
    for code, group in by_code.items():
        rule = w["flag_deductions"][code]
        dim = str(rule["dimension"])
        element = rule.get("element")
        if element is not None:
            dim = element_dim[element] if element in wanted else "clarity"
        if dim not in values:
            dim = "clarity"
        if code == "too_long":
            over = float(group[0].fields.get("over", 0.0))
            tolerance = float(spec("too_long")["tolerance"])
            points = int(rule["points"]) + int(
                w["too_long_points_per_10_percent"] * max(0.0, over - tolerance) * 10
            )
        else:
            points = int(rule["points"]) * len(group)
        points = min(points, int(rule["cap"]))
        label = code.replace("_", " ")
        reason = f"{label} ×{len(group)}" if len(group) > 1 else label
        deductions.append(_deduction(dim, points, reason, code))
        values[dim] -= points
    return {dim: max(0, min(100, round(v))) for dim, v in values.items()}, deductions


def _overall(dimensions: Mapping[str, int]) -> int:
    weights_by_dim = weights()["dimension_weights"]
    total = sum(float(weights_by_dim[d]) for d in dimensions)
    if total <= 0:
        return 0
    value = sum(float(weights_by_dim[d]) * v for d, v in dimensions.items()) / total
    return max(0, min(100, round(value)))
