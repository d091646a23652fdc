"""A model answer built from a brief is a complete answer: pasted back, the scorer
finds what the question expects and the brief checks find nothing against it.

The Debrief offers these answers ("Model answer, from your brief",
coach/brief/model_answer.py) as what to say; if the scorer, scoring them the way a
session does (the scenario's glossary and role, then the brief checks), missed an
element or flagged them as contradicting the brief, the coach would contradict
itself. Scorer recall on such answers is not perfect, so the bar is a share of all
the composed answers (every shipped scenario's questions with every sample brief),
and the misses are printed for whoever works on the scorer.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from coach.brief.facts import check_facts
from coach.brief.loader import load_brief
from coach.brief.model_answer import brief_model_answer
from coach.paths import shipped_scenarios_dir
from coach.scenario.library import load_scenario
from coach.scoring.brief_checks import apply_brief_checks
from coach.scoring.scorer import score_answer

BRIEFS = sorted((Path(__file__).parent / "data" / "briefs").glob("*.yaml"))
BRIEF_FLAGS = {"contradiction", "overclaimed_cause"}
#: Share of composed model answers that must be complete and agree with their brief
#: (90% was asked for; 38 of 384 were weak by this measure before the scorer fixes
#: that came with this test, 6 after them).
REQUIRED = 0.95


@cache
def _outcomes() -> list[tuple[str, str, list[str], list[str]]]:
    """(where, answer, missing elements, brief flags) for every composed answer."""
    out = []
    for path in sorted(shipped_scenarios_dir().glob("*.yaml")):
        scenario = load_scenario(str(path))
        for brief_path in BRIEFS:
            brief = load_brief(brief_path)
            facts = check_facts(brief)
            for node in scenario.nodes:
                answer = brief_model_answer(node, brief, opening=node.id == scenario.start_id)
                if answer is None:
                    continue
                result = score_answer(
                    answer,
                    expects=node.expects,
                    budget=node.budget,
                    glossary=scenario.glossary,
                    jargon=scenario.lexicon.jargon,
                    plain=scenario.lexicon.plain,
                    role=scenario.role,
                )
                result = apply_brief_checks(answer, result, facts)
                flags = sorted(f.code for f in result.flags if f.code in BRIEF_FLAGS)
                where = f"{scenario.id}/{node.id} with {brief_path.stem}"
                out.append((where, answer, list(result.missing), flags))
    return out


def test_there_are_composed_answers_for_every_brief_and_scenario() -> None:
    outcomes = _outcomes()
    assert len(outcomes) >= 300
    assert {where.split(" with ")[1] for where, *_ in outcomes} == {p.stem for p in BRIEFS}


def test_composed_model_answers_score_as_complete() -> None:
    outcomes = _outcomes()
    weak = [o for o in outcomes if o[2] or o[3]]
    report = "\n".join(
        f"{where}: missing {missing} flags {flags}\n    {answer[:160]}"
        for where, answer, missing, flags in weak
    )
    share = 1 - len(weak) / len(outcomes)
    assert share >= REQUIRED, f"{len(weak)} of {len(outcomes)} weak:\n{report}"


@pytest.mark.parametrize("path", BRIEFS, ids=lambda p: p.stem)
def test_no_composed_model_answer_contradicts_its_own_brief(path: Path) -> None:
    # Built from the brief's own figures, estimate and cause wording: a brief flag on
    # one is a false positive, whatever the recall bar above allows.
    flagged = [
        (where, answer, flags)
        for where, answer, _, flags in _outcomes()
        if flags and where.endswith(f" with {path.stem}")
    ]
    assert not flagged, flagged
