"""Comparing two attempts: score changes, flags gone and new, answers per question."""

from __future__ import annotations

from datetime import timedelta

from store_samples import BASE, answer_result, default_answers, nasty_answers, transcript

from coach.store.compare import compare, flag_counts


def attempts():  # type: ignore[no-untyped-def]
    weak = transcript(started=BASE, answers=nasty_answers(), status="abandoned")
    strong = transcript(started=BASE + timedelta(days=1), answers=default_answers())
    return weak, strong


def test_the_earlier_attempt_comes_first_whatever_the_order() -> None:
    weak, strong = attempts()
    for c in (compare(weak, strong), compare(strong, weak)):
        assert c.before is weak and c.after is strong
        assert c.same_scenario


def test_score_changes_per_dimension() -> None:
    weak, strong = attempts()
    c = compare(weak, strong)
    assert c.overall.delta == strong.overall - weak.overall
    assert [d.name for d in c.dimensions][:3] == ["impact", "timeline", "mitigation"]
    impact = next(d for d in c.dimensions if d.name == "impact")
    assert (impact.before, impact.after) == (weak.scores["impact"], strong.scores["impact"])
    assert impact.delta == strong.scores["impact"] - weak.scores["impact"]


def test_a_dimension_only_one_attempt_has_has_no_delta() -> None:
    weak, strong = attempts()
    weak.scores.pop("ownership")
    ownership = next(d for d in compare(weak, strong).dimensions if d.name == "ownership")
    assert ownership.before is None and ownership.delta is None


def test_flags_that_disappeared_and_appeared() -> None:
    weak, strong = attempts()
    assert flag_counts(weak) == {"vague_time": 2, "vague_quantity": 1}
    c = compare(weak, strong)
    assert [(f.code, f.before, f.after) for f in c.flags_gone] == [
        ("vague_quantity", 1, 0),
        ("vague_time", 2, 0),
    ]
    assert [(f.code, f.before, f.after) for f in c.flags_new] == [("hedging", 0, 1)]
    assert c.flags_kept == []


def test_flags_raised_in_both_are_kept_with_counts() -> None:
    text = "soon, soon"
    again = answer_result(text, expects=[], flags={"vague_time": "soon"})
    a = transcript(answers=[(text, again)])
    b = transcript(started=BASE + timedelta(hours=1), answers=[(text, again), (text, again)])
    c = compare(a, b)
    assert [(f.code, f.before, f.after) for f in c.flags_kept] == [("vague_time", 1, 2)]


def test_the_two_answers_to_each_question_side_by_side() -> None:
    weak, strong = attempts()
    c = compare(weak, strong)
    assert [n.node for n in c.nodes] == ["q1", "q2"]
    q1 = c.nodes[0]
    assert q1.question == "Question 1?"
    assert [t.text for t in q1.before] == [nasty_answers()[0][0]]
    assert [t.text for t in q1.after] == [default_answers()[0][0]]


def test_a_question_only_one_attempt_reached() -> None:
    one = transcript(answers=default_answers()[:1], status="abandoned")
    two = transcript(started=BASE + timedelta(hours=1), answers=default_answers())
    c = compare(one, two)
    q2 = next(n for n in c.nodes if n.node == "q2")
    assert q2.before == [] and len(q2.after) == 1
