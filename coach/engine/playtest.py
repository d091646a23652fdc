"""Automated playthroughs: a seeded random walk with generated answers.

At each node the walker picks a branch to aim at (preferring ones no walk has
taken yet), works out roughly what an answer needs to take it — which elements
to include or leave out, which flaw to commit — and assembles such an answer
from ``data/answer_fragments.yaml``. The real scorer and engine then decide
which branch is taken, so coverage measures what the scenario does in practice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from coach.engine.session import Session
from coach.scenario.conditions import (
    AllOf,
    AnswerScore,
    AnyOf,
    Condition,
    Flagged,
    Missing,
    Not,
    Present,
    Unknown,
    describe,
)
from coach.scenario.model import Node, Scenario

MAX_TURNS = 80


@cache
def fragments() -> dict[str, object]:
    text = resources.files("coach.engine").joinpath("data/answer_fragments.yaml").read_text()
    data: dict[str, object] = yaml.safe_load(text)
    return data


@dataclass
class Aim:
    include: set[str] = field(default_factory=set)
    exclude: set[str] = field(default_factory=set)
    flaws: set[str] = field(default_factory=set)
    clean: bool = False  # avoid every flaw
    unknown: bool = False  # say the cause is not known yet, and when it will be


def solve(condition: Condition, expected: tuple[str, ...], rng: random.Random) -> Aim:
    """Roughly what an answer needs for ``condition`` to hold."""
    match condition:
        case Missing(missing="expected"):
            return Aim(exclude={rng.choice(expected)} if expected else set())
        case Missing(missing=names):
            return Aim(exclude={rng.choice(list(names))})
        case Present(present=names):
            return Aim(include=set(names))
        case Flagged(flag=codes):
            return Aim(flaws={rng.choice(list(codes))})
        case AnswerScore(score=cmp):
            if cmp.gte is not None or cmp.gt is not None:
                return Aim(include=set(expected), clean=True)
            return Aim(exclude=set(expected), flaws={"hedging"})
        case AllOf(all=parts):
            aim = Aim()
            for part in parts:
                sub = solve(part, expected, rng)
                aim.include |= sub.include
                aim.exclude |= sub.exclude
                aim.flaws |= sub.flaws
                aim.clean |= sub.clean
                aim.unknown |= sub.unknown
            aim.include -= aim.exclude
            return aim
        case Unknown(acknowledged_unknown=True):
            return Aim(exclude={"root_cause"}, unknown=True)
        case AnyOf(any=parts):
            return solve(rng.choice(parts), expected, rng)
        case Not(not_=Missing(missing="expected")):
            return Aim(include=set(expected))
        case Not(not_=Missing(missing=names)):
            return Aim(include=set(names))
        case Not(not_=Present(present=names)):
            return Aim(exclude={rng.choice(list(names))})
        case Not(not_=Flagged()):
            return Aim(clean=True)
    # attempts, variables, acknowledged_unknown: the state decides, not the answer.
    return Aim()


def aim_at(node: Node, target: int, rng: random.Random) -> Aim:
    """Aim at branch ``target`` and away from the branches before it."""
    expected = tuple(node.expects)
    branch = node.branches[target]
    aim = (
        Aim(include=set(expected), clean=True)
        if branch.when is None
        else solve(branch.when, expected, rng)
    )
    avoid: set[str] = set()
    wants_low_score = False
    for earlier in node.branches[:target]:
        if earlier.when is None:
            continue
        match earlier.when:
            case Missing(missing="expected"):
                aim.include |= set(expected) - aim.exclude
            case Missing(missing=names):
                aim.include |= set(names) - aim.exclude
            case Flagged(flag=codes):
                avoid |= set(codes)
            case AnswerScore(score=cmp) if cmp.gte is not None or cmp.gt is not None:
                wants_low_score = True
    aim.flaws -= avoid
    if wants_low_score:
        # Dodge a "strong answer" branch: a flaw that costs points but that no
        # earlier branch reacts to.
        mild = sorted(_MILD_FLAWS - avoid)
        if mild:
            aim.clean = False
            aim.flaws.add(rng.choice(mild))
    elif avoid and not aim.flaws:
        aim.clean = True
    return aim


#: Flaws that lower an answer's score without changing what it says.
_MILD_FLAWS = frozenset({"filler", "jargon", "apology", "too_long", "counterfactual"})


def compose(aim: Aim, expected: tuple[str, ...], rng: random.Random) -> str:
    data = fragments()
    elements: dict[str, list[str]] = data["elements"]  # type: ignore[assignment]
    flaws: dict[str, list[str]] = data["flaws"]  # type: ignore[assignment]
    neutral: list[str] = data["neutral"]  # type: ignore[assignment]
    chosen = set(aim.include)
    for name in elements:
        if name in aim.exclude or name in chosen:
            continue
        # Unconstrained elements: expected ones usually, others now and then.
        if rng.random() < (0.6 if name in expected else 0.15):
            chosen.add(name)
    sentences = [rng.choice(elements[name]) for name in sorted(chosen)]
    rng.shuffle(sentences)
    flaw_codes = set(aim.flaws)
    if not aim.clean and not flaw_codes and rng.random() < 0.3:
        flaw_codes.add(rng.choice(sorted(flaws)))
    for code in sorted(flaw_codes):
        if code == "too_long":
            sentences.append(str(data["padding"]) * 6)
        elif code == "buried_lede":
            sentences.insert(0, rng.choice(neutral))
        elif code in flaws:
            sentences.insert(rng.randrange(len(sentences) + 1), rng.choice(flaws[code]))
    if aim.unknown:
        unknown: list[str] = data["unknown_cause"]  # type: ignore[assignment]
        sentences.append(rng.choice(unknown))
    if not sentences:
        sentences.append(rng.choice(neutral))
    return " ".join(sentences)


@dataclass
class Coverage:
    scenario: Scenario
    runs: int = 0
    nodes: set[str] = field(default_factory=set)
    branches: set[tuple[str, int]] = field(default_factory=set)
    endings: set[str] = field(default_factory=set)
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def unreached_nodes(self) -> list[str]:
        return [n.id for n in self.scenario.nodes if n.id not in self.nodes]

    @property
    def unreached_branches(self) -> list[tuple[str, int, str]]:
        out = []
        for node in self.scenario.nodes:
            for i, b in enumerate(node.branches):
                if (node.id, i) not in self.branches:
                    label = b.label or ("default" if b.when is None else describe(b.when))
                    out.append((node.id, i, label))
        return out

    @property
    def unreached_endings(self) -> list[str]:
        return [e.id for e in self.scenario.endings if e.id not in self.endings]

    @property
    def complete(self) -> bool:
        return not (self.unreached_nodes or self.unreached_branches or self.unreached_endings)

    def as_dict(self) -> dict[str, object]:
        total_branches = sum(len(n.branches) for n in self.scenario.nodes)
        return {
            "scenario": self.scenario.id,
            "runs": self.runs,
            "nodes": {"reached": len(self.nodes), "total": len(self.scenario.nodes)},
            "branches": {"reached": len(self.branches), "total": total_branches},
            "endings": {"reached": len(self.endings), "total": len(self.scenario.endings)},
            "statuses": self.statuses,
            "unreached_nodes": self.unreached_nodes,
            "unreached_branches": [
                {"node": n, "index": i, "condition": c} for n, i, c in self.unreached_branches
            ],
            "unreached_endings": self.unreached_endings,
            "complete": self.complete,
        }


def walk(scenario: Scenario, rng: random.Random, coverage: Coverage) -> Session:
    """One playthrough; records what it reached in ``coverage``."""
    ticks = iter(range(10**9))
    session = Session.new(scenario, clock=lambda: float(next(ticks)))
    session.begin()
    # Each walk plays a person of some skill: a skilled one mostly gives the
    # answer the default branch wants, which is how the best endings get reached.
    skill = rng.random()
    for _ in range(MAX_TURNS):
        node = session.current_node
        if node is None:
            break
        coverage.nodes.add(node.id)
        untaken = [i for i in range(len(node.branches)) if (node.id, i) not in coverage.branches]
        if rng.random() < skill:
            target = next(i for i, b in enumerate(node.branches) if b.default)
        elif untaken and rng.random() < 0.75:
            target = rng.choice(untaken)
        else:
            target = rng.randrange(len(node.branches))
        text = compose(aim_at(node, target, rng), tuple(node.expects), rng)
        session.answer(text)
        turn = session.transcript.turns[-1 - _ceo_turns_after_last_answer(session)]
        assert turn.branch is not None
        coverage.branches.add((node.id, turn.branch))
    if session.transcript.ending:
        coverage.endings.add(session.transcript.ending)
    session.close()
    coverage.runs += 1
    status = session.transcript.status
    coverage.statuses[status] = coverage.statuses.get(status, 0) + 1
    return session


def _ceo_turns_after_last_answer(session: Session) -> int:
    count = 0
    for turn in reversed(session.transcript.turns):
        if turn.speaker == "user":
            return count
        count += 1
    return count


def playtest(scenario: Scenario, runs: int = 200, seed: int = 0) -> Coverage:
    rng = random.Random(seed)
    coverage = Coverage(scenario)
    for _ in range(runs):
        walk(scenario, rng, coverage)
        if coverage.complete:
            break
    return coverage
