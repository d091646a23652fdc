"""Figures, estimates and clock times as people write them ("2300 users could not
pay", "£41,000", "4-6 hours", "by 16:00").

The brief form reads its impact and estimate fields with these, and the brief
model reads a figure or an estimate written as text in a brief file with them
too, so the form and a YAML file accept the same things. The units, currencies
and their other spellings are data (data/units.yaml, :mod:`coach.brief.units`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from coach.brief import units
from coach.scenario.diagnostics import closest

#: "16:00", "9:30", "4 pm", "4:30pm": a clock time for ``eta: {by: ...}``.
_CLOCK = re.compile(r"^\s*([0-9]{1,2})(?:[:.]([0-5][0-9]))?\s*(am|pm|a\.m\.|p\.m\.)?\s*$", re.I)

_NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"
#: "about 2,300 users": a figure in a brief is an estimate anyway, so the word goes.
_ROUGHLY = r"(?:(?:about|around|roughly|approximately|approx\.?|an estimated|est\.|c\.|~)\s*)?"
_DURATION = re.compile(
    r"^\s*(?:in\s+|within\s+)?" + _ROUGHLY + r"(?P<lo>" + _NUMBER + r")"
    r"(?:\s*(?:-|–|—|to)\s*(?P<hi>" + _NUMBER + r"))?\s*(?P<unit>[a-zA-Z]+)\s*$",
    re.I,
)
_MULTIPLIERS = {"k": 1_000.0, "m": 1_000_000.0}
#: Punctuation that may follow the unit word: "2300 users, could not pay".
_AFTER_WORD = ",;:."


@functools.cache
def _figure_pattern() -> re.Pattern[str]:
    # The currency symbols come from the data, so the pattern is built on first use.
    symbol = "(?:" + "|".join(re.escape(s) for s in units.prefix_symbols()) + ")"
    return re.compile(
        r"^\s*"
        + _ROUGHLY
        + rf"(?P<sym>{symbol})?\s*(?P<lo>"
        + _NUMBER
        + r")\s*(?P<lomul>[kKmM](?![a-z]))?"
        rf"(?:\s*(?:-|–|—|to)\s*{symbol}?\s*(?P<hi>"
        + _NUMBER
        + r")\s*(?P<himul>[kKmM](?![a-z]))?)?"
        r"\s*(?P<pct>%)?\s*(?P<rest>.*)$",
        re.I,
    )


class NotAFigure(ValueError):
    """The text does not start with a number, so it is no figure at all."""


def clock_minutes(text: str) -> float | None:
    """Minutes after midnight of "16:00", "9.30", "4 pm"; ``None`` if it is not a time."""
    match = _CLOCK.match(text)
    if match is None:
        return None
    hour = int(match.group(1))
    minute = int(match.group(2) or 0)
    suffix = (match.group(3) or "").replace(".", "").lower()
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None or hour > 23:
        return None
    return float(hour * 60 + minute)


def quoted(text: str) -> str:
    """User text quoted in a one-line message: 'like this', whitespace collapsed, at
    most 40 characters (a pasted paragraph is not echoed back whole)."""
    one = " ".join(text.split())
    return f"'{one[:37]}...'" if len(one) > 40 else f"'{one}'"


def _number(text: str, multiplier: str | None) -> float:
    return float(text.replace(",", "")) * _MULTIPLIERS.get((multiplier or "").lower(), 1.0)


def _unit_words(rest: str) -> tuple[dict[str, Any], str] | None:
    """The unit at the start of ``rest`` (one word, or two: "per cent", "pounds
    sterling") as figure keys, and the text after it; ``None`` if there is none."""
    words = rest.split()
    for count in (2, 1):
        if len(words) < count:
            continue
        phrase = " ".join(words[:count]).rstrip(_AFTER_WORD)
        after = " ".join(words[count:])
        code = units.currency_code(phrase)
        if code is not None:
            return {"unit": "money", "currency": code}, after
        unit = units.impact_unit(phrase)
        if unit is not None:
            return {"unit": unit}, after
    return None


def parse_figure(line: str) -> dict[str, Any]:
    """One impact line as the brief's figure mapping; ValueError says what is wrong."""
    match = _figure_pattern().match(line)
    if match is None:
        raise NotAFigure(
            f"{quoted(line)} does not start with a number; write it like '2300 users' "
            "or '£41,000 orders delayed'"
        )
    figure: dict[str, Any] = {"value": _number(match["lo"], match["lomul"])}
    if match["hi"]:
        figure["high"] = _number(match["hi"], match["himul"])
        # "£40-60k" is £40,000 to £60,000: the multiplier is written once, at the end
        # (unless that would turn the range upside down: "500-1.2k").
        shared = _number(match["lo"], match["himul"])
        if match["himul"] and not match["lomul"] and shared <= figure["high"]:
            figure["value"] = shared
    rest = match["rest"].strip()
    if match["pct"]:
        figure["unit"], what = "percent", rest
    elif match["sym"]:
        code = units.currency_code(match["sym"])
        figure["unit"], figure["currency"], what = "money", code, rest
    else:
        found = _unit_words(rest)
        if found is None:
            word = rest.split()[0].rstrip(_AFTER_WORD) if rest else ""
            names = list(units.impact_units())
            close = closest(word.lower(), names) if word else None
            hint = f"; did you mean '{close}'?" if close else ""
            shown = f"unknown unit {quoted(word)}" if word else "no unit after the number"
            raise ValueError(f"{shown}{hint} (units: {', '.join(names)}, or a currency like GBP)")
        keys, what = found
        figure.update(keys)
    what = what.strip().lstrip("-–—:,;").strip()
    # "300 tickets (support)": brackets around the whole of it go; any other bracket
    # is the user's ("VIP (gold)" stays as written, so editing a brief keeps it).
    if what.startswith("(") and what.endswith(")") and what.count("(") == 1:
        what = what[1:-1].strip()
    if what:
        figure["what"] = what
    return figure


def parse_eta(text: str) -> dict[str, Any]:
    """ "4-6 hours", "30 minutes", "by 16:00" as the brief's estimate mapping."""
    clock = text.strip()
    clock = clock[3:].strip() if clock.lower().startswith("by ") else clock
    if clock_minutes(clock) is not None:
        return {"by": clock}
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f"{quoted(text)}: write it like '4-6 hours', '30 minutes' or 'by 16:00'")
    eta: dict[str, Any] = {"value": _number(match["lo"], None), "unit": match["unit"]}
    if match["hi"]:
        eta["high"] = _number(match["hi"], None)
    return eta
