"""How an answer is highlighted: figures, timeline and mitigation each look
different from other evidence, and flags are underlined on top of all of it."""

from __future__ import annotations

from textual.content import Content

from coach.engine.transcript import Turn
from coach.scoring.result import AnswerResult, ElementResult, Flag, Quantity, Span
from coach.tui.render import (
    ELEMENT_STYLES,
    EVIDENCE_STYLE,
    FIGURE_STYLE,
    FLAG_STYLE,
    answer_content,
    highlight_answer,
    legend,
    question_line,
)

TEXT = "We rolled back at 14:05; 1,200 customers could not pay, honestly not our fault."


def span(phrase: str) -> Span:
    start = TEXT.index(phrase)
    return Span(start=start, end=start + len(phrase), text=phrase)


def result() -> AnswerResult:
    figure = span("1,200")
    blame = span("not our fault")
    return AnswerResult(
        elements={
            "mitigation": ElementResult(present=True, spans=[span("rolled back")]),
            "timeline": ElementResult(present=True, spans=[span("at 14:05")]),
            "impact": ElementResult(present=True, spans=[span("1,200 customers could not pay")]),
        },
        quantities=[
            Quantity(
                kind="count", value=1200, unit="", start=figure.start, end=figure.end, text="1,200"
            )
        ],
        flags=[
            Flag(
                code="blame",
                message="Blame",
                start=blame.start,
                end=blame.end,
                suggestion="Own it",
            )
        ],
        score=70,
    )


def styled(content: Content, style: str) -> list[str]:
    return [content.plain[s.start : s.end] for s in content.spans if str(s.style) == style]


def test_each_kind_of_evidence_has_its_own_look() -> None:
    content = highlight_answer(TEXT, result())
    assert content.plain == TEXT
    assert styled(content, ELEMENT_STYLES["mitigation"]) == ["rolled back"]
    assert styled(content, ELEMENT_STYLES["timeline"]) == ["at 14:05"]
    assert styled(content, EVIDENCE_STYLE) == ["1,200 customers could not pay"]
    assert styled(content, FIGURE_STYLE) == ["1,200"]
    assert styled(content, FLAG_STYLE) == ["not our fault"]
    assert len({ELEMENT_STYLES["mitigation"], ELEMENT_STYLES["timeline"], EVIDENCE_STYLE}) == 3


def test_spans_past_the_end_of_a_shortened_answer_are_dropped() -> None:
    cut = TEXT[:28]  # the Debrief shows the start of a very long answer
    content = highlight_answer(cut, result())
    assert content.plain == cut
    assert styled(content, FLAG_STYLE) == []
    assert styled(content, FIGURE_STYLE) == ["1,2"]


def test_the_legend_names_each_highlight_in_its_own_style() -> None:
    content = legend()
    assert content.plain == (
        "Highlighted: figures · timeline · mitigation · other evidence · flags"
    )
    assert styled(content, FIGURE_STYLE) == ["figures"]
    assert styled(content, ELEMENT_STYLES["timeline"]) == ["timeline"]
    assert styled(content, FLAG_STYLE) == ["flags"]


def turn(text: str = TEXT, **fields: object) -> Turn:
    scored = result().model_copy(update={"expects": ["mitigation", "root_cause"]})
    scored = scored.model_copy(update={"missing": ["root_cause"]})
    return Turn(speaker="user", node="q1", kind="answer", text=text, result=scored, **fields)  # type: ignore[arg-type]


def test_an_answer_block_has_its_title_evidence_elements_and_flags() -> None:
    content = answer_content(turn(attempt=2, seconds=75.0))
    assert content.plain.split("\n") == [
        "You  attempt 2 · score 70 · 1:15",
        TEXT,
        "✓ mitigation",
        "✗ missing: root cause",
        "⚑ blame: Blame",
        "   → Own it",
    ]
    assert styled(content, FIGURE_STYLE) == ["1,200"]  # the text is highlighted as usual


def test_an_answer_block_without_a_speaker_starts_at_its_facts_and_cuts_long_text() -> None:
    content = answer_content(turn(TEXT * 3), who="", limit=len(TEXT))
    first, second = content.plain.split("\n")[:2]
    assert first == "score 70"
    assert second == f"{TEXT}… ({2 * len(TEXT):,} more characters)"


def test_a_question_line_names_the_ceo_and_strips_escapes() -> None:
    content = question_line("Dana", "What \x1b[31mhappened[/]?")
    assert content.plain == "Dana: What happened[/]?"
