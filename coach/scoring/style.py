"""Style flags: hedging, filler, blame, counterfactuals, jargon, length, buried
lede, vague quantities and times, over-promising and repeated apologies.

Messages and suggestions are templates in data/style.yaml; every flag carries the
span of the text that raised it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from coach.scoring import lexicon
from coach.scoring.elements import _NOUN_GAP, Analysis
from coach.scoring.lexicon import Hit, JargonLexicon
from coach.scoring.text import Doc, dedupe

#: Speaking pace used for ``spoken_seconds``.
WORDS_PER_MINUTE = 150

_ACRONYM = re.compile(r"[A-Z](?<![\w'’\-/.][A-Z])[A-Z0-9&]{1,5}s?(?![\w'’])(?!-[0-9])")
_EXPLAINED_AFTER = re.compile(
    r"(?:\s+[a-z]+)?\s*\(|\s*(?:,\s*(?:which|i\.e|meaning|that is|aka|or|basically|essentially"
    r"|the|a|an|our|what)(?![\w])|\s[—–-]\s|:\s|\s+(?:is|are|means|was)\s+(?:a|an|the|when|our|what|how"
    r"|basically|essentially|where|just)(?![\w]))"
)
_EXPLAINED_BEFORE = re.compile(
    r"(?:called|known as|so-called|so called|what we call|we call it|\()\s*['\"“‘]?$"
)
_UNIT_BEFORE_LATER = re.compile(
    r"(?:hours?|minutes?|days?|weeks?|months?|years?|moments?|[0-9])\s+$"
)


_STOP = re.compile(r"[.;!?]")
_SHRUG_END = re.compile(r"\s*(?:[.!]|$)")
_LETTERS = re.compile(r"[A-Za-z]{2,}")
_HOW = re.compile(r"(?<![\w])how\s+$")


@dataclass(frozen=True, slots=True)
class RawFlag:
    code: str
    start: int
    end: int
    fields: Mapping[str, Any]
    severity: Literal["info", "warning"] = "warning"


@functools.cache
def spec(code: str) -> dict[str, Any]:
    data: dict[str, Any] = lexicon.load("style.yaml")[code]
    return data


@functools.cache
def _templates(code: str) -> tuple[str, str]:
    data = spec(code)
    return " ".join(str(data["message"]).split()), " ".join(str(data["suggestion"]).split())


def message(code: str, fields: Mapping[str, Any]) -> tuple[str, str]:
    """The flag's message and suggestion, filled from its data templates."""
    text, suggestion = _templates(code)
    values = _Fields(fields)
    return text.format_map(values), suggestion.format_map(values)


