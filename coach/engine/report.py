"""A readable, plain-text scored transcript and debrief (``coach run``, ``coach show``),
and the wording every human-readable view shares: a CEO question named in words
(node ids such as "now" or "q2" mean nothing to a reader), used here, by the
exports and by the Debrief screen.

Every string is stripped of terminal escapes before it is printed: answers are
stored verbatim and an imported session's other text is no more trusted. With
``color`` the evidence for each element is highlighted and flags are underlined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coach.scoring.names import DIMENSIONS
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.engine.debrief import Debrief
    from coach.engine.transcript import Transcript, Turn

_BOLD, _DIM, _UNDER, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[4m", "\x1b[0m"
_ELEMENT_COLOR = "\x1b[32m"  # green: evidence the CEO wanted


# -- naming a session ------------------------------------------------------------


def session_title(scenario_title: str, brief_name: str | None) -> str:
    """What a session is called wherever it is listed or headed. A session
    rehearsed with an incident brief was about the user's own incident: the
    scenario gave the CEO and the questions, and its title names another incident."""
    return f"Your incident: {brief_name}" if brief_name else scenario_title


def brief_attempts(with_brief: int, attempts: int) -> str:
    """`` (1 with a brief)`` after a scenario's attempt count, when some of them
    rehearsed the user's own incident from a brief.

    Those count as attempts, and their scores as the scenario's: the same CEO
    asked the same questions and the same scorer marked the answers. But the
    facts were another incident's, so the count says how many were."""
    if not with_brief:
        return ""
    if with_brief == attempts:
        return " (with a brief)" if attempts == 1 else " (all with a brief)"
    return f" ({with_brief} with a brief)"


# -- naming a question in words --------------------------------------------------

#: A CEO question quoted beside a gap or an improvement is cut to about this length.
QUOTE_CHARS = 72


def _short(text: str) -> str:
    """One line of at most :data:`QUOTE_CHARS`, ending on a whole word."""
    line = " ".join(strip_terminal(text).split())
    if len(line) <= QUOTE_CHARS:
        return line
    cut = line[:QUOTE_CHARS]
    return (cut[: cut.rfind(" ")] if " " in cut else cut).rstrip(" ,;:") + " …"


def asked(transcript: Transcript, node: str) -> str | None:
    """What the CEO asked at ``node``, shortened. ``None`` when the transcript has
    no line there."""
    lines = [t for t in transcript.turns if t.speaker == "ceo" and t.node == node]
    first = next((t for t in lines if t.kind == "question"), lines[0] if lines else None)
    return None if first is None else _short(first.text)


def element_words(name: str) -> str:
    """``root_cause`` as ``root cause``."""
    return name.replace("_", " ")


def gap_lines(transcript: Transcript) -> list[str]:
    """Each point the CEO gave up asking about, with the question in words."""
    out = []
    for gap in transcript.gaps:
        missing = ", ".join(element_words(name) for name in gap.missing)
        question = asked(transcript, gap.node)
        out.append(f"{missing}, asked in “{question}”" if question else f"{missing} ({gap.node})")
    return out


def improvement_where(transcript: Transcript, node: str, points: int) -> str:
    """``−300 points across all answers; worst in your answer to “…”``."""
    question = asked(transcript, node)
    where = f"your answer to “{question}”" if question else f"the answer at {node}"
    return f"−{points} points across all answers; worst in {where}"


# -- the plain-text report -------------------------------------------------------


def highlight(turn: Turn, color: bool) -> str:
    """The answer with evidence (and flags, underlined) marked."""
    text = turn.text
    if not color or turn.result is None:
        return strip_terminal(text)
    marks: list[tuple[int, int, str]] = []
    for element in turn.result.elements.values():
        marks.extend((s.start, s.end, _ELEMENT_COLOR) for s in element.spans)
    marks.extend((f.start, f.end, _UNDER) for f in turn.result.flags if f.end > f.start)
    marks.sort()
    out: list[str] = []
    pos = 0
    for start, end, style in marks:
        if start < pos:  # overlapping marks: keep the first
            continue
        out.append(strip_terminal(text[pos:start]))
        out.append(style + strip_terminal(text[start:end]) + _RESET)
        pos = end
    out.append(strip_terminal(text[pos:]))
    return "".join(out)


