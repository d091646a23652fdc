"""Play a scenario answer by answer.

A :class:`Session` owns a :class:`~coach.engine.transcript.Transcript` and moves
it through the states in :mod:`coach.engine.states`. It does no I/O: the clock
is injected, scoring is a pure function, and the caller (CLI, TUI, tests)
decides what to show and when to save.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from coach.brief.facts import check_facts, session_facts
from coach.brief.model import Brief
from coach.engine import states
from coach.engine.states import State
from coach.engine.transcript import Gap, Transcript, Turn, TurnKind, utc_from_timestamp
from coach.errors import CoachError
from coach.scenario.conditions import ConditionContext, evaluate
from coach.scenario.model import Branch, Node, Scenario, fill
from coach.scoring.brief_checks import apply_brief_checks
from coach.scoring.result import AnswerResult
from coach.scoring.scorer import score_answer, session_scores
from coach.textsafe import strip_terminal

Clock = Callable[[], float]


class ScoreFn(Protocol):
    """The scorer's signature (injectable so state-machine tests can fake it)."""

    def __call__(
        self,
        text: str,
        *,
        expects: Sequence[str] = ...,
        budget: int | None = ...,
        glossary: Mapping[str, str] | None = ...,
        jargon: Sequence[str] = ...,
        plain: Sequence[str] = ...,
        role: str | None = ...,
        earlier: Sequence[AnswerResult] = ...,
    ) -> AnswerResult: ...


