"""The scenario format, as pydantic models. Unknown keys are rejected.

A scenario is a branching script: each node is one CEO line, the elements the
CEO expects in the answer, and an ordered list of branches; the first branch
whose condition holds picks the next node or ending, and the ``default`` branch
comes last. ``scenarios/README.md`` is the authoring guide for this format.
"""

from __future__ import annotations

import hashlib
import string
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from coach.scenario.conditions import Condition, ElementName

#: Ids are slugs so they work as file names, CLI arguments and graph node names.
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=4000)]

Difficulty = Literal["easy", "medium", "hard"]

#: Endings ranked best first; the engine and tests compare endings by this order.
VERDICTS: tuple[str, ...] = ("excellent", "good", "mixed", "poor", "failed")
Verdict = Literal["excellent", "good", "mixed", "poor", "failed"]

#: The variable every scenario has, initialised from ``ceo.patience``.
PATIENCE = "patience"

#: The placeholders an incident brief fills (coach/brief/facts.py), in the order
#: the brief form shows them. With a brief, these replace the scenario's own
#: facts of the same name; ``situation.with_brief`` words the scenario's others.
BRIEF_PLACEHOLDERS: tuple[str, ...] = (
    "system",
    "what_happened",
    "impact",
    "affected",
    "money",
    "cause",
    "cause_status",
    "mitigation",
    "plan",
    "eta",
    "eta_when",
    "people",
    "next_update",
    "ceo_name",
)


class _Strict(BaseModel):
    # strict: YAML's "no" must not quietly become False where text is expected,
    # and "4" must not quietly become 4.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CeoPersona(_Strict):
    name: Text
    style: Text = Field(description="How the CEO talks, e.g. 'blunt, numbers first'.")
    patience: int = Field(ge=1, le=10, description="Starting value of the patience variable.")


class Situation(_Strict):
    """What the user knows walking in. Every field is a fact that CEO lines can
    reference as ``{field}``; ``facts`` adds any other named facts."""

    system: Text
    what_happened: Text
    impact: Text
    cause: Text
    cause_status: Literal["known", "suspected", "unknown"]
    mitigation: Text
    plan: Text
    eta: Text
    people: Text
    next_update: Text
    facts: dict[Slug, Text] = Field(default_factory=dict)
    with_brief: dict[Slug, Text] = Field(
        default_factory=dict,
        description=(
            "How a fact reads when the user rehearses their own incident from a brief: "
            "the scenario's own value would name somebody else's incident. The wording "
            "may use the brief's placeholders, e.g. {system} or {affected}."
        ),
    )


class Branch(_Strict):
    """One way out of a node. Exactly one of ``when`` and ``default: true``."""

    when: Condition | None = None
    default: bool = False
    goto: Slug = Field(description="A node id or an ending id.")
    say: Text | None = Field(default=None, description="The CEO's reaction before moving on.")
    adjust: dict[str, int] = Field(default_factory=dict, description="Add to variables.")
    set: dict[str, int] = Field(default_factory=dict, description="Set variables.")
    label: Text | None = Field(default=None, description="A name for reports and graphs.")

    @model_validator(mode="after")
    def _when_or_default(self) -> Branch:
        if self.default and self.when is not None:
            raise ValueError("a branch has either 'when' or 'default: true', not both")
        if not self.default and self.when is None:
            raise ValueError("a branch needs 'when: <condition>' or 'default: true'")
        return self


class Node(_Strict):
    id: Slug
    kind: Literal["question", "follow_up"] = "question"
    ceo: Text = Field(description="What the CEO says. May use {fact} placeholders.")
    expects: list[ElementName] = Field(default_factory=list)
    budget: int = Field(default=90, ge=5, le=1000, description="Word budget for the answer.")
    max_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Answers allowed at this node; then the default branch is forced.",
    )
    model_answer: Text
    coaching: Text | None = Field(default=None, description="Why the CEO asks this.")
    branches: list[Branch] = Field(min_length=1)

    @property
    def default_branch(self) -> Branch | None:
        return next((b for b in self.branches if b.default), None)


class Ending(_Strict):
    id: Slug
    verdict: Verdict
    title: Text
    ceo: Text = Field(description="The CEO's closing line.")
    summary: Text = Field(description="What this ending means, for the debrief.")


class Trigger(_Strict):
    """Checked after every answer's effects: ends the meeting early."""

    when: Condition
    goto: Slug = Field(description="An ending id.")
    say: Text | None = None


class Lexicon(_Strict):
    """Scenario-specific additions to the scorer's lexicons."""

    jargon: list[Text] = Field(default_factory=list, description="Terms to explain to a CEO.")
    plain: list[Text] = Field(default_factory=list, description="Terms fine without explaining.")


class Scenario(_Strict):
    id: Slug
    version: int = Field(ge=1)
    title: Text
    role: Slug
    difficulty: Difficulty
    summary: Text
    ceo: CeoPersona
    situation: Situation
    variables: dict[Slug, int] = Field(
        default_factory=dict, description="Starting values; 'patience' comes from ceo.patience."
    )
    checklist: list[Text] = Field(min_length=1)
    glossary: dict[Text, Text] = Field(min_length=1, description="Term -> plain explanation.")
    tips: list[Text] = Field(min_length=1)
    lexicon: Lexicon = Field(default_factory=Lexicon)
    start: Slug | None = Field(default=None, description="First node; defaults to the first.")
    nodes: list[Node] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=1)
    triggers: list[Trigger] = Field(default_factory=list)

    # -- derived views (computed once; the model is frozen) -----------------

    @cached_property
    def node_map(self) -> dict[str, Node]:
        return {n.id: n for n in self.nodes}

    @cached_property
    def ending_map(self) -> dict[str, Ending]:
        return {e.id: e for e in self.endings}

    @property
    def start_id(self) -> str:
        return self.start or self.nodes[0].id

    @cached_property
    def facts(self) -> dict[str, str]:
        """Every placeholder name and its value."""
        s = self.situation
        values = s.model_dump(exclude={"facts", "with_brief"})
        values.update(s.facts)
        values["ceo_name"] = self.ceo.name
        values["title"] = self.title
        return values

    @cached_property
    def initial_variables(self) -> dict[str, int]:
        return {PATIENCE: self.ceo.patience, **self.variables}

    @cached_property
    def content_hash(self) -> str:
        """sha256 of the canonical content, so a transcript knows what it was played on."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()

    def best_verdict(self) -> str:
        return min((e.verdict for e in self.endings), key=VERDICTS.index)


def placeholders(text: str) -> list[str]:
    """The ``{name}`` placeholders in ``text`` (``{{`` escapes a brace)."""
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:
        return []


def fill(text: str, facts: dict[str, str]) -> str:
    """Fill placeholders; an unknown one stays visible as ``{name}``."""

    class _Keep(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    try:
        return text.format_map(_Keep(facts))
    except (ValueError, IndexError, AttributeError, KeyError):
        return text