class _Fields(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def _short(text: str, limit: int = 60) -> str:
    if len(text) > 4 * limit:
        # Squeezing the spaces of a prefix gives a prefix of the squeezed whole, so a
        # long text (the rest of a 5,000-word paste) need not be squeezed entirely.
        head = " ".join(text[: 4 * limit].split())
        if len(head) > limit:
            return head[: limit - 1] + "…"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def style_flags(
    a: Analysis,
    *,
    expects: Sequence[str],
    budget: int | None,
    jargon: JargonLexicon,
) -> list[RawFlag]:
    doc = a.doc
    flags: list[RawFlag] = []
    flags += _hedging(doc)
    flags += _simple(doc, "filler", ("filler", "teeup"))
    flags += _blame(doc)
    flags += _counterfactual(doc)
    flags += _jargon(doc, jargon)
    flags += _too_long(doc, budget)
    flags += _buried_lede(a, expects)
    flags += _vague_quantity(doc)
    flags += _vague_time(doc)
    flags += _over_promise(doc)
    flags += _apology(doc)
    return flags


def _evidence(doc: Doc, start: int, end: int) -> str:
    return _short(doc.text[start:end])


def _hedging(doc: Doc) -> list[RawFlag]:
    data = spec("hedging")
    hedges = dedupe(doc.hits_of("hedge"))
    count = len(hedges)
    if count < 2:
        return []
    words = max(doc.words, 1)
    gap_words = int(data["stack_window_words"])
    stacks: list[tuple[int, int]] = []
    in_stack: set[int] = set()
    i = 0
    while i < count - 1:
        j = i
        while (
            j + 1 < count
            and len(doc.low[hedges[j].end : hedges[j + 1].start].split()) <= gap_words
            and doc.sentence_index(hedges[j].start) == doc.sentence_index(hedges[j + 1].start)
            and not _STOP.search(doc.low, hedges[j].end, hedges[j + 1].start)
        ):
            j += 1
        if j > i:
            stacks.append((hedges[i].start, hedges[j].end))
            in_stack.update(range(i, j + 1))
            i = j + 1
        else:
            i += 1
    out = [
        RawFlag(
            "hedging", s, e, {"evidence": _evidence(doc, s, e), "count": count, "words": doc.words}
        )
        for s, e in stacks
    ]
    density = count * 100 / words
    if count >= int(data["density_min_count"]) and density >= float(data["density_per_100_words"]):
        for k, hedge in enumerate(hedges):
            if k not in in_stack:
                fields = {
                    "evidence": _evidence(doc, hedge.start, hedge.end),
                    "count": count,
                    "words": doc.words,
                }
                out.append(RawFlag("hedging", hedge.start, hedge.end, fields))
    return out


def _simple(doc: Doc, code: str, cats: Sequence[str], negatable: bool = False) -> list[RawFlag]:
    out: list[RawFlag] = []
    for hit in dedupe(h for cat in cats for h in doc.hits_of(cat)):
        if negatable and doc.negated(hit.start, window=32):
            continue
        out.append(
            RawFlag(code, hit.start, hit.end, {"evidence": _evidence(doc, hit.start, hit.end)})
        )
    return out


# "the front-end team's fault", "the auditors' fault": a possessive fault is blame.
_FAULT = re.compile(r" fault(?![\w'’])")
_WORD_END = re.compile(r"[a-z\-]+$")


def _blame(doc: Doc) -> list[RawFlag]:
    out: list[RawFlag] = []
    for match in _FAULT.finditer(doc.low):
        before = doc.low[max(0, match.start() - 2) : match.start()]
        if not (before.endswith(("'s", "’s")) or (before[-1:] in ("'", "’") and before[:1] == "s")):
            continue
        word = _WORD_END.search(doc.low, max(0, match.start() - 30), match.start())
        start = word.start() if word else match.start()
        if not doc.negated(start, window=24):
            fields = {"evidence": _evidence(doc, start, match.end())}
            out.append(RawFlag("blame", start, match.end(), fields))
    for hit in dedupe(doc.hits_of("blame")):
        if "blame" in hit.key and doc.negated(hit.start, window=32):
            continue
        # "It happens." shrugs; "it happens when the queue fills" explains.
        if hit.key.endswith(("happens", "happen")) and not _SHRUG_END.match(doc.low, hit.end):
            continue
        out.append(
            RawFlag("blame", hit.start, hit.end, {"evidence": _evidence(doc, hit.start, hit.end)})
        )
    for hit in doc.hits_of("blame_should"):
        # "They should have caught it" blames; "I should have caught it" owns it.
        subject = doc.low[max(doc.clause_start(hit.start), hit.start - 24) : hit.start].split()
        if subject and subject[-1] not in ("i", "we", "you"):
            start = hit.start
            out.append(
                RawFlag("blame", start, hit.end, {"evidence": _evidence(doc, start, hit.end)})
            )
    return out


def _counterfactual(doc: Doc) -> list[RawFlag]:
    out: list[RawFlag] = []
    if not doc.hits_of("cf_if") or not doc.hits_of("cf_would"):
        return out
    # Only the sentences that hold an "if" (in order), not every sentence.
    sentences = sorted({doc.sentence_span(h.start) for h in doc.hits_of("cf_if")})
    for s_start, s_end in sentences:
        ifs = doc.in_range("cf_if", s_start, s_end)
        woulds = doc.in_range("cf_would", s_start, s_end)
        if not ifs or not woulds:
            continue
        for cond in ifs:
            had = cond.key.startswith("had") or doc.any_in("cf_had", cond.end, s_end)
            if not had:
                continue
            start = min(cond.start, woulds[0].start)
            end = max(cond.end, woulds[-1].end)
            out.append(
                RawFlag("counterfactual", start, end, {"evidence": _evidence(doc, start, end)})
            )
            break
    return out


def _jargon(doc: Doc, lex: JargonLexicon) -> list[RawFlag]:
    out: list[RawFlag] = []
    seen: set[str] = set()
    low = doc.low
    candidates: list[tuple[int, int, str]] = [
        (h.start, h.end, h.key) for h in dedupe(doc.hits_of("jargon_term")) if h.key in lex.terms
    ]
    if lex.regex is not None:
        for match in lex.regex.finditer(low):
            start = match.start()
            if start and (low[start - 1].isalnum() or low[start - 1] in "_'’."):
                continue
            candidates.append((start, match.end(), lexicon.norm(match.group())))
    roman = lexicon.lists("roman_numerals")
    for match in _ACRONYM.finditer(doc.text):
        token = match.group()
        key = lexicon.norm(token)
        bare = key[:-1] if key.endswith("s") and len(key) > 2 else key
        if sum(map(str.isupper, token)) < 2 or token in roman:
            continue
        if lex.is_plain(key) or lex.is_plain(bare) or key in lex.terms or bare in lex.terms:
            continue
        if _shouting(doc.text, match.start(), match.end()):
            continue
        candidates.append((match.start(), match.end(), key))
    candidates.sort()
    explained: set[str] = set()
    for start, end, key in candidates:
        if _EXPLAINED_AFTER.match(low, end) or _EXPLAINED_BEFORE.search(
            low, max(0, start - 16), start
        ):
            explained.add(key)
            continue
        if doc.any_in("explain_marker", end, end + 6):
            explained.add(key)
    for start, end, key in candidates:
        if key in seen or key in explained:
            continue
        seen.add(key)
        meaning = lex.terms.get(key, "")
        hint = f", e.g. '{_short(meaning, 80)}'" if meaning else ""
        fields = {"evidence": _evidence(doc, start, end), "hint": hint}
        out.append(RawFlag("jargon", start, end, fields))
    return out


def _shouting(text: str, start: int, end: int) -> bool:
    """An acronym inside ALL-CAPS text is shouting, not jargon."""
    around = _LETTERS.findall(text, max(0, start - 40), end + 40)
    upper = sum(1 for w in around if w.isupper())
    return len(around) >= 4 and upper / len(around) > 0.6


def _too_long(doc: Doc, budget: int | None) -> list[RawFlag]:
    if budget is None or budget <= 0:
        return []
    tolerance = float(spec("too_long")["tolerance"])
    if doc.words <= budget * (1 + tolerance):
        return []
    # The flag covers the words past the budget: from word number budget+1 to the end
    # (what is left after ``budget`` splits, which str.split returns without its
    # leading spaces).
    parts = doc.text.split(None, budget)
    start = len(doc.text) - len(parts[budget]) if len(parts) > budget else 0
    end = len(doc.text.rstrip())
    fields = {
        "words": doc.words,
        "seconds": round(doc.words * 60 / WORDS_PER_MINUTE),
        "budget": budget,
        "evidence": _evidence(doc, start, end),
        "over": doc.words / budget - 1,
    }
    return [RawFlag("too_long", start, end, fields)]


def _buried_lede(a: Analysis, expects: Sequence[str]) -> list[RawFlag]:
    doc = a.doc
    if not doc.sentences:
        return []
    f_start, f_end = doc.sentences[0]
    teeup = doc.first_after("teeup", f_start, min(f_end, f_start + 24))
    wanted = list(expects) or list(a.elements)
    if teeup is None:
        if len(doc.sentences) < 2:
            return []
        for name in wanted:
            if any(s < f_end for s, _ in a.elements[name].spans):
                return []
        # "We don't know the cause yet; we'll know by 14:00.": an honest unknown answers
        # a question about the cause up front.
        if (
            "root_cause" in wanted
            and a.elements["root_cause"].unknown
            and doc.any_in("unknown", f_start, f_end)
        ):
            return []
        if doc.any_in("incident", f_start, f_end):
            return []
    lead = ""
    for name in wanted:
        spans = sorted(a.elements[name].spans)
        if spans:
            lead = _short(doc.text[slice(*doc.sentence_span(spans[0][0]))], 90)
            break
    fields = {
        "evidence": _evidence(doc, f_start, f_end),
        "lead": lead or "what happened, the figure, and what you've done",
    }
    return [RawFlag("buried_lede", f_start, f_end, fields)]


def _vague_quantity(doc: Doc) -> list[RawFlag]:
    out: list[RawFlag] = []
    for hit in dedupe(doc.hits_of("vague_quantifier") + doc.hits_of("vague_amount")):
        if doc.is_question(hit.start):
            continue
        if "vague_quantifier" in hit.cats:
            if _HOW.search(doc.low, max(0, hit.start - 6), hit.start):
                continue
            noun = _noun_near(doc, hit)
            if noun is None:
                if "vague_amount" not in hit.cats:
                    continue
                end, word = hit.end, "users"
            else:
                if noun.key == "people" and not doc.any_in(
                    "incident", noun.end, doc.clause_end(noun.end) + 1
                ):
                    continue
                end, word = noun.end, noun.key
        else:
            end, word = hit.end, "users"
        fields = {"evidence": _evidence(doc, hit.start, end), "noun": word}
        out.append(RawFlag("vague_quantity", hit.start, end, fields))
    return out


def _noun_near(doc: Doc, hit: Hit) -> Hit | None:
    ce = doc.clause_end(hit.end)
    nouns = doc.in_range("impact_noun", hit.end, min(ce, hit.end + 40))
    nouns += doc.in_range("impact_metric", hit.end, min(ce, hit.end + 40))
    for noun in sorted(nouns, key=lambda h: h.start):
        gap = doc.low[hit.end : noun.start]
        if gap == "" or gap.isspace() or _NOUN_GAP.fullmatch(doc.low, hit.end, noun.start):
            return noun
    return None


def _vague_time(doc: Doc) -> list[RawFlag]:
    out: list[RawFlag] = []
    for hit in dedupe(doc.hits_of("vague_time")):
        nearby = doc.in_range("vague_time_exception", max(0, hit.start - 40), hit.end)
        if any(e.start <= hit.start < e.end or hit.start <= e.start < hit.end for e in nearby):
            continue
        if hit.key == "later" and _UNIT_BEFORE_LATER.search(
            doc.low, max(0, hit.start - 12), hit.start
        ):
            continue
        out.append(
            RawFlag(
                "vague_time", hit.start, hit.end, {"evidence": _evidence(doc, hit.start, hit.end)}
            )
        )
    return out


def _over_promise(doc: Doc) -> list[RawFlag]:
    return _simple(doc, "over_promise", ("over_promise",), negatable=True)


def _apology(doc: Doc) -> list[RawFlag]:
    hits = dedupe(doc.hits_of("apology"))
    allowed = int(spec("apology")["max_apologies"])
    if len(hits) <= allowed:
        return []
    return [
        RawFlag(
            "apology",
            h.start,
            h.end,
            {"evidence": _evidence(doc, h.start, h.end), "count": len(hits)},
        )
        for h in hits[allowed:]
    ]