def render(transcript: Transcript, debrief: Debrief, *, color: bool = False) -> str:
    def b(s: str) -> str:
        return _BOLD + s + _RESET if color else s

    def dim(s: str) -> str:
        return _DIM + s + _RESET if color else s

    def plain(s: str | None) -> str:
        return strip_terminal(s or "")

    t = transcript
    if t.brief_name:
        # The user's own incident (`coach brief check NAME`); the scenario only gave
        # the CEO and the questions, and its title names another incident.
        title = f"Your incident: {plain(t.brief_name)}"
        lines = [b(f"{title}  [questions from {plain(t.scenario_id)}]")]
    else:
        lines = [b(f"{plain(debrief.title)}  [{plain(t.scenario_id)}]")]
    lines.append("")
    for turn in t.turns:
        if turn.speaker == "ceo":
            lines.append(f"CEO: {plain(turn.text)}")
            continue
        result = turn.result
        score = f"{result.score:3d}" if result else "  -"
        lines.append(f"YOU [{score}]: {highlight(turn, color)}")
        if result:
            if turn.missing:
                missing = ", ".join(element_words(plain(m)) for m in turn.missing)
                lines.append(dim(f"      missing: {missing}"))
            for flag in result.flags:
                said = f"{plain(flag.code)}: {plain(flag.message)} — {plain(flag.suggestion)}"
                lines.append(dim(f"      {said}"))
        lines.append("")
    lines.append("")
    lines.append(b("Debrief"))
    if debrief.ending_title:
        lines.append(f"Ending: {plain(debrief.ending_title)} ({plain(debrief.verdict)})")
        if debrief.ending_summary:
            lines.append(f"  {plain(debrief.ending_summary)}")
    else:
        lines.append(f"Ending: none — the session was {debrief.status}")
    lines.append(b(f"Overall: {debrief.overall}/100"))
    for dim_name in DIMENSIONS:
        if dim_name in debrief.scores:
            lines.append(f"  {dim_name:12} {debrief.scores[dim_name]:3d}")
    if debrief.improvements:
        lines.append("")
        lines.append(b("Practise next"))
        for i, imp in enumerate(debrief.improvements, 1):
            where = improvement_where(t, imp.node, imp.points)
            lines.append(f"  {i}. {plain(imp.title)} ({plain(where)})")
            if imp.detail:
                lines.append(f"     {plain(imp.detail)}")
    gaps = gap_lines(t)
    if gaps:
        lines.append("")
        lines.append("Gaps the CEO gave up on: " + "; ".join(plain(g) for g in gaps))
    lines.append("")
    lines.append(b("Your answers beside the model answers"))
    for review in debrief.reviews:
        lines.append(f"- {plain(review.question)}")
        for index in review.answers:
            lines.append(f"    you:   {plain(t.turns[index].text)}")
        # "model (from your brief)": rehearsing the user's own incident.
        source = " (from your brief)" if review.model_answer_from == "brief" else ""
        lines.append(f"    model{source}: {plain(review.model_answer)}")
    return "\n".join(lines) + "\n"


def run_json(transcript: Transcript, debrief: Debrief) -> dict[str, object]:
    """The ``coach run --json`` contract (plus a few extra keys)."""
    turns = []
    for turn in transcript.turns:
        result = turn.result
        turns.append(
            {
                "speaker": turn.speaker,
                "node": turn.node,
                "kind": turn.kind,
                "text": turn.text,
                "score": result.score if result else None,
                "missing": list(turn.missing),
                "flags": [
                    {"code": f.code, "message": f.message, "suggestion": f.suggestion}
                    for f in (result.flags if result else [])
                ],
                "seconds": turn.seconds,
            }
        )
    return {
        "scenario": transcript.scenario_id,
        "brief": transcript.brief_name,
        "status": "finished" if transcript.ending else "abandoned",
        "ending": transcript.ending,
        "verdict": debrief.verdict,
        "turns": turns,
        "scores": dict(transcript.scores),
        "overall": transcript.overall,
        "path": list(transcript.path),
        "gaps": [g.model_dump() for g in transcript.gaps],
        "improvements": [i.model_dump() for i in debrief.improvements],
        # Each question answered, beside the model answer, as the Debrief shows them:
        # node, question, answers (indexes into "turns"), model_answer,
        # model_answer_from ("scenario", or "brief" when put together from the
        # user's brief) and coaching.
        "reviews": [r.model_dump() for r in debrief.reviews],
    }
