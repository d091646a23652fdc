"""Turn engine results into Textual ``Content``: highlighted answers, bars, clocks.

Presentation only: every number shown here comes from the scorer or the engine.
User text is stripped of terminal escapes and never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content

from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.engine.transcript import Turn
    from coach.scoring.result import AnswerResult

#: A speaking pace that is neither rushed nor slow (words per minute).
SPEAKING_WPM = 150

#: Show this much of a very long answer on screen; exports carry the whole text.
ANSWER_PREVIEW_CHARS = 6_000

#: How each kind of evidence looks; theme variables keep light and dark readable.
#: Timeline and mitigation, what a CEO asks about first, each have their own
#: colour; the other elements (impact, root cause, next update...) share one.
EVIDENCE_STYLE = "$foreground on $panel"
ELEMENT_STYLES = {
    "timeline": "$text-primary on $primary-muted",
    "mitigation": "$text-success on $success-muted",
}
#: Figures (counts, money, percentages, durations, times) are a solid chip on top
#: of whatever evidence they sit in, so a number the CEO can repeat stands out
#: (and never looks like a flag's underline, which shares the accent colour).
FIGURE_STYLE = "bold $text-accent on $accent-muted"
FLAG_STYLE = "underline $text-warning"
#: The legend above the answers, in the order a CEO wants them.
LEGEND = (
    ("figures", FIGURE_STYLE),
    ("timeline", ELEMENT_STYLES["timeline"]),
    ("mitigation", ELEMENT_STYLES["mitigation"]),
    ("other evidence", EVIDENCE_STYLE),
    ("flags", FLAG_STYLE),
)
ELEMENT_LABELS = {
    "impact": "impact",
    "timeline": "timeline",
    "mitigation": "mitigation",
    "root_cause": "root cause",
    "next_update": "next update",
    "prevention": "prevention",
    "resources": "resources",
    "stakeholders": "stakeholders",
}
DIMENSION_LABELS = {
    "impact": "Impact",
    "timeline": "Timeline",
    "mitigation": "Mitigation",
    "root_cause": "Root cause",
    "next_steps": "Next steps",
    "clarity": "Clarity",
    "ownership": "Ownership",
}


def element_label(name: str) -> str:
    return ELEMENT_LABELS.get(name, name.replace("_", " "))


def dimension_label(name: str) -> str:
    return DIMENSION_LABELS.get(name, name.replace("_", " ").capitalize())


def clock(seconds: float) -> str:
    """``m:ss`` for a duration."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def word_count(text: str) -> int:
    return len(text.split())


def spoken_seconds(words: int) -> float:
    """How long ``words`` take to say aloud at :data:`SPEAKING_WPM`."""
    return words * 60 / SPEAKING_WPM


def draft_status(text: str, budget: int | None) -> str:
    """``42 words of 90 · ~17 s aloud`` for the answer being typed."""
    words = word_count(text)
    of = f" of {budget}" if budget else ""
    return f"{words} words{of} · ~{clock(spoken_seconds(words))} aloud"


def bar(value: int, maximum: int, width: int) -> str:
    """A solid bar of ``width`` cells, filled in proportion to ``value / maximum``."""
    if maximum <= 0 or width <= 0:
        return ""
    filled = round(width * max(0, min(value, maximum)) / maximum)
    return "█" * filled + "░" * (width - filled)


def level_style(value: int, maximum: int) -> str:
    """Good, middling or bad, as a theme colour."""
    share = value / maximum if maximum else 0
    if share >= 0.7:
        return "$text-success"
    if share >= 0.4:
        return "$text-warning"
    return "$text-error"


def patience_content(current: int, start: int) -> Content:
    """The CEO's patience as a meter: full at the scenario's starting value."""
    top = max(start, current, 1)
    shown = max(0, current)
    return Content.assemble(
        ("Patience ", "dim"),
        (bar(shown, top, top), level_style(shown, top)),
        f" {shown}/{top}",
    )


def score_line(label: str, score: int, width: int = 20) -> Content:
    return Content.assemble(
        f"{label:<12} ",
        (bar(score, 100, width), level_style(score, 100)),
        (f" {score:3d}", "bold"),
    )


