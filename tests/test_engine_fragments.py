"""The random walk's answer fragments must mean what they claim to the real
scorer, or the walk cannot steer towards the branches it aims at."""

from __future__ import annotations

import pytest

from coach.engine.playtest import fragments
from coach.scoring.scorer import score_answer

DATA = fragments()
ELEMENT_SENTENCES = [
    (name, sentence)
    for name, sentences in DATA["elements"].items()  # type: ignore[attr-defined]
    for sentence in sentences
]
FLAW_SENTENCES = [
    (code, sentence)
    for code, sentences in DATA["flaws"].items()  # type: ignore[attr-defined]
    for sentence in sentences
]


@pytest.mark.parametrize(("element", "sentence"), ELEMENT_SENTENCES)
def test_element_fragment_is_detected_as_that_element_only(element: str, sentence: str) -> None:
    result = score_answer(sentence)
    assert result.present == {element}, (sentence, result.present)


@pytest.mark.parametrize(("code", "sentence"), FLAW_SENTENCES)
def test_flaw_fragment_raises_its_flag(code: str, sentence: str) -> None:
    result = score_answer(sentence)
    assert code in result.flag_codes, (sentence, result.flag_codes)


def test_every_element_has_advice() -> None:
    from coach.engine.debrief import element_advice
    from coach.scoring.names import ELEMENTS

    assert set(element_advice()) == set(ELEMENTS)


@pytest.mark.parametrize("sentence", DATA["unknown_cause"])  # type: ignore[index]
def test_unknown_cause_fragment_is_an_acknowledged_unknown(sentence: str) -> None:
    result = score_answer(sentence)
    assert result.acknowledged_unknown, sentence
    assert "root_cause" not in result.present
