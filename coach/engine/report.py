"""A readable, plain-text scored transcript and debrief (``coach run``, ``coach show``).

User text is stripped of terminal escapes before it is printed. With ``color``
the evidence for each element is highlighted and flags are underlined.
"""

from __future__ import annotations

from coach.engine.debrief import Debrief
from coach.engine.transcript import Transcript, Turn
from coach.scoring.names import DIMENSIONS
from coach.textsafe import strip_terminal

_BOLD, _DIM, _UNDER, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[4m", "\x1b[0m"
_ELEMENT_COLOR = "\x1b[32m"  # green: evidence the CEO wanted


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

    lines = [b(f"{debrief.title}  [{transcript.scenario_id}]")]
    if transcript.brief_name:
        # Which incident the answers were checked against (`coach brief check NAME`).
        lines.append(f"Your incident: brief {strip_terminal(transcript.brief_name)}")
    lines.append("")
    for turn in transcript.turns:
        if turn.speaker == "ceo":
            lines.append(f"CEO: {turn.text}")
            continue
        result = turn.result
        score = f"{result.score:3d}" if result else "  -"
        lines.append(f"YOU [{score}]: {highlight(turn, color)}")
        if result:
            if turn.missing:
                lines.append(dim(f"      missing: {', '.join(turn.missing)}"))
            for flag in result.flags:
                lines.append(dim(f"      {flag.code}: {flag.message} — {flag.suggestion}"))
        lines.append("")
    lines.append("")
    lines.append(b("Debrief"))
    if debrief.ending_title:
        lines.append(f"Ending: {debrief.ending_title} ({debrief.verdict})")
        if debrief.ending_summary:
            lines.append(f"  {debrief.ending_summary}")
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
            lines.append(f"  {i}. {imp.title} (answer at '{imp.node}', −{imp.points})")
            if imp.detail:
                lines.append(f"     {imp.detail}")
    if debrief.gaps:
        lines.append("")
        lines.append("Gaps the CEO gave up on: " + "; ".join(debrief.gaps))
    lines.append("")
    lines.append(b("Your answers beside the model answers"))
    for review in debrief.reviews:
        lines.append(f"- {review.question}")
        for index in review.answers:
            lines.append(f"    you:   {strip_terminal(transcript.turns[index].text)}")
        lines.append(f"    model: {review.model_answer}")
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
    }
