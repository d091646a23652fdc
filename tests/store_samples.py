"""Transcripts built directly (no engine, no scorer) for the store's tests.

``answer_result`` marks evidence and flags by finding phrases in the answer,
so spans always satisfy ``text == answer[start:end]``, as the real scorer's do.
Everything is deterministic: the same call gives an equal transcript, which
the migration tests rely on to check the v1 fixture's contents.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.engine.states import State
from coach.engine.transcript import Gap, Transcript, Turn
from coach.scoring.names import DIMENSIONS, ELEMENTS
from coach.scoring.result import AnswerResult, Deduction, ElementResult, Flag, Span

BASE = datetime(2024, 5, 6, 9, 30, tzinfo=UTC)

#: An answer a user might paste: markup, a terminal escape, a control character.
NASTY = (
    'We rolled back at 14:05 <script>alert("x")</script> and \x1b[31m1,200\x1b[0m '
    "customers were hit\x07; next update at 16:00 & <b>not</b> later."
)


def _span(text: str, phrase: str) -> Span:
    start = text.index(phrase)
    return Span(start=start, end=start + len(phrase), text=phrase)


def answer_result(
    text: str,
    *,
    expects: list[str],
    evidence: dict[str, str] | None = None,
    flags: dict[str, str] | None = None,
    score: int | None = None,
) -> AnswerResult:
    """A result whose element evidence and flags are the given phrases of ``text``."""
    evidence = evidence or {}
    flags = flags or {}
    elements = {
        name: ElementResult(
            present=name in evidence,
            evidence=[evidence[name]] if name in evidence else [],
            spans=[_span(text, evidence[name])] if name in evidence else [],
            up_front=name in evidence and text.index(evidence[name]) < 20,
        )
        for name in ELEMENTS
    }
    flag_list = []
    for code, phrase in flags.items():
        span = _span(text, phrase)
        flag_list.append(
            Flag(
                code=code,
                message=f"{code.replace('_', ' ')} weakens the answer",
                start=span.start,
                end=span.end,
                suggestion=f"say it without '{phrase}'",
                evidence=phrase,
            )
        )
    missing = [e for e in expects if e not in evidence]
    deductions = [
        Deduction(dimension=e, points=15, reason=f"no {e}", code=f"missing:{e}") for e in missing
    ] + [Deduction(dimension="clarity", points=5, reason=code, code=code) for code in flags]
    if score is None:
        score = max(0, 100 - sum(d.points for d in deductions))
    dims = {
        d: max(0, 100 - sum(x.points for x in deductions if x.dimension == d)) for d in DIMENSIONS
    }
    return AnswerResult(
        elements=elements,
        flags=flag_list,
        score=score,
        dimensions=dims,
        deductions=deductions,
        expects=expects,
        missing=missing,
        words=len(text.split()),
        spoken_seconds=round(len(text.split()) / 2.5, 2),
    )


def transcript(
    *,
    scenario_id: str = "engine-branching",
    title: str = "Engine branching fixture",
    role: str = "general",
    started: datetime = BASE,
    status: str = "finished",
    answers: list[tuple[str, AnswerResult]] | None = None,
    overall: int | None = None,
) -> Transcript:
    """A session of the branching fixture's shape: q1 -> q2 -> an ending.

    ``status``: ``finished`` (an ending reached), ``unfinished`` (waiting at the
    node after the last answer) or ``abandoned`` (stopped before an ending).
    """
    if answers is None:
        answers = default_answers()
    turns: list[Turn] = []
    path: list[str] = []
    nodes = ["q1", "q2", "q3", "q4"]
    clock = 0.0
    for i, (text, result) in enumerate(answers):
        node = nodes[min(i, len(nodes) - 1)]
        if not path or path[-1] != node:
            path.append(node)
        turns.append(
            Turn(speaker="ceo", node=node, kind="question", text=f"Question {i + 1}?", at=clock)
        )
        clock += 12.5 + i
        turns.append(
            Turn(
                speaker="user",
                node=node,
                kind="answer",
                text=text,
                at=clock,
                seconds=12.5 + i,
                attempt=1,
                result=result,
                missing=list(result.missing),
                branch=0,
            )
        )
    scores = {
        d: round(sum(r.dimensions.get(d, 0) for _, r in answers) / max(1, len(answers)))
        for d in DIMENSIONS
    }
    if overall is None:
        overall = round(sum(r.score for _, r in answers) / max(1, len(answers)))
    pending = nodes[min(len(answers), len(nodes) - 1)]
    ending: str | None = None
    ended: datetime | None = None
    node: str | None = None
    if status == "finished":
        ending = "trusted"
        turns.append(
            Turn(
                speaker="ceo",
                node="trusted",
                kind="ending",
                text="Good. Keep me posted.",
                at=clock + 1,
            )
        )
        path.append("trusted")
        state = State.FINISHED
        ended = started + timedelta(seconds=clock + 1)
    elif status == "abandoned":
        state = State.ABANDONED
        ended = started + timedelta(seconds=clock + 1)
    else:
        state = State.ASKING
        node = pending
        path.append(pending)
        turns.append(
            Turn(speaker="ceo", node=pending, kind="question", text="And then?", at=clock + 1)
        )
    gaps = (
        [Gap(node="q1", missing=["impact"])]
        if any("impact" in r.missing for _, r in answers)
        else []
    )
    return Transcript(
        scenario_id=scenario_id,
        scenario_version=1,
        scenario_hash="0" * 63 + "1",
        scenario_title=title,
        role=role,
        started_at=started,
        ended_at=ended,
        state=state,
        node=node,
        asked_at=1_700_000_000.0 + clock + 1,
        clock_start=1_700_000_000.0,
        attempts={n: 1 for n in path if n.startswith("q")},
        variables={"patience": 2, "trust": 1},
        path=path,
        turns=turns,
        gaps=gaps,
        ending=ending,
        scores=scores,
        overall=overall,
    )


def default_answers() -> list[tuple[str, AnswerResult]]:
    first = (
        "Checkout failed for 1,200 customers; we rolled back at 14:05, "
        "so it could potentially recur."
    )
    second = "Fixed by 18:00, and I'll update you at 16:00."
    return [
        (
            first,
            answer_result(
                first,
                expects=["impact", "mitigation"],
                evidence={"impact": "1,200 customers", "mitigation": "rolled back at 14:05"},
                flags={"hedging": "could potentially"},
            ),
        ),
        (
            second,
            answer_result(
                second,
                expects=["timeline", "next_update"],
                evidence={"timeline": "by 18:00", "next_update": "update you at 16:00"},
            ),
        ),
    ]


def nasty_answers() -> list[tuple[str, AnswerResult]]:
    """One answer full of markup, escapes and control characters, one plain."""
    second = "Some users, soon."
    return [
        (
            NASTY,
            answer_result(
                NASTY,
                expects=["impact", "mitigation"],
                evidence={
                    "mitigation": "rolled back at 14:05",
                    "next_update": "next update at 16:00",
                },
                flags={"vague_time": "not</b> later"},
            ),
        ),
        (
            second,
            answer_result(
                second,
                expects=["impact", "timeline"],
                flags={"vague_quantity": "Some users", "vague_time": "soon"},
            ),
        ),
    ]
