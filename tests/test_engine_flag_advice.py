"""Practise-next items that come from a flag have a short, fixed title; the
flag's message (which quotes the answer) and its suggestion follow as detail."""

from __future__ import annotations

from coach.engine.debrief import _improvement, flag_advice
from coach.engine.transcript import Turn
from coach.scoring.names import FLAG_CODES
from coach.scoring.scorer import score_answer

LONG = "We rolled back at 14:05 and 1,200 customers were affected. " * 60


def test_every_flag_code_has_a_short_title() -> None:
    titles = flag_advice()
    assert set(titles) == set(FLAG_CODES)
    for code, entry in titles.items():
        assert entry["title"] and len(entry["title"]) <= 60, code
        assert "{" not in entry["title"], code


def test_a_long_answer_is_titled_in_words_not_by_its_word_count() -> None:
    result = score_answer(LONG, expects=("impact", "mitigation"), budget=60)
    assert "too_long" in result.flag_codes
    turn = Turn(speaker="user", node="q1", kind="answer", text=LONG, result=result)
    improvement = _improvement("too_long", 30, 0, [turn])
    flag = next(f for f in result.flags if f.code == "too_long")
    assert improvement.title == "Say it in fewer words"
    assert improvement.detail.startswith(flag.message)  # "720 words (about ...)"
    assert flag.suggestion and improvement.detail.endswith(flag.suggestion)
    assert improvement.evidence == flag.evidence


def test_advice_reads_well_for_plural_elements() -> None:
    """'The stakeholders was in your answer' read badly: no "{element} was/is"."""
    from coach.engine.debrief import element_advice, finding_advice

    for entry in [*finding_advice().values(), *element_advice().values()]:
        for text in entry.values():
            assert "{element} was" not in text and "{element} is" not in text, text
