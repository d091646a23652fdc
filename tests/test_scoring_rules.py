"""Every rule in the scorer's data files carries pass and fail examples; run them all.

For element rules a "pass" example must contain the element and a "fail" example
must not (or, for ``checks: acknowledged_unknown`` / ``planned``, that property).
For style rules a "pass" example must not raise the flag and a "fail" one must.
"""

from __future__ import annotations

from typing import Any

import pytest

from coach.scoring.lexicon import Rule, rules
from coach.scoring.result import AnswerResult
from coach.scoring.scorer import score_answer

RULES = rules()


def _cases(kind: str) -> list[tuple[Rule, Any, bool]]:
    return [
        (rule, example, wanted)
        for rule in RULES
        for wanted, examples in ((True, rule.pass_examples), (False, rule.fail_examples))
        for example in examples
    ]


def _score(example: Any) -> tuple[str, AnswerResult]:
    if isinstance(example, str):
        return example, score_answer(example)
    spec = dict(example)
    text = spec.pop("text")
    earlier = [score_answer(t) for t in spec.pop("earlier", [])]
    return text, score_answer(text, earlier=earlier, **spec)


def _id(case: tuple[Rule, Any, bool]) -> str:
    rule, example, wanted = case
    text = example if isinstance(example, str) else example["text"]
    return f"{rule.id}-{'pass' if wanted else 'fail'}-{text[:40]}"


CASES = _cases("all")


def test_every_rule_has_pass_and_fail_examples() -> None:
    for rule in RULES:
        assert rule.pass_examples, f"{rule.id} has no pass examples"
        assert rule.fail_examples, f"{rule.id} has no fail examples"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_rule_example(case: tuple[Rule, Any, bool]) -> None:
    rule, example, passes = case
    text, result = _score(example)
    if rule.kind == "element":
        element = result.elements[rule.target]
        if rule.checks == "acknowledged_unknown":
            observed = element.acknowledged_unknown
        elif rule.checks == "planned":
            observed = bool(element.planned) and not element.present
        else:
            observed = element.present
        assert observed == passes, (rule.id, text, element.evidence)
    else:
        raised = rule.target in result.flag_codes
        assert raised != passes, (rule.id, text, [f.message for f in result.flags])
