"""Exports name the CEO's questions in words, never by node id, and say that the
points behind "practise next" add up over every answer."""

from __future__ import annotations

from store_samples import answer_result, transcript

from coach.engine.report import QUOTE_CHARS, asked, gap_lines, improvement_where
from coach.scoring.result import AnswerResult
from coach.store.export import to_html, to_markdown


def missing_impact() -> list[tuple[str, AnswerResult]]:
    text = "We rolled back at 14:05."
    return [
        (
            text,
            answer_result(
                text, expects=["impact", "mitigation"], evidence={"mitigation": "rolled back"}
            ),
        )
    ]


def test_gaps_and_improvements_quote_the_question_not_the_node_id() -> None:
    t = transcript(answers=missing_impact())
    assert [g.node for g in t.gaps] == ["q1"]
    assert gap_lines(t) == ["impact, asked in “Question 1?”"]
    assert improvement_where(t, "q1", 300) == (
        "−300 points across all answers; worst in your answer to “Question 1?”"
    )
    markdown = to_markdown(t)
    assert "- impact, asked in “Question 1?”" in markdown
    assert "across all answers; worst in your answer to “Question 1?”" in markdown
    assert "answer at q1" not in markdown and "- q1:" not in markdown
    page = to_html(t)
    assert "impact, asked in “Question 1?”" in page and "answer at q1" not in page


def test_a_long_question_is_cut_on_a_word_and_a_missing_one_falls_back_to_the_id() -> None:
    t = transcript(answers=missing_impact())
    long = "What happened, how many customers, how much money, and when is it fixed " * 3
    t.turns[0] = t.turns[0].model_copy(update={"text": long + "\x1b[31m"})
    quoted = asked(t, "q1")
    assert quoted is not None and quoted.endswith(" …") and len(quoted) <= QUOTE_CHARS + 2
    assert long.startswith(quoted.removesuffix(" …")) and "\x1b" not in quoted
    assert asked(t, "nowhere") is None
    assert improvement_where(t, "nowhere", 10) == (
        "−10 points across all answers; worst in the answer at nowhere"
    )
