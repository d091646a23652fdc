"""Branch conditions: a closed, typed union evaluated against an analysed answer.

There is no ``eval``: every condition is one of the models below, chosen by the
single key it is written with in YAML (``missing:``, ``flag:``, ``all:`` ...).
That keeps scenario files checkable (every name can be validated) and the graph
drawable (every condition can be described in words).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from coach.scoring.names import ELEMENTS, FLAG_CODES

ElementName = Literal[
    "impact",
    "timeline",
    "mitigation",
    "root_cause",
    "next_update",
    "prevention",
    "resources",
    "stakeholders",
]
FlagCode = Literal[
    "hedging",
    "filler",
    "blame",
    "counterfactual",
    "jargon",
    "too_long",
    "buried_lede",
    "vague_quantity",
    "vague_time",
    "over_promise",
    "apology",
    "inconsistent",
    "contradiction",
    "overclaimed_cause",
]

assert set(ElementName.__args__) == set(ELEMENTS)  # type: ignore[attr-defined]
assert set(FlagCode.__args__) == set(FLAG_CODES)  # type: ignore[attr-defined]


def _as_list(value: Any, keep: str | None = None) -> Any:
    """Let authors write ``flag: hedging`` for ``flag: [hedging]``."""
    if isinstance(value, str) and value != keep:
        return [value]
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Comparison(_Strict):
    """Compare a number: ``{gte: 2}``, ``{eq: 0}``; several keys must all hold."""

    eq: int | None = None
    ne: int | None = None
    lt: int | None = None
    lte: int | None = None
    gt: int | None = None
    gte: int | None = None

    @model_validator(mode="after")
    def _one_at_least(self) -> Comparison:
        if not self.model_fields_set:
            raise ValueError("a comparison needs at least one of eq, ne, lt, lte, gt, gte")
        return self

    def holds(self, value: int) -> bool:
        return (
            (self.eq is None or value == self.eq)
            and (self.ne is None or value != self.ne)
            and (self.lt is None or value < self.lt)
            and (self.lte is None or value <= self.lte)
            and (self.gt is None or value > self.gt)
            and (self.gte is None or value >= self.gte)
        )

    def describe(self) -> str:
        ops = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}
        return " and ".join(
            f"{ops[k]} {getattr(self, k)}" for k in ops if getattr(self, k) is not None
        )


class Missing(_Strict):
    """True when ANY listed element is absent from the answer.
    ``missing: expected`` means any of the node's expected elements."""

    missing: list[ElementName] | Literal["expected"] = Field(min_length=1)

    _one_name = field_validator("missing", mode="before")(lambda v: _as_list(v, "expected"))


class Present(_Strict):
    """True when ALL listed elements are present in the answer."""

    present: list[ElementName] = Field(min_length=1)

    _one_name = field_validator("present", mode="before")(lambda v: _as_list(v))


class Flagged(_Strict):
    """True when ANY listed style flag was raised on the answer."""

    flag: list[FlagCode] = Field(min_length=1)

    _one_name = field_validator("flag", mode="before")(lambda v: _as_list(v))


class Attempts(_Strict):
    """The number of answers given at this node so far, this one included."""

    attempts: Comparison


class AnswerScore(_Strict):
    """The answer's overall score, 0-100."""

    score: Comparison


class Unknown(_Strict):
    """True when the answer honestly says the cause is not known yet, with a time."""

    acknowledged_unknown: bool


class Var(_Strict):
    """Compare a scenario variable (after this branch's effects are NOT yet applied)."""

    var: str
    eq: int | None = None
    ne: int | None = None
    lt: int | None = None
    lte: int | None = None
    gt: int | None = None
    gte: int | None = None

    @model_validator(mode="after")
    def _one_at_least(self) -> Var:
        if self.model_fields_set == {"var"}:
            raise ValueError("a var condition needs at least one of eq, ne, lt, lte, gt, gte")
        return self

    @property
    def comparison(self) -> Comparison:
        return Comparison(
            eq=self.eq, ne=self.ne, lt=self.lt, lte=self.lte, gt=self.gt, gte=self.gte
        )


class AllOf(_Strict):
    all: list[Condition] = Field(min_length=1)


class AnyOf(_Strict):
    any: list[Condition] = Field(min_length=1)


class Not(_Strict):
    model_config = ConfigDict(populate_by_name=True)
    not_: Condition = Field(alias="not")


