"""A brief as scenario placeholders, and as what the scorer checks answers against.

:func:`placeholder_facts` maps the brief onto the names scenario lines use
(``{system}``, ``{eta}`` ...), so ``Session.new(scenario, facts=...)`` makes the
CEO talk about the user's own system, figures and deadlines. A field the brief
leaves out gets a neutral wording (data/facts.yaml) rather than the scenario's
own value, so the CEO never asks about somebody else's system.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Collection
from importlib import resources
from typing import Any, cast

import yaml

from coach.brief import units
from coach.brief.model import Brief
from coach.scenario.model import BRIEF_PLACEHOLDERS, Scenario, fill
from coach.scoring.brief_checks import BriefEta, BriefFacts, BriefFigure, cause_terms
from coach.textsafe import strip_terminal

#: The placeholder names a brief fills, in the order the brief form shows them.
#: The scenario format owns the list: its validator checks ``with_brief`` against it.
PLACEHOLDERS: tuple[str, ...] = BRIEF_PLACEHOLDERS


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("coach.brief").joinpath("data", "facts.yaml").read_text("utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


def neutral_facts() -> dict[str, str]:
    """What a placeholder says when the brief leaves its field out."""
    return dict(_data()["neutral"])


def _first_amount(brief: Brief, units_: Collection[str]) -> str | None:
    """The first impact figure in one of ``units_``, as "2,300 users" or "£40,000"."""
    return next((f.amount for f in brief.figures if f.unit in units_), None)


def join(items: list[str] | None, sep: str = "; ") -> str | None:
    values = [" ".join(item.split()) for item in items or () if item.strip()]
    return sep.join(values) if values else None


def impact_text(brief: Brief) -> str | None:
    """ "2,300 users (could not sign in); £40,000" or ``None`` without figures."""
    return join([f.text for f in brief.figures])


def _eta_when(brief: Brief) -> str | None:
    """The estimate as it ends "it will be fixed ___": "in 4–6 hours", "by 16:00"."""
    if brief.eta is None:
        return None
    text = brief.eta.text
    return text if brief.eta.by is not None else f"in {text}"


def given_facts(brief: Brief) -> dict[str, str]:
    """The placeholders this brief gives a value (no neutral wording)."""
    values: dict[str, str | None] = {
        "system": brief.system,
        "what_happened": brief.what_happened,
        "impact": impact_text(brief),
        "affected": _first_amount(brief, _data()["affected_units"]),
        "money": _first_amount(brief, ("money",)),
        "cause": brief.cause,
        "cause_status": brief.cause_status,
        "mitigation": join(brief.mitigation),
        "plan": brief.plan,
        "eta": brief.eta.text if brief.eta else None,
        "eta_when": _eta_when(brief),
        "people": join(brief.stakeholders),
        "next_update": brief.update_cadence,
        "ceo_name": brief.ceo_name,
    }
    # A brief is the user's own text: escapes in it must not reach a terminal through
    # the CEO's lines (scenario text is checked when it loads; a brief's is not).
    return {
        name: " ".join(strip_terminal(value).split())
        for name, value in values.items()
        if value and strip_terminal(value).strip()
    }


def placeholder_facts(brief: Brief) -> dict[str, str]:
    """Every placeholder a brief stands for: its own value, or a neutral wording.

    ``ceo_name`` is left to the scenario when the brief has none (the CEO keeps
    the scenario's name)."""
    facts = {k: v for k, v in neutral_facts().items() if k != "ceo_name"}
    facts.update(given_facts(brief))
    return facts


def session_facts(
    scenario: Scenario, brief: Brief | None, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The placeholder values a session speaks with: the scenario's own facts;
    with a brief, the brief's (or their neutral wording), and the scenario's other
    facts as its ``situation.with_brief`` words them, so no line names the
    scenario's own incident; then ``extra`` (tests, ``coach run --fact``)."""
    facts = dict(scenario.facts)
    if brief is not None:
        from_brief = placeholder_facts(brief)
        facts.update(from_brief)
        # A brief without a CEO's name keeps the scenario's CEO, in wordings too.
        wording_facts = {"ceo_name": scenario.ceo.name, **from_brief}
        for name, wording in scenario.situation.with_brief.items():
            facts[name] = fill(wording, wording_facts)
    facts.update(extra or {})
    return facts


_WORD = re.compile(r"[a-z]+")


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("ses") or word.endswith("xes") or word.endswith("ches"):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def percent_base(what: str | None) -> frozenset[str]:
    """What a percentage is a share of, as the nouns an answer may use for it: the
    words of ``what`` ("of card payments declined") in the singular, and the other
    nouns of any unit those words belong to ("transaction" with "payment")."""
    if not what:
        return frozenset()
    words = {_singular(w) for w in _WORD.findall(what.lower())}
    words |= {" ".join(pair) for pair in itertools.pairwise(_WORD.findall(what.lower()))}
    words |= {_singular(w) for w in list(words) if " " in w}
    base = set(words)
    for unit in units.impact_units().values():
        if unit.nouns & words:
            base |= unit.nouns
    return frozenset(base)


def check_facts(brief: Brief) -> BriefFacts:
    """What the scorer's brief checks compare answers with."""
    figures = []
    for figure in brief.figures:
        unit = units.impact_units()[figure.unit]
        high = figure.high if figure.high is not None else figure.value
        figures.append(
            BriefFigure(
                kind=unit.kind,
                low=figure.value,
                high=high,
                unit=figure.currency or figure.unit if unit.kind == "money" else figure.unit,
                nouns=unit.nouns,
                text=figure.amount,
                base=percent_base(figure.what) if unit.kind == "percent" else frozenset(),
            )
        )
    eta = None
    if brief.eta is not None:
        eta = BriefEta(text=brief.eta.text, hours=brief.eta.hours, minutes=brief.eta.minutes)
    known_by = (
        " ".join(strip_terminal(brief.cause_known_by).split()) if brief.cause_known_by else None
    )
    if known_by and not known_by.lower().startswith(("by ", "at ", "in ", "within ", "after ")):
        known_by = f"by {known_by}"
    return BriefFacts(
        figures=tuple(figures),
        eta=eta,
        cause_status=brief.cause_status,
        cause_known_by=known_by,
        cause_terms=cause_terms(brief.cause) if brief.cause else frozenset(),
    )
