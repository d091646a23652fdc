"""What the scorer returns. Every deduction points at a finding, so the score
explains itself; every finding carries its character span and evidence text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(_Model):
    """``text == answer[start:end]`` always holds."""

    start: int
    end: int
    text: str


class ElementResult(_Model):
    present: bool = False
    evidence: list[str] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    #: root_cause only: "we don't know yet; we'll know by 3 pm" (honest, earns credit).
    acknowledged_unknown: bool = False
    #: Planned-only actions ("we will roll back tonight"): a plan, not a mitigation.
    planned: list[Span] = Field(default_factory=list)
    #: Whether the element sits in the first sentence (worth more than buried).
    up_front: bool = False


class Flag(_Model):
    code: str
    message: str
    start: int
    end: int
    suggestion: str
    severity: Literal["info", "warning"] = "warning"
    evidence: str = ""


class Deduction(_Model):
    """Points lost on one dimension, and why."""

    dimension: str
    points: int
    reason: str
    code: str = Field(
        description=(
            "The finding behind it: a flag code, 'missing:<element>', 'buried:<element>' "
            "(found, but not in the first sentence), 'unknown:root_cause' (an honest "
            "unknown, partial credit), 'planned:mitigation' (a plan, partial credit) or "
            "'empty' (no answer)."
        )
    )


class Quantity(_Model):
    """A figure stated in an answer, for consistency checks across answers."""

    kind: Literal["count", "money", "percent", "duration", "deadline"]
    value: float
    unit: str
    start: int
    end: int
    text: str
    #: Upper end of a range ("1,200-1,500 users"); ``None`` for a single value.
    high: float | None = None
    #: What the figure is of, beyond kind and unit, so that only the same quantity is
    #: compared across answers: qualifiers and subsets of a count ("irish", "subset"),
    #: what money is ("loss", "refund", "cost"), "rate" for per-hour figures, and for a
    #: time the event it is for ("fix", "recovery", "cleanup", "notify", "safeguard").
    referent: str = ""
    #: Stated as a projection or hypothetical ("unfixed, we'd lose $4,000 an hour").
    hypothetical: bool = False


class AnswerResult(_Model):
    elements: dict[str, ElementResult]
    flags: list[Flag] = Field(default_factory=list)
    score: int = Field(ge=0, le=100)
    dimensions: dict[str, int] = Field(default_factory=dict)
    deductions: list[Deduction] = Field(default_factory=list)
    expects: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    words: int = 0
    spoken_seconds: float = 0.0
    quantities: list[Quantity] = Field(default_factory=list)

    @property
    def present(self) -> set[str]:
        return {name for name, r in self.elements.items() if r.present}

    @property
    def flag_codes(self) -> set[str]:
        return {f.code for f in self.flags}

    @property
    def acknowledged_unknown(self) -> bool:
        rc = self.elements.get("root_cause")
        return bool(rc and rc.acknowledged_unknown)