class Session:
    """One rehearsal of one scenario."""

    def __init__(
        self,
        scenario: Scenario,
        transcript: Transcript,
        *,
        clock: Clock = time.time,
        facts: dict[str, str] | None = None,
        scorer: ScoreFn = score_answer,
    ) -> None:
        self.scenario = scenario
        self.transcript = transcript
        self.clock = clock
        self.scorer = scorer
        brief = transcript.brief
        #: Placeholder values: the scenario's facts, then the brief's (the CEO talks
        #: about the user's own incident), then any given here.
        self.facts = session_facts(scenario, brief, facts)
        #: What answers are checked against (contradictions, an overclaimed cause).
        self.brief_facts = check_facts(brief) if brief else None

    # -- construction ------------------------------------------------------

    @classmethod
    def new(
        cls,
        scenario: Scenario,
        *,
        clock: Clock = time.time,
        facts: dict[str, str] | None = None,
        scorer: ScoreFn = score_answer,
        brief: Brief | None = None,
        brief_name: str | None = None,
    ) -> Session:
        """A new session; with ``brief``, of the user's own incident (see :mod:`coach.brief`)."""
        now = clock()
        transcript = Transcript(
            scenario_id=scenario.id,
            scenario_version=scenario.version,
            scenario_hash=scenario.content_hash,
            scenario_title=scenario.title,
            role=scenario.role,
            started_at=utc_from_timestamp(now),
            clock_start=now,
            variables=dict(scenario.initial_variables),
            brief_name=brief_name,
            brief=brief,
        )
        return cls(scenario, transcript, clock=clock, facts=facts, scorer=scorer)

    @classmethod
    def resume(
        cls,
        scenario: Scenario,
        transcript: Transcript,
        *,
        clock: Clock = time.time,
        facts: dict[str, str] | None = None,
        scorer: ScoreFn = score_answer,
    ) -> Session:
        """Continue a saved session from the exact node with the same variables."""
        if transcript.scenario_id != scenario.id:
            raise CoachError(
                f"session belongs to scenario {transcript.scenario_id!r}, not {scenario.id!r}"
            )
        if transcript.scenario_hash != scenario.content_hash:
            raise CoachError(
                f"scenario {scenario.id!r} changed since this session started "
                f"(version {transcript.scenario_version} then, {scenario.version} now); "
                "start a new session instead"
            )
        return cls(
            scenario, transcript.model_copy(deep=True), clock=clock, facts=facts, scorer=scorer
        )

    # -- queries -----------------------------------------------------------

    @property
    def state(self) -> State:
        return self.transcript.state

    @property
    def awaiting_answer(self) -> bool:
        return self.state in states.AWAITING_ANSWER

    @property
    def current_node(self) -> Node | None:
        node_id = self.transcript.node
        return self.scenario.node_map[node_id] if node_id else None

    @property
    def results(self) -> list[AnswerResult]:
        return [t.result for t in self.transcript.turns if t.result is not None]

    def draft_result(self, text: str) -> AnswerResult:
        """Score a draft against the pending question without recording it (live hints)."""
        node = self.current_node
        return self._score(text, node)

    # -- transitions ---------------------------------------------------------

    def begin(self) -> list[Turn]:
        """The CEO opens the meeting with the start node's line."""
        self._move(State.ASKING)
        turns: list[Turn] = []
        self._ask(self.scenario.node_map[self.scenario.start_id], None, turns)
        return turns

    def answer(self, text: str) -> list[Turn]:
        """Record and score an answer; return the CEO's turns that follow it.

        Terminal escapes and control characters are removed first (a pasted
        answer may carry colours). An empty answer is refused: nothing changes and
        ``ValueError`` says why.
        """
        if not self.awaiting_answer:
            raise states.TransitionError(f"no question is pending (state: {self.state})")
        # Terminal escapes carry no meaning in an answer, and the scorer would read
        # "\x1b[0m card payments" as "0 card payments": they go before anything else.
        text = strip_terminal(text)
        if not text.strip():
            raise ValueError("an empty answer; say something, even 'I don't know yet'")
        node = self.current_node
        assert node is not None
        t = self.transcript
        now = self.clock()
        attempt = t.attempts.get(node.id, 0) + 1
        t.attempts[node.id] = attempt
        result = self._score(text, node)
        forced = attempt >= node.max_attempts
        index, branch = self._choose(node, result, attempt, forced)
        t.turns.append(
            Turn(
                speaker="user",
                node=node.id,
                kind="answer",
                text=text,
                at=now - t.clock_start,
                seconds=max(0.0, now - t.asked_at),
                attempt=attempt,
                result=result,
                missing=list(result.missing),
                branch=index,
                forced=forced,
            )
        )
        if forced and result.missing:
            t.gaps.append(Gap(node=node.id, missing=list(result.missing)))
        self._apply(branch)
        turns: list[Turn] = []
        after = self._context(node, result, attempt)
        trigger = next((tr for tr in self.scenario.triggers if evaluate(tr.when, after)), None)
        if trigger is not None:
            # A re-ask's line is a question; asking it just before walking out makes no sense.
            if branch.say and branch.goto != node.id:
                self._say(node.id, "reaction", branch.say, turns)
            if trigger.say:
                self._say(node.id, "reaction", trigger.say, turns)
            self._end(trigger.goto, turns)
        elif branch.goto in self.scenario.ending_map:
            if branch.say:
                self._say(node.id, "reaction", branch.say, turns)
            self._end(branch.goto, turns)
        elif branch.goto == node.id and branch.say:
            # Re-asking the same node: the reaction *is* the follow-up question.
            self._move(State.FOLLOW_UP)
            self._say(node.id, "follow_up", branch.say, turns)
            t.asked_at = self.clock()
        else:
            if branch.say:
                self._say(node.id, "reaction", branch.say, turns)
            self._ask(self.scenario.node_map[branch.goto], node, turns)
        self._rescore()
        return turns

    def abandon(self) -> None:
        """Stop before an ending (answers ran out, the user quit)."""
        if self.state in states.LIVE:
            self._move(State.DEBRIEF)
            self.transcript.node = None
            self.transcript.ended_at = utc_from_timestamp(self.clock())
            self._rescore()
        if self.state is State.DEBRIEF and not self.transcript.ending:
            self._move(State.ABANDONED)

    def close(self) -> None:
        """Close the debrief: finished if an ending was reached, else abandoned."""
        if self.state in states.LIVE:
            self.abandon()
            return
        if self.state is State.DEBRIEF:
            self._move(State.FINISHED if self.transcript.ending else State.ABANDONED)

    def restart_timer(self) -> None:
        """After a resume, time the pending answer from now, not from before the break."""
        self.transcript.asked_at = self.clock()

    # -- internals -----------------------------------------------------------

    def _score(self, text: str, node: Node | None) -> AnswerResult:
        s = self.scenario
        result = self.scorer(
            text,
            expects=node.expects if node else (),
            budget=node.budget if node else None,
            glossary=s.glossary,
            jargon=s.lexicon.jargon,
            plain=s.lexicon.plain,
            role=s.role,
            earlier=self.results,
        )
        if self.brief_facts is not None:
            result = apply_brief_checks(text, result, self.brief_facts)
        return result

    def _context(
        self, node: Node, result: AnswerResult | None, attempt: int = 0
    ) -> ConditionContext:
        return ConditionContext(
            present=result.present if result else frozenset(),
            flags=result.flag_codes if result else frozenset(),
            expected=tuple(node.expects),
            attempts=attempt,
            score=result.score if result else 0,
            acknowledged_unknown=result.acknowledged_unknown if result else False,
            variables=self.transcript.variables,
        )

    def _choose(
        self, node: Node, result: AnswerResult, attempt: int, forced: bool
    ) -> tuple[int, Branch]:
        """First matching branch; the default once the attempt bound is reached."""
        if not forced:
            ctx = self._context(node, result, attempt)
            for index, branch in enumerate(node.branches):
                if branch.default or (branch.when is not None and evaluate(branch.when, ctx)):
                    return index, branch
        for index, branch in enumerate(node.branches):
            if branch.default:
                return index, branch
        # The validator rejects nodes without a default; a last branch is the safe fallback.
        return len(node.branches) - 1, node.branches[-1]

    def _apply(self, branch: Branch) -> None:
        variables = self.transcript.variables
        for name, delta in branch.adjust.items():
            variables[name] = variables.get(name, 0) + delta
        variables.update(branch.set)

    def _ask(self, node: Node, previous: Node | None, turns: list[Turn]) -> None:
        follow_up = node.kind == "follow_up"
        self._move(State.FOLLOW_UP if follow_up else State.ASKING)
        t = self.transcript
        t.node = node.id
        t.path.append(node.id)
        kind: TurnKind = "follow_up" if follow_up else "question"
        self._say(node.id, kind, node.ceo, turns)
        t.asked_at = self.clock()

    def _say(self, node_id: str, kind: TurnKind, text: str, turns: list[Turn]) -> None:
        t = self.transcript
        turn = Turn(
            speaker="ceo",
            node=node_id,
            kind=kind,
            text=fill(text, self.facts),
            at=self.clock() - t.clock_start,
        )
        t.turns.append(turn)
        turns.append(turn)

    def _end(self, ending_id: str, turns: list[Turn]) -> None:
        ending = self.scenario.ending_map[ending_id]
        self._say(ending_id, "ending", ending.ceo, turns)
        t = self.transcript
        t.ending = ending_id
        t.node = None
        t.path.append(ending_id)
        t.ended_at = utc_from_timestamp(self.clock())
        self._move(State.DEBRIEF)

    def _rescore(self) -> None:
        scores, overall = session_scores(self.results)
        self.transcript.scores = scores
        self.transcript.overall = overall

    def _move(self, target: State) -> None:
        self.transcript.state = states.check(self.transcript.state, target)