_TAGS = (
    "missing",
    "present",
    "flag",
    "attempts",
    "score",
    "acknowledged_unknown",
    "var",
    "all",
    "any",
    "not",
)


def _condition_tag(value: Any) -> str | None:
    """Pick the union member from the one key that names it."""
    if isinstance(value, BaseModel):
        return _MODEL_TAGS.get(type(value))
    if isinstance(value, dict):
        for tag in _TAGS:
            if tag in value:
                return tag
    return None


#: Public names for the loader's messages and did-you-mean suggestions.
CONDITION_KEYS: tuple[str, ...] = _TAGS
condition_key = _condition_tag


Condition = Annotated[
    Annotated[Missing, Tag("missing")]
    | Annotated[Present, Tag("present")]
    | Annotated[Flagged, Tag("flag")]
    | Annotated[Attempts, Tag("attempts")]
    | Annotated[AnswerScore, Tag("score")]
    | Annotated[Unknown, Tag("acknowledged_unknown")]
    | Annotated[Var, Tag("var")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")],
    Discriminator(
        _condition_tag,
        custom_error_type="unknown_condition",
        custom_error_message=("a condition is a mapping with one of the keys: " + ", ".join(_TAGS)),
    ),
]

_MODEL_TAGS: dict[type[BaseModel], str] = {
    Missing: "missing",
    Present: "present",
    Flagged: "flag",
    Attempts: "attempts",
    AnswerScore: "score",
    Unknown: "acknowledged_unknown",
    Var: "var",
    AllOf: "all",
    AnyOf: "any",
    Not: "not",
}

AllOf.model_rebuild()
AnyOf.model_rebuild()
Not.model_rebuild()


@dataclass(frozen=True)
class ConditionContext:
    """What a condition can see: the analysed answer and the session's state."""

    present: Set[str]
    flags: Set[str]
    expected: tuple[str, ...] = ()
    attempts: int = 1
    score: int = 0
    acknowledged_unknown: bool = False
    variables: Mapping[str, int] = field(default_factory=dict)


def evaluate(condition: Condition, ctx: ConditionContext) -> bool:
    """Whether ``condition`` holds for the answer and state in ``ctx``."""
    match condition:
        case Missing(missing="expected"):
            return any(e not in ctx.present for e in ctx.expected)
        case Missing(missing=names):
            return any(e not in ctx.present for e in names)
        case Present(present=names):
            return all(e in ctx.present for e in names)
        case Flagged(flag=codes):
            return any(c in ctx.flags for c in codes)
        case Attempts(attempts=cmp):
            return cmp.holds(ctx.attempts)
        case AnswerScore(score=cmp):
            return cmp.holds(ctx.score)
        case Unknown(acknowledged_unknown=wanted):
            return ctx.acknowledged_unknown == wanted
        case Var():
            return condition.comparison.holds(ctx.variables.get(condition.var, 0))
        case AllOf(all=parts):
            return all(evaluate(p, ctx) for p in parts)
        case AnyOf(any=parts):
            return any(evaluate(p, ctx) for p in parts)
        case Not(not_=inner):
            return not evaluate(inner, ctx)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover - closed union


def describe(condition: Condition) -> str:
    """A short human-readable label, used for graph edges and playtest reports."""
    match condition:
        case Missing(missing="expected"):
            return "missing an expected element"
        case Missing(missing=names):
            return "missing " + " or ".join(names)
        case Present(present=names):
            return "has " + " and ".join(names)
        case Flagged(flag=codes):
            return "flag " + " or ".join(codes)
        case Attempts(attempts=cmp):
            return f"attempts {cmp.describe()}"
        case AnswerScore(score=cmp):
            return f"score {cmp.describe()}"
        case Unknown(acknowledged_unknown=wanted):
            return "cause acknowledged unknown" if wanted else "cause not acknowledged unknown"
        case Var():
            return f"{condition.var} {condition.comparison.describe()}"
        case AllOf(all=parts):
            return "(" + " and ".join(describe(p) for p in parts) + ")"
        case AnyOf(any=parts):
            return "(" + " or ".join(describe(p) for p in parts) + ")"
        case Not(not_=inner):
            return "not " + describe(inner)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover - closed union


def walk(condition: Condition) -> list[Condition]:
    """Every condition in the tree, ``condition`` first (for static checks)."""
    out: list[Condition] = [condition]
    match condition:
        case AllOf(all=parts) | AnyOf(any=parts):
            for p in parts:
                out.extend(walk(p))
        case Not(not_=inner):
            out.extend(walk(inner))
    return out
