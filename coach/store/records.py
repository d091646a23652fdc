"""Light records the store returns for lists and statistics.

Plain dataclasses, not pydantic: ``coach history`` lists thousands of these
and must not pay for importing pydantic or validating transcripts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Status = Literal["finished", "unfinished", "abandoned"]
STATUSES: tuple[Status, ...] = ("finished", "unfinished", "abandoned")


# Not frozen: a frozen dataclass sets each field through object.__setattr__,
# which made building ten thousand of these for `coach history` twice as slow.
@dataclass(slots=True)
class SessionSummary:
    """One stored session, without its turns (treat it as read-only)."""

    id: str
    scenario: str
    title: str
    role: str
    started_at: datetime
    ended_at: datetime | None
    status: Status
    overall: int
    #: How many answers the user gave.
    answers: int = 0
    #: When the session was last saved (UTC).
    updated_at: datetime | None = None
    #: The incident brief rehearsed, if any: the session was about the user's own
    #: incident, and ``title`` (the scenario's) names another one.
    brief: str | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "scenario": self.scenario,
            "title": self.title,
            "role": self.role,
            "started_at": self.started_at.isoformat(),
            "ended_at": self.ended_at.isoformat() if self.ended_at else None,
            "status": self.status,
            "overall": self.overall,
            "answers": self.answers,
            "updated_at": self.updated_at.isoformat() if self.updated_at else None,
            "brief": self.brief,
        }


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    """How a scenario has gone so far. Scores count finished sessions only: an
    abandoned one was scored on the answers it got, which flatters or punishes
    at random."""

    scenario: str
    #: Every stored session of the scenario, whatever its status.
    attempts: int
    finished: int
    #: Overall score of the most recent finished session.
    last: int | None
    best: int | None
    last_at: datetime | None
    #: Overall scores of finished sessions, oldest first (the sparkline).
    trend: list[int] = field(default_factory=list)
    #: The scenario's title as of its most recent session.
    title: str = ""
    #: When its most recent session (of any status) started.
    latest_at: datetime | None = None
    #: How many of the attempts rehearsed an incident brief: the same CEO and
    #: questions, but about the user's own incident, so views label them.
    with_brief: int = 0


def scenario_stats(
    rows: Iterable[tuple[str, str, str, int, datetime, str | None]],
) -> dict[str, ScenarioStats]:
    """Per scenario id, from ``(scenario, title, status, overall, started_at, brief)``
    rows given oldest first (the store's :meth:`stats` and the History screen's trends)."""
    attempts: dict[str, int] = {}
    with_brief: dict[str, int] = {}
    titles: dict[str, str] = {}
    latest: dict[str, datetime] = {}
    trends: dict[str, list[int]] = {}
    last_at: dict[str, datetime] = {}
    for scenario, title, status, overall, started, brief in rows:
        attempts[scenario] = attempts.get(scenario, 0) + 1
        if brief is not None:
            with_brief[scenario] = with_brief.get(scenario, 0) + 1
        titles[scenario] = title
        latest[scenario] = started
        trend = trends.setdefault(scenario, [])
        if status == "finished":
            trend.append(overall)
            last_at[scenario] = started
    return {
        scenario: ScenarioStats(
            scenario=scenario,
            attempts=count,
            finished=len(trends[scenario]),
            last=trends[scenario][-1] if trends[scenario] else None,
            best=max(trends[scenario]) if trends[scenario] else None,
            last_at=last_at.get(scenario),
            trend=trends[scenario],
            title=titles[scenario],
            latest_at=latest[scenario],
            with_brief=with_brief.get(scenario, 0),
        )
        for scenario, count in attempts.items()
    }
