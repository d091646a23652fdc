"""The saved record of a session. Everything needed to resume is in here, so
serialising after any turn and loading it back gives the identical session."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from coach.brief.model import Brief
from coach.engine.states import State
from coach.scoring.result import AnswerResult

#: Bump when the shape changes; loaders upgrade older versions.
TRANSCRIPT_VERSION = 1

TurnKind = Literal["question", "follow_up", "reaction", "ending", "answer"]


class Turn(BaseModel):
    speaker: Literal["ceo", "user"]
    node: str = Field(description="The node (or, for the closing line, the ending) id.")
    kind: TurnKind
    text: str
    #: Seconds since the session started, by the injected clock.
    at: float = 0.0
    # -- user turns only ------------------------------------------------------
    seconds: float | None = Field(default=None, description="Time taken to answer.")
    attempt: int | None = None
    result: AnswerResult | None = None
    missing: list[str] = Field(default_factory=list)
    #: Index of the branch taken at the node, and whether the attempt bound forced it.
    branch: int | None = None
    forced: bool = False

    @property
    def score(self) -> int | None:
        return self.result.score if self.result else None


class Gap(BaseModel):
    """Expected elements still missing when the CEO gave up asking and moved on."""

    node: str
    missing: list[str]


class Transcript(BaseModel):
    version: int = TRANSCRIPT_VERSION
    scenario_id: str
    scenario_version: int
    scenario_hash: str
    scenario_title: str
    role: str
    started_at: datetime
    ended_at: datetime | None = None
    state: State = State.BRIEFING
    #: The node awaiting an answer (None before the start and after the end).
    node: str | None = None
    #: Clock reading when the pending question was asked (for seconds taken).
    asked_at: float = 0.0
    #: Clock reading at the start (``started_at`` is its wall-clock form).
    clock_start: float = 0.0
    attempts: dict[str, int] = Field(default_factory=dict)
    variables: dict[str, int] = Field(default_factory=dict)
    path: list[str] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    gaps: list[Gap] = Field(default_factory=list)
    ending: str | None = None
    scores: dict[str, int] = Field(default_factory=dict)
    overall: int = 0
    #: The incident brief rehearsed, if any: its name, and a copy as it was then (the
    #: file may change later; resuming and the follow-up write-up use this copy).
    brief_name: str | None = None
    brief: Brief | None = None

    @property
    def user_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.speaker == "user"]

    @property
    def status(self) -> Literal["finished", "unfinished", "abandoned"]:
        if self.state is State.FINISHED or (self.state is State.DEBRIEF and self.ending):
            return "finished"
        if self.state in (State.ABANDONED, State.DEBRIEF):
            return "abandoned"
        return "unfinished"


def utc_from_timestamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)
