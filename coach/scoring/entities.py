"""Numbers and times in an answer, typed by the grammar around them.

One regex pass finds every number-like token (digits with separators and
multipliers, ranges, number words, clock times, dates, versions, ids); a short look
at the words right after and before each one decides what it is: money, a percent,
a duration, a clock time, a label (version, ticket, HTTP status), or a plain count
whose noun the impact detector reads. The vocabularies come from data/lexicon.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from coach.scoring import lexicon
from coach.scoring.lexicon import norm, trie_regex

_NUMCORE = r"[0-9]{1,3}(?:,[0-9]{3})++(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"


@dataclass(slots=True)
class Entity:
    """A number or time in the answer. ``kind`` is one of: money, percent, count,
    duration, clock, date, ratio, times, label, measure, year, other."""

    kind: str
    start: int
    end: int
    value: float
    hi: float
    unit: str = ""


# Where a number-like token can start: a digit, a currency symbol or '#', not inside
# a word or a number. Starting with a character set lets the regex engine skip
# ahead quickly; the full grammar is then tried only at these positions.
_CANDIDATE = re.compile(r"[0-9$€£¥₿#](?<![\w.,:/][0-9$€£¥₿#])")


@functools.cache
def _regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    words = trie_regex(lexicon.table("number_values"))
    span = (
        r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\w])|[0-9]{1,2}/[0-9]{1,2}(?:/[0-9]{2,4})?(?![\w/]))"
        r"|(?P<clock>(?:[01]?[0-9]|2[0-3])(?:[:.][0-5][0-9])?\s?(?:a\.m\.|p\.m\.|am|pm)(?![\w])"
        r"|(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?![\w:])"
        r"(?:\s?(?:utc|gmt|bst|cet|cest|est|edt|pst|pdt|et|pt|ct|local)(?![\w]))?)"
        r"|(?P<version>[0-9]+(?:\.[0-9]+){2,}(?![\w.]))"
        r"|(?P<ident>#[0-9]+(?![\w]))"
        r"|(?P<num>(?P<cur>[$€£¥₿]\s?)?(?P<core>" + _NUMCORE + r")"
        r"(?:(?P<att>[a-z]{1,4})|(?P<smult>\s(?:thousand|million|billion|trillion|mn|bn)))?"
        r"(?P<range>(?:\s?[\-–—]\s?|\s+to\s+)(?!\s)[$€£¥]?(?:" + _NUMCORE + r")(?:[a-z]{1,3})?"
        r"(?!\s?(?:am|pm|a\.m|p\.m|:)))?(?![\w]))"
    )
    tunits = trie_regex(lexicon.table("time_units"))
    curw = trie_regex(lexicon.str_table("currency_words"))
    meas = trie_regex(lexicon.lists("measure_units"))
    suffix = (
        r"\s?(?P<pct>%|percent(?![\w])|per\s?cent(?![\w])|pct(?![\w])|percentage\s+points?(?![\w]))"
        r"|[\s\-]?(?P<tunit>" + tunits + r")(?![\w])"
        r"|\s?(?P<curw>" + curw + r")(?![\w])"
        r"|\s?(?P<meas>" + meas + r")(?![\w])"
        r"|\s+(?:in|out\s+of)\s+(?P<ratio>[0-9][0-9,]*|" + words + r")(?![\w])"
    )
    return re.compile(span), re.compile(suffix)


@functools.cache
def _tables() -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, str]]:
    return (
        lexicon.table("number_values"),
        lexicon.table("multipliers"),
        lexicon.table("time_units"),
        {k: v for k, v in lexicon.str_table("currency_words").items()},
    )


def parse_number(text: str) -> float | None:
    """The value of digits ("1,240", "3.5") or number words ("two hundred and five")."""
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text.replace(",", ""))
        except ValueError:
            return None
    values = _tables()[0]
    tokens = [t for t in norm(text).split(" ") if t and t != "and"]
    total = 0.0
    current = 0.0
    i = 0
    while i < len(tokens):
        for width in (3, 2, 1):
            key = " ".join(tokens[i : i + width])
            if key in values:
                break
        else:
            return None
        value = values[key]
        i += width
        if value == 100:
            current = max(current, 1.0) * 100
        elif value >= 1000:
            total += max(current, 1.0) * value
            current = 0.0
        else:
            current += value
    return total + current


_RANGE_HEAD = re.compile(r"^(?:\s?[\-–—]\s?|\s+to\s+)[$€£¥]?")
_RANGE_ATT = re.compile(r"[a-z]{1,3}$")
_DIGITS = re.compile(r"[0-9]+")
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₿": "BTC"}
_HTTP_CONTEXT = re.compile(
    r"(?:http|status|returned an?|returning an?|return an?|got an?|threw an?)\s*$"
)
_HTTP_AFTER = re.compile(r"\s?(?:errors?|responses?|status(?:es)?|codes?|s(?![\w])|pages?)(?![\w])")
_APPROX = re.compile(
    r"(?:about|around|over|more than|nearly|almost|roughly|~|some|at least|approximately|up to)\s*$"
)


@functools.cache
def _months() -> tuple[frozenset[str], re.Pattern[str]]:
    """Month names, and a regex for one right after a number ("2 March")."""
    months = lexicon.lists("months")
    return frozenset(months), re.compile(r"\s(?:" + "|".join(months) + r")(?![\w])")


_LABEL_AFTER = re.compile(r"\s?(?:release|version|build|update|upgrade|patch)(?![\w])")


_IDENT_BEFORE = re.compile(r"(?<![\w\-])[a-z][a-z0-9]*-$")
#: What the character before a number must be for _IDENT_BEFORE to match ("$" also
#: matches before a final line break).
_IDENT_ENDS = frozenset(("-", "\n"))
_WORD_JOIN = re.compile(r"(?:[\s\-]+(?:and[\s\-]+)?)")


def extract(low: str, number_words: Sequence[tuple[int, int]] = ()) -> list[Entity]:
    """Every number-like entity in ``low`` (a lower-cased answer), typed.

    ``number_words`` are the spans of number words the phrase scanner found ("two",
    "hundred"); adjacent ones join into one number ("two hundred and five").
    """
    span_re, suffix_re = _regexes()
    _, mults, tunits, curwords = _tables()
    out: list[Entity] = []
    last_end = 0
    matches: list[tuple[int, int, str, re.Match[str] | None]] = []
    for cand in _CANDIDATE.finditer(low):
        if cand.start() < last_end:
            continue
        m = span_re.match(low, cand.start())
        if m is None:
            continue
        last_end = m.end()
        matches.append((m.start(), m.end(), m.lastgroup or "other", m))
    for s, e in _join_words(low, number_words):
        matches.append((s, e, "wnum", None))
    matches.sort(key=lambda x: x[0])
    for s, e, kind, m in matches:
        if kind in ("date", "version", "ident"):
            out.append(Entity("label" if kind != "date" else "date", s, e, 0.0, 0.0, kind))
            continue
        if kind == "clock" and m is not None:
            out.append(Entity("clock", s, e, _clock_minutes(m.group()), 0.0, "clock"))
            continue
        if kind == "wnum" or m is None:
            value = parse_number(low[s:e])
            if value is None:
                continue
            out.append(_typed(low, s, e, value, value, "", suffix_re, tunits, curwords))
            continue
        if low[s - 1 : s] in _IDENT_ENDS and _IDENT_BEFORE.search(low, max(0, s - 16), s):
            # "INC-20931", "us-east-1": an identifier.
            out.append(Entity("label", s, e, 0.0, 0.0, "ident"))
            continue
        core, att, smult, rng_text, cur = m.group("core", "att", "smult", "range", "cur")
        value = parse_number(core) if len(core) <= 20 else None
        if value is None:
            # More digits than any real figure: an id or junk, not a quantity.
            out.append(Entity("other", s, e, 0.0, 0.0, "long"))
            continue
        unit = ""
        if smult:
            value *= mults.get(norm(smult), 1.0)
        if att:
            if att in mults:
                value *= mults[att]
            elif att == "x":
                unit = "x"
            elif att in tunits:
                unit = "t:" + att
            elif att in ("st", "nd", "rd", "th") and value <= 31:
                # "the 20th": a day of the month.
                out.append(Entity("date", s, e, value, value, "date"))
                continue
            else:
                # "2fa", "10mb": not a quantity we read.
                out.append(Entity("other", s, e, value, value, att))
                continue
        hi = value
        if rng_text:
            rng = _RANGE_HEAD.sub("", rng_text)
            ratt = _RANGE_ATT.search(rng)
            rval = parse_number(rng[: ratt.start()] if ratt else rng) if len(rng) <= 24 else None
            if rval is not None:
                if ratt and ratt.group() in mults:
                    rval *= mults[ratt.group()]
                elif not ratt and att in mults:
                    rval *= mults[att]
                hi = max(value, rval)
                value = min(value, rval)
        if cur:
            out.append(Entity("money", s, e, value, hi, _SYMBOLS.get(cur.strip(), "USD")))
            continue
        if unit == "x":
            out.append(Entity("times", s, e, value, hi, "x"))
            continue
        if unit.startswith("t:"):
            hours = tunits[unit[2:]]
            out.append(Entity("duration", s, e, value * hours, hi * hours, "h"))
            continue
        plain = "," not in core and "." not in core and not att and not smult and hi == value
        out.append(_typed(low, s, e, value, hi, core if plain else "", suffix_re, tunits, curwords))
    return out


@functools.cache
def _label_set() -> frozenset[str]:
    return frozenset(norm(w) for w in lexicon.lists("label_words")) | _months()[0]


def _label_before(low: str, lo: int, pos: int) -> str:
    """The label word ("version", "ticket", a month) right before a number, if any."""
    words = low[lo:pos].split()
    if not words:
        return ""
    labels = _label_set()
    if len(words) >= 2 and f"{words[-2]} {words[-1]}" in labels:
        return f"{words[-2]} {words[-1]}"
    last = words[-1].rstrip(".#")
    return last if last in labels else ""


def _join_words(low: str, spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        elif out and _WORD_JOIN.fullmatch(low, out[-1][1], s):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _typed(
    low: str,
    s: int,
    e: int,
    value: float,
    hi: float,
    plain_core: str,
    suffix_re: re.Pattern[str],
    tunits: dict[str, float],
    curwords: dict[str, str],
) -> Entity:
    """Type a number by the words right after and before it."""
    suf = suffix_re.match(low, e)
    if suf:
        if suf.group("pct"):
            return Entity("percent", s, suf.end(), value, hi, "%")
        if suf.group("tunit"):
            hours = tunits[norm(suf.group("tunit"))]
            return Entity("duration", s, suf.end(), value * hours, hi * hours, "h")
        if suf.group("curw"):
            return Entity(
                "money", s, suf.end(), value, hi, curwords.get(norm(suf.group("curw")), "?")
            )
        if suf.group("meas"):
            return Entity("measure", s, suf.end(), value, hi, norm(suf.group("meas")))
        if suf.group("ratio"):
            return Entity("ratio", s, suf.end(), value, hi, "ratio")
    window_start = max(0, s - 24)
    label = _label_before(low, window_start, s)
    if label:
        kind = "date" if label in _months()[0] else "label"
        return Entity(kind, s, e, value, hi, kind)
    month_after = _months()[1].match(low, e)
    if month_after and value <= 31:
        return Entity("date", s, month_after.end(), value, hi, "date")
    if _LABEL_AFTER.match(low, e):
        return Entity("label", s, e, value, hi, "label")
    if plain_core:
        number = int(value)
        # HTTP status codes: "HTTP 500", "a 404", "503 errors" (but "over 500 errors" counts).
        if 100 <= number <= 599 and len(plain_core) == 3:
            before = low[max(0, s - 16) : s]
            if _HTTP_CONTEXT.search(before) or (
                _HTTP_AFTER.match(low, e) and not _APPROX.search(before)
            ):
                return Entity("label", s, e, value, hi, "http")
        if 1900 <= number <= 2099 and len(plain_core) == 4:
            return Entity("year", s, e, value, hi, "year")
    return Entity("count", s, e, value, hi, "")


def _clock_minutes(text: str) -> float:
    """Minutes after midnight of a clock time ("5 pm", "17:30 utc", "9.15 a.m.")."""
    digits = _DIGITS.findall(text)
    hour = int(digits[0]) if digits else 0
    minute = int(digits[1]) if len(digits) > 1 else 0
    letters = text.replace(".", "")
    if "pm" in letters and hour < 12:
        hour += 12
    elif "am" in letters and hour == 12:
        hour = 0
    return float(hour * 60 + minute)
