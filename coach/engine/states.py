"""Session states and their transitions, written down in one place.

briefing ─begin─▶ asking ◀──────────┐
                    │  ▲            │
             answer │  │ answer     │ answer
                    ▼  │            │
                  follow_up ────────┘
                    │
  ending reached, or abandon (from any live state)
                    ▼
                 debrief ──close──▶ finished   (an ending was reached)
                              └──▶ abandoned  (the user stopped first)
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    BRIEFING = "briefing"  # created; the CEO has not spoken yet
    ASKING = "asking"  # a question node awaits an answer
    FOLLOW_UP = "follow_up"  # the CEO pushed back; the same or a follow-up node awaits an answer
    DEBRIEF = "debrief"  # the meeting is over; scores are final
    FINISHED = "finished"  # closed after reaching an ending
    ABANDONED = "abandoned"  # closed before reaching an ending


TRANSITIONS: dict[State, frozenset[State]] = {
    State.BRIEFING: frozenset({State.ASKING, State.DEBRIEF}),
    State.ASKING: frozenset({State.ASKING, State.FOLLOW_UP, State.DEBRIEF}),
    State.FOLLOW_UP: frozenset({State.ASKING, State.FOLLOW_UP, State.DEBRIEF}),
    State.DEBRIEF: frozenset({State.FINISHED, State.ABANDONED}),
    State.FINISHED: frozenset(),
    State.ABANDONED: frozenset(),
}

#: States in which the session waits for the user's answer.
AWAITING_ANSWER = frozenset({State.ASKING, State.FOLLOW_UP})
#: States a stored session can be resumed from.
LIVE = frozenset({State.BRIEFING, State.ASKING, State.FOLLOW_UP})


class TransitionError(RuntimeError):
    """A programming error: the caller asked for a move the table forbids."""


def check(current: State, target: State) -> State:
    if target not in TRANSITIONS[current]:
        raise TransitionError(f"cannot go from {current} to {target}")
    return target
