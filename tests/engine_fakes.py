"""A fake scorer for state-machine tests: words in the answer name what is present.

``"impact mitigation hedging"`` has impact and mitigation present and raises the
hedging flag; the score is the share of expected elements present. This tests the
engine's branching independently of the real scorer's accuracy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from coach.scenario.model import Scenario
from coach.scoring.names import ELEMENTS, FLAG_CODES
from coach.scoring.result import AnswerResult, Deduction, ElementResult, Flag

FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str) -> Scenario:
    data = yaml.safe_load((FIXTURES / "engine" / name).read_text())
    return Scenario.model_validate(data)


def fake_score(
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
    words = set(text.lower().split())
    elements = {
        e: ElementResult(present=e in words, evidence=[e] if e in words else []) for e in ELEMENTS
    }
    flags = [
        Flag(code=c, message=c, start=0, end=0, suggestion="") for c in FLAG_CODES if c in words
    ]
    missing = [e for e in expects if e not in words]
    score = 100 if not expects else round(100 * (len(expects) - len(missing)) / len(expects))
    deductions = [Deduction(dimension=m, points=10, reason=m, code=f"missing:{m}") for m in missing]
    return AnswerResult(
        elements=elements,
        flags=flags,
        score=max(0, score - 10 * len(flags)),
        expects=list(expects),
        missing=missing,
        deductions=deductions,
        words=len(text.split()),
    )
