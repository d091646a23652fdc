"""Two attempts side by side: what changed in each score, which flags went
away and which appeared, and the two answers to each question.

Pure functions of two transcripts, so the History screen only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from coach.scoring.names import DIMENSIONS

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript, Turn


@dataclass(frozen=True)
class ScoreChange:
    name: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class FlagChange:
    code: str
    #: How many answers raised it in each attempt.
    before: int
    after: int


@dataclass(frozen=True)
class NodeAnswers:
    """Both attempts' answers to one question (several when the CEO pushed back)."""

    node: str
    question: str
    before: list[Turn] = field(default_factory=list)
    after: list[Turn] = field(default_factory=list)


@dataclass(frozen=True)
class Comparison:
    before: Transcript
    after: Transcript
    overall: ScoreChange
    dimensions: list[ScoreChange]
    #: Raised in the earlier attempt, not in the later one.
    flags_gone: list[FlagChange]
    #: Raised in the later attempt, not in the earlier one.
    flags_new: list[FlagChange]
    #: Raised in both (with their counts, which may have changed).
    flags_kept: list[FlagChange]
    #: Every question either attempt answered, in the order they were asked.
    nodes: list[NodeAnswers]

    @property
    def same_scenario(self) -> bool:
        return self.before.scenario_id == self.after.scenario_id


def flag_counts(transcript: Transcript) -> dict[str, int]:
    """Flag code -> number of answers that raised it."""
    counts: dict[str, int] = {}
    for turn in transcript.turns:
        if turn.result is None:
            continue
        for code in sorted(turn.result.flag_codes):
            counts[code] = counts.get(code, 0) + 1
    return counts


def compare(first: Transcript, second: Transcript) -> Comparison:
    """Compare two attempts; the earlier one (by start time) is ``before``."""
    before, after = (first, second) if first.started_at <= second.started_at else (second, first)
    names: list[str] = [d for d in DIMENSIONS if d in before.scores or d in after.scores]
    names += [d for d in {**before.scores, **after.scores} if d not in DIMENSIONS]
    dimensions = [ScoreChange(n, before.scores.get(n), after.scores.get(n)) for n in names]
    a, b = flag_counts(before), flag_counts(after)
    changes = [FlagChange(code, a.get(code, 0), b.get(code, 0)) for code in sorted({*a, *b})]
    return Comparison(
        before=before,
        after=after,
        overall=ScoreChange("overall", before.overall, after.overall),
        dimensions=dimensions,
        flags_gone=[c for c in changes if c.before and not c.after],
        flags_new=[c for c in changes if c.after and not c.before],
        flags_kept=[c for c in changes if c.before and c.after],
        nodes=_nodes(before, after),
    )


def _nodes(before: Transcript, after: Transcript) -> list[NodeAnswers]:
    order: list[str] = []
    questions: dict[str, str] = {}
    answers: dict[str, tuple[list[Turn], list[Turn]]] = {}
    for side, transcript in enumerate((before, after)):
        for turn in transcript.turns:
            if turn.speaker == "ceo":
                if turn.kind in ("question", "follow_up"):
                    questions.setdefault(turn.node, turn.text)
                continue
            if turn.node not in answers:
                order.append(turn.node)
                answers[turn.node] = ([], [])
            answers[turn.node][side].append(turn)
    return [
        NodeAnswers(node, questions.get(node, node), answers[node][0], answers[node][1])
        for node in order
    ]