def legend() -> Content:
    """``Highlighted: figures · timeline · mitigation · other evidence · flags``."""
    parts: list[Content | str | tuple[str, str]] = [("Highlighted: ", "dim")]
    for index, (label, style) in enumerate(LEGEND):
        if index:
            parts.append((" · ", "dim"))
        parts.append((label, style))
    return Content.assemble(*parts)


def question_line(ceo_name: str, question: str) -> Content:
    """``Dana: What happened?``: the CEO's name, then the question (file text, escapes
    stripped, never markup)."""
    return Content.assemble((ceo_name, "bold $text-accent"), ": ", strip_terminal(question))


def answer_content(turn: Turn, *, who: str = "You", limit: int = ANSWER_PREVIEW_CHARS) -> Content:
    """One scored answer as the Debrief shows it, and Compare too: a title (``who``,
    then attempt, score and time), the text with its evidence highlighted (cut at
    ``limit`` characters), the elements it has and misses, and each flag with its
    suggestion."""
    result = turn.result
    text = turn.text
    cut = len(text) > limit
    if cut:
        text = text[:limit]
    facts = []
    if turn.attempt and turn.attempt > 1:
        facts.append(f"attempt {turn.attempt}")
    if result is not None:
        facts.append(f"score {result.score}")
    if turn.seconds is not None:
        facts.append(clock(turn.seconds))
    title: list[Content | str | tuple[str, str]] = [(who, "bold $text-primary")] if who else []
    if facts:
        title.append((("  " if who else "") + " · ".join(facts), "dim"))
    parts: list[Content | str | tuple[str, str]] = []
    if title:
        parts.extend([Content.assemble(*title), "\n"])
    parts.append(highlight_answer(text, result))
    if cut:
        parts.append((f"… ({len(turn.text) - limit:,} more characters)", "dim"))
    if result is not None:
        present = [element_label(e) for e in result.expects if e not in result.missing]
        if present:
            parts.extend(["\n", ("✓ " + ", ".join(present), "$text-success")])
        if result.missing:
            missing = ", ".join(element_label(e) for e in result.missing)
            parts.extend(["\n", (f"✗ missing: {missing}", "$text-error")])
        for flag in result.flags:
            parts.extend(
                ["\n", (f"⚑ {flag.code.replace('_', ' ')}", FLAG_STYLE), f": {flag.message}"]
            )
            if flag.suggestion:
                parts.extend(["\n   ", ("→ " + flag.suggestion, "italic")])
    return Content.assemble(*parts)


def highlight_answer(text: str, result: AnswerResult | None) -> Content:
    """The answer with each element's evidence highlighted (timeline and mitigation
    in their own colours), figures in bold and each flag underlined.

    Spans index the answer as stored; stripping terminal escapes would shift them,
    so escapes are removed piecewise around the marks instead.
    """
    if result is None:
        return Content(strip_terminal(text))
    marks: list[tuple[int, int, str]] = []
    for name, element in result.elements.items():
        style = ELEMENT_STYLES.get(name, EVIDENCE_STYLE)
        marks.extend((s.start, s.end, style) for s in element.spans)
    # Layered on top: flags underline evidence, then figures go over both (a
    # flag's colour over a figure's chip would hide the figure; its underline stays).
    layers = [(f.start, f.end, FLAG_STYLE) for f in result.flags if f.end > f.start]
    layers += [(q.start, q.end, FIGURE_STYLE) for q in result.quantities if q.end > q.start]
    pieces: list[tuple[str, str]] = []
    _cut(text, sorted(marks), pieces)
    content = Content.assemble(*pieces)
    offsets = _offset_map(text)
    for start, end, style in layers:
        start, end = max(0, start), min(end, len(text))
        if end > start:
            content = content.stylize(style, offsets(start), offsets(end))
    return content


def _cut(text: str, marks: list[tuple[int, int, str]], out: list[tuple[str, str]]) -> None:
    pos = 0
    for start, end, style in marks:
        start, end = max(start, pos), min(end, len(text))
        if end <= start:
            continue
        out.append((strip_terminal(text[pos:start]), ""))
        out.append((strip_terminal(text[start:end]), style))
        pos = end
    out.append((strip_terminal(text[pos:]), ""))


def _offset_map(text: str) -> Callable[[int], int]:
    """Map an offset in ``text`` to the same place in ``strip_terminal(text)``."""
    if strip_terminal(text) == text:
        return lambda i: max(0, min(i, len(text)))
    return lambda i: len(strip_terminal(text[: max(0, i)]))
