"""Element detectors: impact, timeline, mitigation, root cause, next update,
prevention, resources and stakeholders.

Each detector reads the lexicon hits and typed numbers of a :class:`Doc` and
applies the same few context rules, so they generalise beyond any one phrasing:

* a claim inside a question does not count;
* a negator a few words before a claim, in the same clause, cancels it;
* a modal or plan word before a done-form verb makes it a plan;
* the nearest tense word decides whether a time looks forward or back;
* who acted decides whether a verb is our containment or part of the cause.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from dataclasses import dataclass, field

from coach.scoring import lexicon
from coach.scoring.entities import Entity, extract
from coach.scoring.lexicon import Hit
from coach.scoring.text import Doc, dedupe

_PER_AFTER = re.compile(r"\s*(?:[a-z\-]+\s+){0,3}?(?:per|a|an|each|/)\s")
_PER_PERIOD = re.compile(r"\s*(?:a|per)\s+(?:year|month|week|day)")
_NOUN_BREAK = re.compile(r"[.;!?]|(?<![\w])(?:in|on|for|from|with|by|per|than)(?![\w])")
_HOW_MANY = re.compile(r"\s*(?:yet\s+)?how\s+(?:many|much)")
_TO_OTHER = re.compile(
    r"\s+to\s+(?!(?:approve|decide|sign|call|tell|bring|escalate|have|keep|get|hire|engage|add"
    r"|borrow|retain|put)(?![\w]))"
)
_TO_US = re.compile(r"\s+(?:us|me|him|her)(?![\w])")
_KNOW = re.compile(r"(?<![\w])know(?![\w])")
# Words allowed between a number and its noun: "1,200 of our enterprise users".
_NOUN_GAP = re.compile(
    r"(?:\s+(?!(?:in|on|at|for|from|with|by|to|per|than|and|or|but|is|are|was|were|have|has"
    r"|had|will|would|can|could|should|that|which|who|because|since|when|while|if|into|so"
    r"|engineers?|people|staff|employees)(?![\w'’]))[a-z][a-z'’.\-]*){0,3}\s+"
)
_PREP_AFTER = re.compile(r"\s+(?:on|in|across|at|from|for|over|within)\s")
# After a number with no noun of its own: the figure of a label before it.
_TERMINAL_AFTER = re.compile(
    r"\s*(?:[.,;:!?)\]—–]|$|so far|today|in total|total|now|and(?![\w])|but(?![\w])"
    r"|affected|impacted|overall|at the moment|right now|this morning|yesterday|as of"
    r"|to date|since|a day|an hour|per day|per hour|each day)"
)


@functools.cache
def _prep_regex() -> re.Pattern[str]:
    """The preposition before a time, then filler words: "within about", "in the next".

    It starts with the prepositions themselves (a trie, no look-behind) so the engine
    skips quickly to candidates; the caller checks the word boundary.
    """
    preps = lexicon.trie_regex(lexicon.lists("time_prepositions"))
    fillers = lexicon.trie_regex(lexicon.lists("time_fillers"))
    return re.compile(
        r"(?P<prep>" + preps + r"|eta\s+(?:is|of|for [a-z ]{1,20}?(?:is|:)))(?P<colon>:?)"
        r"(?:\s+(?:" + fillers + r"))?\s*~?\s*$"
    )


_BARE_HOUR = re.compile(
    r"\s*(?:o['’]?clock|[.,;:!?)]|$|and(?![\w])|or(?![\w])|today|tonight|tomorrow|this|then"
    r"|sharp|at the latest|latest|with|to(?![\w])|either|regardless|whatever|or so|ish)"
)
_AGO = re.compile(r"\s+ago(?![\w])")
_TECH_OBJECT = re.compile(
    r"\s+(?:the|a|an|our|its|this|that|these|those|all|every)\s+(?!(?:board|team|exec|execs"
    r"|leadership|ceo|channel|stakeholders|customers|everyone|group|company)(?![\w]))"
)

_DONE_CATS = ("act_done", "act_doing", "mitigation_state")


def _inside_word(low: str, pos: int) -> bool:
    return pos > 0 and (low[pos - 1].isalnum() or low[pos - 1] in "_'’")


@functools.cache
def _local_regex(name: str) -> re.Pattern[str]:
    """A word list searched only in a small window where a rare check needs it, instead
    of by the main phrase scanner on every answer."""
    body = lexicon.trie_regex(lexicon.lists(name))
    return re.compile(r"(?<![\w'’])(?:" + body + r")(?![\w'’])")


@functools.cache
def _words(name: str) -> frozenset[str]:
    """A closed word class from data/lexicon.yaml, as a set."""
    return frozenset(lexicon.lists(name))


def _prev_words(low: str, pos: int, n: int = 4) -> list[str]:
    """Up to ``n`` words right before ``pos``, nearest first, stopping at punctuation."""
    out: list[str] = []
    # rsplit with a limit splits only the last few words of the 48-character window.
    for word in reversed(low[max(0, pos - 48) : pos].rsplit(None, n)[-n:]):
        if not word[-1].isalnum():
            break
        out.append(word)
    return out


def _aux_before(low: str, pos: int, aux: frozenset[str], contractions: tuple[str, ...]) -> bool:
    for word in _prev_words(low, pos, 4)[:3]:
        if word in aux or word.endswith(contractions):
            return True
        if word not in _words("adverbs"):
            return False
    return False


def _determiner_before(low: str, pos: int) -> bool:
    words = _prev_words(low, pos, 1)
    return bool(words) and words[0] in _words("determiners")


_CAUSE_WINDOW = 160


@dataclass
class Found:
    """What one detector found: evidence spans, plans, an acknowledged unknown."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    planned: list[tuple[int, int]] = field(default_factory=list)
    unknown: bool = False


@dataclass(slots=True)
class TimeRef:
    """A time expression: where, what kind, and its horizon when known."""

    start: int
    end: int
    kind: str  # duration, clock, date, dayref
    hours: float | None
    text_key: str


@dataclass
class Analysis:
    """Everything the element and style detectors share for one answer."""

    doc: Doc
    entities: list[Entity]
    times: list[TimeRef]
    elements: dict[str, Found]
    #: time refs judged forward-looking, by purpose ("timeline", "comm", "unknown").
    forward: dict[str, list[tuple[TimeRef, int]]]
    entity_starts: list[int] = field(default_factory=list)
    forward_starts: dict[str, list[int]] = field(default_factory=dict)

    def forward_in(self, purpose: str, lo: int, hi: int) -> list[tuple[TimeRef, int]]:
        """Forward times for ``purpose`` starting in ``[lo, hi)`` (by the time's start)."""
        starts = self.forward_starts[purpose]
        i = bisect_left(starts, lo)
        j = bisect_left(starts, hi, i)
        return self.forward[purpose][i:j]

    def entities_in(self, lo: int, hi: int) -> list[Entity]:
        i = bisect_left(self.entity_starts, lo)
        j = bisect_left(self.entity_starts, hi, i)
        return self.entities[i:j]


@functools.cache
def _prep_sets() -> tuple[frozenset[str], frozenset[str]]:
    forward = frozenset(lexicon.lists("forward_prepositions"))
    past = frozenset(lexicon.lists("past_prepositions"))
    return forward, past


@functools.cache
def _dayref_hours() -> dict[str, float]:
    return lexicon.table("dayref_hours")


@functools.cache
def _duration_word_hours() -> dict[str, float]:
    return lexicon.table("duration_word_hours")


_FRAGMENT_TAIL = re.compile(r"\s*(?:[,;:—–-]\s*(?:if|assuming|provided|unless|as long as)\b.*)?$")


def _fragment_estimate(doc: Doc, t: TimeRef) -> bool:
    """Whether duration ``t`` stands alone in its sentence, with at most words that
    keep it an estimate (``fragment_estimate_words``) and a condition after it:
    "Probably 2 days.", "About five hours, if the restore holds." """
    lo, hi = doc.sentence_span(t.start)
    if hi - lo > 120:
        return False
    allowed = _words("fragment_estimate_words")
    before = doc.low[lo : t.start].replace("~", " ")
    if any(w not in allowed for w in re.findall(r"[a-z'’]+", before)):
        return False
    if re.search(r"[0-9]", before):
        return False
    tail = doc.low[t.end : hi].rstrip(" .!?\n")
    words = re.findall(r"[a-z'’]+", tail)
    return all(w in allowed for w in words) or _FRAGMENT_TAIL.match(tail) is not None


def analyse(doc: Doc) -> Analysis:
    entities = extract(doc.low, [(h.start, h.end) for h in doc.hits_of("number_word")])
    times = _time_refs(doc, entities)
    analysis = Analysis(doc, entities, times, {}, {}, [e.start for e in entities])
    forward: dict[str, list[tuple[TimeRef, int]]] = {"timeline": [], "comm": [], "unknown": []}
    for t in times:
        for purpose, start in _classify_time(doc, t).items():
            forward[purpose].append((t, start))
    analysis.forward = forward
    analysis.forward_starts = {p: [t.start for t, _ in refs] for p, refs in forward.items()}
    found = analysis.elements
    found["impact"] = _impact(analysis)
    found["timeline"] = _timeline(analysis)
    found["mitigation"] = _mitigation(doc)
    found["root_cause"] = _root_cause(analysis)
    found["next_update"] = _next_update(analysis)
    found["prevention"] = _prevention(doc)
    found["resources"] = _resources(analysis)
    found["stakeholders"] = _stakeholders(doc)
    return analysis


# -- shared context checks ----------------------------------------------------------


def _modal_before(doc: Doc, pos: int, window: int = 40) -> bool:
    start = max(doc.clause_start(pos), pos - window)
    return doc.any_in("modal", start, pos)


def _agent_before(doc: Doc, lo: int, pos: int) -> bool:
    return doc.any_in("agent", lo, pos)


def _passive_before(doc: Doc, pos: int) -> bool:
    return _aux_before(doc.low, pos, _words("passive_aux"), ("'s", "’s", "'re", "’re"))


def _header_content(doc: Doc, hit: Hit) -> tuple[int, int] | None:
    """The text after a status-template label, if the label opens its line or sentence."""
    s_start, s_end = doc.sentence_span(hit.start)
    # "The cause: ..." and "1. Cause: ..." open their line; "... and cause: x" does not.
    before = doc.low[s_start : hit.start].strip(" -*•#>\t0123456789.)")
    if before and before not in _words("header_determiners"):
        return None
    start = hit.end
    while start < s_end and doc.low[start] in " \t":
        start += 1
    if start >= s_end:
        return None
    if doc.any_in("header_empty", start, start + 1) or doc.any_in("unknown", start, start + 1):
        return None
    return start, min(s_end, start + _CAUSE_WINDOW)


# -- impact -------------------------------------------------------------------------


def _impact(a: Analysis) -> Found:
    doc = a.doc
    found = Found()
    low = doc.low
    headers = [
        span for h in doc.hits_of("impact_header") if (span := _header_content(doc, h)) is not None
    ]
    for ent in a.entities:
        if ent.kind not in ("money", "percent", "ratio", "times", "count"):
            continue
        if doc.is_question(ent.start):
            continue
        cs = doc.clause_start(ent.start)
        ce = doc.clause_end(ent.end)
        span = _impact_span(a, ent, cs, ce)
        if span is None and ent.kind == "count" and any(s <= ent.start < e for s, e in headers):
            span = (ent.start, ent.end)
        if span is not None:
            found.spans.append(span)
    for hit in doc.hits_of("fraction_word"):
        if doc.is_question(hit.start):
            continue
        ce = doc.clause_end(hit.end)
        noun = _noun_after(doc, hit.end, ce)
        if noun is not None:
            found.spans.append((hit.start, noun.end))
            continue
        # "Click-through dropped by about a third": a fraction as the size of a change in
        # an impact measure.
        cs = doc.clause_start(hit.start)
        if _CHANGE_BY.search(low, max(cs, hit.start - 30), hit.start) and doc.any_in(
            "impact_metric", max(cs, hit.start - 60), hit.start
        ):
            found.spans.append((hit.start, hit.end))
    return found


# After "because of" / "due to": the incident itself, so what follows is its effect.
_CONSEQUENCE_OF = re.compile(
    r"(?:\s+of)?\s+(?:the|this|that|today['’]s|yesterday['’]s|our)\s+(?:outage|incident|downtime"
    r"|disruption|interruption|breach|attack|exploit|hack)(?![\w'’])"
)
_COSTS_US = re.compile(r"\s+(?:us|the company|the business)(?![\w'’])")
_CHANGE_BY = re.compile(
    r"(?<![\w])(?:by|down|up|fell|dropped|cut|lost)\s+(?:about\s+|around\s+|roughly\s+|nearly\s+"
    r"|almost\s+|over\s+|more than\s+|just over\s+|just under\s+)?$"
)
# "40% of searches", "18% of our user base": what the share is of.
_SHARE_OF = re.compile(
    r"\s+of\s+(?:(?:the|our|all|their|its|this|that|these|those|today['’]s|yesterday['’]s"
    r"|a|an)\s+)?([a-z][a-z\-]*)(?:\s+([a-z][a-z\-]*))?"
)
# "1,200 pending", "3,000 affected": a count whose harm follows at once.
_HARM_NEXT = re.compile(
    r"\s+(?:pending|affected|impacted|failed|stuck|queued|delayed|missing|lost|waiting)(?![\w'’])"
)
_PLURAL_NEXT = re.compile(r"\s+(?:[a-z][a-z\-]*\s+)?([a-z][a-z\-]*s)(?![\w'’])")


def _noun_after(doc: Doc, pos: int, limit: int) -> Hit | None:
    """The impact noun right after ``pos`` (at most three words between, or "of our"
    and three: "three of our top ten customers")."""
    gap_start = pos
    of = _OF_DET.match(doc.low, pos) if doc.low.startswith(" of ", pos) else None
    for noun in doc.in_range("impact_noun", pos, min(limit, pos + 56)):
        if _NOUN_GAP.fullmatch(doc.low, gap_start, noun.start) or (
            of is not None and _NOUN_GAP.fullmatch(doc.low, of.end() - 1, noun.start)
        ):
            return noun
    return None


_OF_DET = re.compile(r"\s+of\s+(?:our|the|their|its|all|those|these)\s")


def _share_excluded(share: re.Match[str]) -> bool:
    words = [w for w in share.groups() if w]
    excluded = _words("share_exclusion")
    return any(w in excluded or lexicon.norm(w) in excluded for w in words[:1]) or (
        len(words) == 2 and " ".join(words) in excluded
    )


def _count_with_harm(a: Analysis, ent: Entity, cs: int, ce: int) -> tuple[int, int] | None:
    """A count of something the lexicon does not list, made impact by the harm around it:
    "about 14,000 confirmations are waiting", "we missed 340 block proposals", "all 1,200
    pending". Small counts are left out: they are usually staff or machines."""
    doc = a.doc
    low = doc.low
    if ent.value < _MIN_UNLISTED_COUNT:
        return None
    direct = _HARM_NEXT.match(low, ent.end)
    if direct is not None:
        return ent.start, direct.end()
    plural = _PLURAL_NEXT.match(low, ent.end)
    if plural is None:
        return None
    noun = plural.group(1)
    if noun in _words("share_exclusion") or doc.any_in("people_noun", ent.end, plural.end()):
        return None
    harm = _local_regex("harm_word")
    if harm.search(low, plural.end(), min(ce, plural.end() + 40)) or harm.search(
        low, max(cs, ent.start - 30), ent.start
    ):
        return ent.start, plural.end()
    return None


@functools.cache
def _change_from_regex() -> re.Pattern[str]:
    """The words before a change written as a range: "risen from " (2,300 to 3,100)."""
    verbs = lexicon.trie_regex(lexicon.lists("change_verbs"))
    return re.compile(r"(?<![\w'’])(?:" + verbs + r")\s+from\s+$")


def change_range(doc: Doc, ent: Entity) -> bool:
    """Whether range ``ent`` is a change from its low to its high figure: "users have
    risen from 2,300 to 3,100" (the new figure is 3,100, not a range up to it)."""
    if ent.hi == ent.value:
        return False
    lo = max(doc.sentence_span(ent.start)[0], ent.start - 40)
    return _change_from_regex().search(doc.low, lo, ent.start) is not None


def _change_from_to(doc: Doc, ent: Entity) -> tuple[int, int] | None:
    """A count that changed, named by an impact noun before the change: "affected
    users have risen from 2,300 to 3,100"."""
    if not doc.hits_of("impact_noun") or not change_range(doc, ent):
        return None
    lo = max(doc.sentence_span(ent.start)[0], ent.start - 100)
    noun = doc.last_before("impact_noun", lo, ent.start)
    if noun is None or _NOUN_BREAK.search(doc.low, noun.end, ent.start - 6):
        return None
    return noun.start, ent.end


#: Below this, a count of something the lexicon does not list is not taken as impact.
_MIN_UNLISTED_COUNT = 100


def _impact_span(a: Analysis, ent: Entity, cs: int, ce: int) -> tuple[int, int] | None:
    doc = a.doc
    low = doc.low
    limit_before = doc.any_in("limit_context", cs, ent.start)
    threshold = doc.last_before("threshold_before", max(cs, ent.start - 40), ent.start)
    if threshold is not None and not low[threshold.end : ent.start].strip(" ~$€£"):
        return None
    if ent.kind == "money":
        loss = doc.any_in("loss_word", ent.end, ent.end + 24)
        cost = doc.last_before("cost_word", max(cs, ent.start - 30), ent.start)
        if cost is not None and _COSTS_US.match(low, cost.end):
            cost = None  # "it would cost us about $4,000 an hour": a loss, not a price
        if cost is not None and not loss:
            return None
        if _PER_PERIOD.match(low, ent.end) and not loss:
            return None
        if limit_before and _PER_AFTER.match(low, ent.end, ent.end + 40):
            return None
        s_start = doc.sentence_span(ent.start)[0]
        if doc.any_in("ask", s_start, ent.start) and not loss:
            return None
        return ent.start, ent.end
    if limit_before:
        return None
    if ent.kind == "percent":
        if doc.any_in("percent_exclusion", ent.end, min(ce, ent.end + 24)) or any(
            # "off by 4%" measures an error; "90% off" is a discount.
            not doc.any_in("impact_metric", h.start, h.start + 1)
            for h in doc.in_range("percent_exclusion", max(cs, ent.start - 18), ent.start)
        ):
            return None
        noun = _noun_after(doc, ent.end, ce)
        if noun is not None:
            return ent.start, noun.end
        share = _SHARE_OF.match(low, ent.end)
        if share is not None and not _share_excluded(share):
            return ent.start, share.end()
        if doc.any_in("impact_metric", ent.end, min(ce, ent.end + 40)) or doc.any_in(
            "impact_metric", max(cs, ent.start - 50), ent.start
        ):
            return ent.start, ent.end
        return None
    if ent.kind == "ratio":
        noun = _noun_after(doc, ent.end, ce)
        if noun is not None:
            return ent.start, noun.end
        if doc.any_in("impact_metric", ent.end, min(ce, ent.end + 30)):
            return ent.start, ent.end
        return None
    if ent.kind == "times":
        if doc.any_in("impact_metric", ent.end, min(ce, ent.end + 48)) or doc.any_in(
            "impact_metric", max(cs, ent.start - 40), ent.start
        ):
            return ent.start, ent.end
        return None
    # A plain count: its noun follows, or a label precedes it.
    noun = _noun_after(doc, ent.end, ce)
    if noun is not None:
        if noun.key == "people" and (ent.value < 20 or doc.any_in("ask", cs, ent.start)):
            return None
        if doc.any_in("non_impact_modifier", ent.end, noun.start):
            return None
        return ent.start, noun.end
    harm = _count_with_harm(a, ent, cs, ce)
    if harm is not None:
        return harm
    change = _change_from_to(doc, ent)
    if change is not None:
        return change
    if not (_TERMINAL_AFTER.match(low, ent.end) or _PREP_AFTER.match(low, ent.end)):
        return None
    s_start = doc.sentence_span(ent.start)[0]
    before = doc.last_before("impact_noun", max(s_start, ent.start - 60), ent.start)
    if before is None:
        return None
    if any(o.kind in ("count", "money", "percent") for o in a.entities_in(before.end, ent.start)):
        return None
    between = low[before.end : ent.start]
    if _NOUN_BREAK.search(between):
        return None
    return before.start, ent.end


# -- time -----------------------------------------------------------------------------


def _time_refs(doc: Doc, entities: list[Entity]) -> list[TimeRef]:
    refs: list[TimeRef] = []
    hours = _dayref_hours()
    for ent in entities:
        if ent.kind == "duration":
            refs.append(TimeRef(ent.start, ent.end, "duration", ent.hi, ""))
        elif ent.kind == "clock":
            refs.append(TimeRef(ent.start, ent.end, "clock", None, f"clock:{ent.value:g}"))
        elif ent.kind == "date":
            refs.append(TimeRef(ent.start, ent.end, "date", None, doc.low[ent.start : ent.end]))
        elif (
            ent.kind == "count"
            and ent.value == int(ent.value)
            and 1 <= ent.value <= 24
            and _prev_words(doc.low, ent.start, 1)[:1]
            in (["at"], ["by"], ["around"], ["until"], ["till"], ["before"], ["after"])
            and _BARE_HOUR.match(doc.low, ent.end)
        ):
            # "at 5", "by 4 today": a bare hour after a time preposition.
            refs.append(TimeRef(ent.start, ent.end, "clock", None, f"clock:{ent.value * 60:g}"))
    for hit in doc.hits_of("dayref"):
        key = hit.key
        value = hours.get(key)
        if value is None and key.rstrip("'s") in (
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ):
            value = hours["weekday"]
        refs.append(TimeRef(hit.start, hit.end, "dayref", value, key))
    word_hours = _duration_word_hours()
    for hit in doc.hits_of("duration_word"):
        refs.append(TimeRef(hit.start, hit.end, "duration", word_hours.get(hit.key), hit.key))
    refs.sort(key=lambda t: (t.start, -t.end))
    # Nested refs ("tomorrow morning" and "tomorrow"): keep the outer one.
    out: list[TimeRef] = []
    for ref in refs:
        if out and ref.start < out[-1].end:
            continue
        out.append(ref)
    return out


_PREDICATIVE_BEFORE = frozenset(("is", "are", "was", "were", "still", "remains", "currently", "be"))
_PREDICATIVE_AFTER = re.compile(r"\s*(?:[.,;:!?)]|$|yet|for now|at this point|so far|to us)")


def _unknown_in(doc: Doc, lo: int, hi: int) -> bool:
    """An explicit unknown in ``[lo, hi)`` ("we don't know", "the cause is unknown").
    "Unknown" or "unclear" before a noun ("3 unknown IPs") is a description, not one."""
    for hit in doc.in_range("unknown", lo, hi):
        if hit.key not in ("unknown", "unclear", "not clear"):
            return True
        before = _prev_words(doc.low, hit.start, 1)
        if (before and before[0] in _PREDICATIVE_BEFORE) or _PREDICATIVE_AFTER.match(
            doc.low, hit.end
        ):
            return True
    return False


# _last_future and _last_past run for every time in an answer: they bisect the hit
# starts themselves rather than going through Doc.last_before and Doc.in_range.


def _last_future(doc: Doc, lo: int, hi: int) -> int:
    """Start of the last future or modal word in ``[lo, hi)`` ("if" does not count), or -1."""
    starts = doc.starts_by_cat["future"]
    j = bisect_left(starts, hi) - 1
    best = starts[j] if j >= 0 and starts[j] >= lo else -1
    modal_starts = doc.starts_by_cat["modal"]
    if modal_starts:
        i = bisect_left(modal_starts, lo if lo > best else best + 1)
        modals = doc.by_cat["modal"]
        for k in range(bisect_left(modal_starts, hi, i) - 1, i - 1, -1):
            if modals[k].key not in ("if", "whether"):
                return modals[k].start  # after ``best``, so the later of the two
    return best


def _last_past(doc: Doc, lo: int, hi: int) -> int:
    starts = doc.starts_by_cat["past"]
    j = bisect_left(starts, hi) - 1
    best = starts[j] if j >= 0 and starts[j] >= lo else -1
    eds = doc.past_starts
    i = bisect_left(eds, hi) - 1
    if i >= 0 and eds[i] >= lo and eds[i] > best:
        return eds[i]
    return best


def _tense(doc: Doc, lo: int, hi: int, t_start: int, t_end: int) -> str | None:
    """The nearest tense word to a time in ``[lo, hi)``: "future", "past" or None.

    A past form right after a future word ("will have it fixed", "expect it restored")
    does not count as past.
    """
    future = _last_future(doc, lo, t_start)
    past = _last_past(doc, lo, t_start)
    if past > future:
        # "will have it fixed": a future word just before the past form rules.
        return "future" if future >= 0 and past - future <= 28 else "past"
    if future >= 0:
        return "future"
    # After the time, only within its clause: "at 14:05 we saw errors".
    clause_end = min(hi, doc.clause_end(t_end))
    after_future = doc.first_after("future", t_end, clause_end)
    after_modal = next(
        (m for m in doc.in_range("modal", t_end, clause_end) if m.key not in ("if", "whether")),
        None,
    )
    first_future = min(
        (h.start for h in (after_future, after_modal) if h is not None), default=clause_end
    )
    first_past_hit = doc.first_after("past", t_end, clause_end)
    eds = doc.past_ed(t_end, clause_end)
    first_past = min(
        first_past_hit.start if first_past_hit is not None else clause_end,
        eds[0] if eds else clause_end,
    )
    if first_future < first_past:
        return "future"
    if first_past < clause_end:
        return "past"
    return None


def _classify_time(doc: Doc, t: TimeRef) -> dict[str, int]:
    """For each purpose ("timeline", "comm", "unknown"), the start of the evidence if
    ``t`` looks forward for it. Purposes other than the timeline accept times that
    the timeline leaves to them (the next update, when the cause will be known)."""
    none: dict[str, int] = {}
    if doc.is_question(t.start):
        return none
    seg_lo = doc.segment_start(t.start)
    seg_hi = doc.segment_end(t.start)
    prep_re = _prep_regex()
    prep_match = prep_re.search(doc.low, max(seg_lo, t.start - 40), t.start)
    if prep_match is not None and _inside_word(doc.low, prep_match.start()):
        # "begin 5" is not "in 5": look again after that letter.
        prep_match = prep_re.search(doc.low, prep_match.start() + 1, t.start)
        if prep_match is not None and _inside_word(doc.low, prep_match.start()):
            prep_match = None
    prep = prep_match.group("prep") if prep_match else ""
    if not prep.isalpha() and prep:
        prep = lexicon.norm(prep)  # "within  the next", "no-later-than": one spacing
    if prep.startswith("eta "):
        prep = "eta"
    ev_start = prep_match.start() if prep_match else t.start
    forward_preps, past_preps = _prep_sets()
    if prep in past_preps or _AGO.match(doc.low, t.end) or prep == "every":
        return none
    vague = doc.last_before("vague_time", ev_start - 24, t.start + 1)
    if vague is not None and vague.end >= ev_start - 3:
        # "soon", "at some point next week": a vague time, not a deadline.
        return none
    if t.kind == "duration" and _OF_EVENT.match(doc.low, t.end):
        return none
    for cat in ("filler", "forward_marker", "teeup"):
        # Inside a filler or a marker phrase ("at the end of the day", "from next week"):
        # the last such phrase starting in [t.start - 40, t.start] ends after t.start.
        starts = doc.starts_by_cat[cat]
        if starts:
            j = bisect_left(starts, t.start + 1) - 1
            if j >= 0 and starts[j] >= t.start - 40 and doc.by_cat[cat][j].end > t.start:
                return none
    tense = _tense(doc, seg_lo, seg_hi, t.start, t.end)
    if tense == "past" and t.kind == "duration":
        # "We resubmitted this morning and review usually takes a day": an estimate
        # verb after the last past form rules the duration.
        last_estimate = doc.last_before("estimate", seg_lo, t.start)
        if last_estimate is not None and last_estimate.start > _last_past(doc, seg_lo, t.start):
            tense = "future"
    if (
        tense == "past"
        and t.kind == "dayref"
        and prep in forward_preps
        and t.text_key in _words("ahead_dayrefs")
    ):
        # "Fixed by tomorrow.": a past form before a time that can only lie ahead is a
        # participle of what will be done by then.
        tense = "future"
    if tense == "past":
        return none
    if _CONDITIONAL_TAIL.match(doc.low, t.end):
        return none  # "revisit on Monday if needed": not a commitment
    s_lo = max(doc.sentence_span(t.start)[0], t.start - 300)
    header = doc.any_in("timeline_header", s_lo, t.start)
    if t.kind == "duration" and prep in ("for", "over", "under", "to", "from", "after", "at", "on"):
        ok = tense == "future" and doc.any_in("estimate", seg_lo, t.start)
        general = comm = ok
    elif t.kind == "duration" and (not prep or prep == "around"):
        estimate = doc.any_in("estimate", seg_lo, t.start) or doc.any_in(
            "estimate", t.end, min(seg_hi, t.end + 16)
        )
        general = estimate or header or (tense is None and _fragment_estimate(doc, t))
        comm = general or tense == "future"
    else:
        general = (
            tense == "future"
            or header
            or (prep in forward_preps and prep not in ("from", "around"))
            # "Tonight we roll back": some named times can only lie ahead.
            or (tense is None and t.kind == "dayref" and t.text_key in _words("ahead_dayrefs"))
        )
        comm = tense == "future" or prep in forward_preps or prep in ("at", "on") or not prep
    out: dict[str, int] = {}
    if comm:
        out["comm"] = ev_start
    if general:
        out["unknown"] = ev_start
        cs = doc.clause_start(ev_start)
        owned = (
            doc.any_in("comm", cs, t.start)
            or doc.any_in("comm_fragment", cs, t.start)
            or doc.any_in("cadence", cs, t.end)
            or doc.any_in("next_update_header", s_lo, t.start)
            or _knowledge_before(doc, seg_lo, t.start)
            or _prevention_before(doc, seg_lo, cs, t.start)
            or _unknown_in(doc, s_lo, t.start)
            or doc.any_in("ask", s_lo, t.start)
            or doc.any_in("decision_question", s_lo, t.start)
            or _notify_before(doc, cs, t.start)
            or _notify_main_verb(doc, cs, t.start)
            or _other_event(doc, cs, t)
            or _owned_after(doc, ev_start, t, seg_hi, cs)
        )
        if not owned:
            out["timeline"] = ev_start
    return out


def _owned_after(doc: Doc, ev_start: int, t: TimeRef, seg_hi: int, cs: int) -> bool:
    """A time that opens its clause belongs to what follows it: "By 15:00 we'll know the
    cause", "by Friday, an automatic check blocks ...", "by 16:00 the team emails every
    customer" are not times for the fix. ``cs`` is the start of the time's clause."""
    lead = doc.low[cs:ev_start].strip(" ,;:-*•\t")
    if lead and lead not in _words("time_openers"):
        return False
    hi = min(seg_hi, t.end + 100)
    lo = t.end
    if doc.any_in("knowledge", lo, hi) or doc.any_in("comm", lo, hi):
        return True
    if doc.any_in("other_event", lo, hi) or doc.any_in("postmortem", lo, hi):
        return True
    if _notify_before(doc, lo, hi) or _notify_main_verb(doc, lo, hi):
        return True
    for verb in doc.in_range("safeguard_verb", lo, hi):
        if doc.any_in("safeguard_noun", verb.end, hi):
            return True
    return any(
        _safeguard_at_work(doc, noun) is not None for noun in doc.in_range("safeguard_noun", lo, hi)
    )


_RULES_OUT = re.compile(
    r"(?<![\w'’])(?:can't|cannot|can not|won't|will not|can no longer|never|fails in|fail in"
    r"|is caught|are caught|gets caught|get caught|would be caught)(?![\w'’])"
)
_CONDITIONAL_TAIL = re.compile(
    r"\s*,?\s*(?:if needed|if necessary|if required|if it comes to that|depending on|if that|"
    r"if we have to|if things|unless)(?![\w])"
)
_OF_EVENT = re.compile(
    r"\s+of\s+(?:the|a|an|it|finding|detecting|noticing|being|our|their|this|that|discovery"
    r"|detection|launch|release)(?![\w])"
)
_ANAPHORA = re.compile(r"\s*(?:that|this|which|it)(?![\w])")


def _knowledge_before(doc: Doc, lo: int, pos: int) -> bool:
    """ "We'll know more after the firm finishes, which they promised by Thursday"."""
    for hit in doc.in_range("knowledge", lo, pos):
        if not any(b.key in ("and", "but") for b in doc.in_range("clause_break", hit.end, pos)):
            return True
    return False


def _prevention_before(doc: Doc, seg_lo: int, cs: int, pos: int) -> bool:
    """A time that belongs to a post-mortem or a safeguard project, not to the fix."""
    if doc.any_in("postmortem", cs, pos):
        return True
    for verb in doc.in_range("safeguard_verb", cs, pos):
        if doc.any_in("safeguard_noun", verb.end, pos):
            return True
    s_lo = doc.sentence_span(pos)[0]
    if seg_lo > s_lo and _ANAPHORA.match(doc.low, seg_lo):
        for cat in ("safeguard_strong", "postmortem", "recurrence"):
            if doc.any_in(cat, s_lo, seg_lo):
                return True
        for verb in doc.in_range("safeguard_verb", s_lo, seg_lo):
            if doc.any_in("safeguard_noun", verb.end, seg_lo):
                return True
    return False


def _notify_before(doc: Doc, lo: int, pos: int) -> bool:
    """A time that is a deadline for telling people ("notify users by 6 pm",
    "regulators must hear from us within 72 hours", "IR will send a correction to
    investors today"), not for the fix."""
    told = doc.any_in("notify_verb", lo, pos) or (
        doc.any_in("message_verb", lo, pos) and doc.any_in("message_noun", lo, pos)
    )
    return told and (
        doc.any_in("stakeholder_org", lo, pos) or doc.any_in("stakeholder_customer", lo, pos)
    )


def _notify_main_verb(doc: Doc, lo: int, pos: int) -> bool:
    """ "We'll warn the two protocols today", "I'll email them by 4": telling someone,
    whoever they are, is the main verb right after its subject."""
    for verb in doc.in_range("notify_verb", lo, pos):
        before = _prev_words(doc.low, verb.start, 2)
        if before and (before[0] in _words("notify_leads") or before[0].endswith("'ll")):
            return True
    return False


def _other_event(doc: Doc, cs: int, t: TimeRef) -> bool:
    """A time for something other than the fix: a decision, a meeting, an announcement
    ("we'll decide tomorrow morning", "announce at 4 pm", "Thursday's exec meeting",
    "we have until Thursday")."""
    if doc.any_in("other_event", cs, t.start):
        return True
    if any(h.end > cs for h in doc.in_range("other_event", max(0, cs - 12), cs)):
        return True  # "we have until Thursday": the event ends in the time's own preposition
    return t.text_key.endswith("'s") and doc.any_in("other_event", t.end, t.end + 24)


def _timeline(a: Analysis) -> Found:
    found = Found()
    for t, start in a.forward["timeline"]:
        found.spans.append((start, t.end))
    return found


# -- mitigation ---------------------------------------------------------------------


_BUSY = re.compile(
    # "Support is answering tickets", "the auditors at Kestrel are already working on it",
    # "our auditors have already started the re-audit".
    r"(?:\s+team|\s+(?:at|from)\s+[a-z]+(?:\s+[a-z]+)?)?,?"
    r"\s+(?:is|are|has been|have been|has|have|'s|’s|'re|’re)"
    r"\s+(?:(?:now|already|also|both|all|been|just)\s+){0,2}"
    r"(?:[a-z\-]+ing|started|begun|joined|signed off|agreed|approved|confirmed)(?![\w])"
)
_FINITE_AFTER = re.compile(
    r"(?<![\w'’])(?:is|are|was|were|will|would|should|can|could|needs|must|takes|requires)(?![\w'’])"
)
_BY_AFTER = re.compile(r"\s+by\s")
_BY_CAUSE = re.compile(r"\s+by\s+(?:a|an|the|their|its|some|one|another|this|that)\s")
_HAD = re.compile(r"['’]d\s+(?:\w+\s+)?$")


_COORDINATED = re.compile(r"[\s,]*(?:and then|and|then)\s+((?:[a-z]+\s+)*)$")


def _shared_subject(doc: Doc, cs: int, pos: int) -> bool:
    """ "We've added jitter to retries and capped the pool queue": a verb right after
    "and" shares the subject of the clause before it (with no new subject between)."""
    s_start = doc.sentence_span(pos)[0]
    if cs <= s_start:
        return False
    match = _COORDINATED.match(doc.low, cs, pos)
    if match is None or not all(w in _words("adverbs") for w in match.group(1).split()):
        return False
    previous = doc.clause_start(cs - 1)
    while previous > s_start and doc.low[previous:cs].strip(" ,") in ("", "and", "then"):
        cs, previous = previous, doc.clause_start(previous - 1)
    return _agent_before(doc, previous, cs)


def _had_contraction(doc: Doc, pos: int) -> bool:
    """ "we'd moved traffic": 'd before a past participle is "had", not "would"."""
    modals = doc.in_range("modal", max(doc.clause_start(pos), pos - 40), pos)
    if not modals or not modals[-1].key.endswith("'d"):
        return False
    return _HAD.search(doc.low, max(0, pos - 24), pos) is not None and modals[-1].end >= pos - 12


def _awaited(doc: Doc, cs: int, pos: int, state: bool) -> bool:
    first = next((h for h in doc.in_range("clause_break", cs, cs + 1)), None)
    if first is None:
        first = next((h for h in doc.in_range("modal", cs, cs + 1)), None)
    if first is None or first.key not in _words("awaited_openers"):
        return False
    if state:
        return True
    words = _prev_words(doc.low, pos, 2)
    return any(w in _words("present_aux") or w.endswith(("'s", "’s", "'re", "’re")) for w in words)


def _caused_by_us(doc: Doc, cs: int, pos: int) -> bool:
    """ "Users were logged out when we rotated the secret": our action is the cause."""
    first = next((h for h in doc.in_range("clause_break", cs, cs + 1)), None)
    if first is None or first.key not in ("when", "after"):
        return False
    s_start = doc.sentence_span(pos)[0]
    return doc.any_in("incident", s_start, cs)


_PHRASE_WORD = re.compile(r"\s+([\w'’$%.,\-]+)")


def _phrase_end(doc: Doc, end: int, words: int = 4) -> int:
    """Extend evidence over the object of a verb ("paused" -> "paused the bridge"),
    up to ``words`` words, stopping at the clause end and at words that start a new
    part ("at 09:12", "because", "and")."""
    limit = doc.clause_end(end)
    stops = _words("phrase_stops")
    for _ in range(words):
        match = _PHRASE_WORD.match(doc.low, end, limit)
        if match is None:
            break
        word = match.group(1).rstrip(".,")
        if not word or word in stops or not word[0].isalnum():
            break
        end = match.start(1) + len(word)
        if match.group(1) != word:
            break
    return end


def _mitigation(doc: Doc) -> Found:
    found = Found()
    low = doc.low
    candidates = dedupe(h for cat in _DONE_CATS for h in doc.hits_of(cat))
    for hit in candidates:
        if doc.is_question(hit.start):
            continue
        cs = doc.clause_start(hit.start)
        if doc.negated(hit.start):
            continue
        state = "mitigation_state" in hit.cats
        doing = "act_doing" in hit.cats and "act_done" not in hit.cats
        # "is restarting" is progressive, not passive: it needs an agent of ours.
        passive = not doing and _passive_before(doc, hit.start)
        subject_first = hit.key.split(" ", 1)[0] in _words("state_subjects")
        if not state and not subject_first and _determiner_before(low, hit.start):
            continue
        if _modal_before(doc, hit.start) and not _had_contraction(doc, hit.start):
            found.planned.append((hit.start, hit.end))
            continue
        if _awaited(doc, cs, hit.start, state):
            # "until the backfill is done", "once the patch is deployed": not yet.
            found.planned.append((hit.start, hit.end))
            continue
        # "03:36 UTC liquidations paused by the guardian signers": a timestamped log
        # entry reports what was done; "by" names who did it, not a cause. Only a verb
        # with who did it or where it went reads as done to its subject ("queue workers
        # raised from 4 to 24"); "14:10 the database locked up" is a failure.
        log = _log_entry(doc, hit.start) and _LOG_DONE_AFTER.match(low, hit.end) is not None
        if (_BY_CAUSE.match(low, hit.end) and not log) or _caused_by_us(doc, cs, hit.start):
            continue
        if doing and not _aux_before(
            low, hit.start, _words("progressive_aux"), ("'s", "’s", "'re", "’re", "'m", "’m")
        ):
            fragment = low[cs : hit.start].strip(" :-*•\t") == ""
            if not fragment or doc.any_in("modal", hit.end, hit.end + 24):
                continue
            if _FINITE_AFTER.search(low, hit.end, doc.clause_end(hit.end) + 1):
                continue  # "Backfilling the week is scheduled": a subject, not a report
        agent = _agent_before(doc, cs, hit.start) or _shared_subject(doc, cs, hit.start)
        # "Traffic has failed over to us-west", "traffic moved off the bad balancer": a
        # direction shows it was steered.
        steered = hit.key in _words("destination_verbs") and _DIRECTION.match(low, hit.end)
        if "act_needs_agent" in hit.cats and not (agent or passive or steered or log):
            continue
        if (
            "mover" in hit.cats
            and not (log and _DIRECTION.match(low, hit.end))
            and not doc.any_in(
                "move_object", hit.end, min(doc.clause_end(hit.end) + 40, hit.end + 48)
            )
            # "Traffic has been shifted away": what was moved is the subject.
            and not doc.any_in("move_object", cs, hit.start)
        ):
            continue
        if state and doc.any_in("negator", hit.start, hit.end):
            continue  # "rollback not done"
        if state and doc.any_in("modal", hit.start, hit.end):
            found.planned.append((hit.start, hit.end))
            continue  # "refunds will complete by 6 pm"
        if (
            not agent
            and not passive
            and not subject_first
            and doc.any_in("cause_subject", cs, hit.start)
        ):
            continue
        found.spans.append((hit.start, _phrase_end(doc, hit.end)))
    for hit in doc.hits_of("mitigation_header"):
        span = _header_content(doc, hit)
        if span is not None:
            found.spans.append(span)
    for hit in dedupe(doc.hits_of("act_base")):
        # "We will roll back tonight": a plan, not a mitigation.
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        if _modal_before(doc, hit.start, window=32):
            if not doc.any_in("ask", doc.clause_start(hit.start), hit.start):
                found.planned.append((hit.start, hit.end))
            continue
        if _reported_present(doc, hit):
            found.spans.append((hit.start, _phrase_end(doc, hit.end)))
    for hit in doc.hits_of("containment_purpose"):
        span = _done_for_containment(doc, hit)
        if span is not None:
            found.spans.append(span)
    return found


_DIRECTION = re.compile(r" (?:to|off|away|over to|out of|onto|back to)(?![\w])")
#: A log entry's timestamp, opening its part of the sentence: "09:30 traffic moved ...",
#: "- 03:36 UTC liquidations paused ...".
_LOG_STAMP = re.compile(
    r"[\s\-*•]*(?:[01]?[0-9]|2[0-3])[:.][0-5][0-9](?:\s*(?:utc|gmt|bst|cet|cest|et|pt))?\s+"
    r"(?=[a-z\"'‘“])"
)


def _log_entry(doc: Doc, pos: int) -> bool:
    """Whether ``pos`` is in a timestamped log entry of what was done: its part of the
    sentence (up to a semicolon) opens with a time of day, or follows one that does
    ("08:05 incident declared; queue workers raised from 4 to 24"), and has no
    finite verb of its own before ``pos`` (a participle list, not a sentence)."""
    seg = doc.segment_start(pos)
    if _LOG_STAMP.match(doc.low, seg) is None:
        s_start = doc.sentence_span(pos)[0]
        if seg <= s_start:
            return False
        prev = doc.segment_start(seg - 1)
        if prev < s_start or _LOG_STAMP.match(doc.low, prev) is None:
            return False
    return not _FINITE_BEFORE.search(doc.low, seg, pos)


_LOG_DONE_AFTER = re.compile(
    r" (?:by(?! (?:itself|themselves|accident|mistake|error)(?![\w]))|to|off|away|over to"
    r"|out of|onto|back to|back|from [^ ,;.]+ to)(?![\w'’])"
)
_FINITE_BEFORE = re.compile(
    r"(?<![\w'’])(?:is|are|was|were|will|would|has|have|had|we|i|they|you)(?![\w'’])"
)
_BASE_SUBJECTS = frozenset(("we", "i", "they", "team", "engineers", "ops"))


def _reported_present(doc: Doc, hit: Hit) -> bool:
    """ "We already stop the liquidations", "we route the users to Singapore now", "we
    move our zone ... at 11:05 and since then ...": a plain present after its subject,
    reporting a done action (common in speech and from non-native speakers). Without
    "already", "now" after it or a past marker in the sentence it may be a proposal."""
    low = doc.low
    before = _prev_words(low, hit.start, 2)
    if before and before[0] in ("already", "just", "now"):
        before = before[1:]
    if not before or before[0] not in _BASE_SUBJECTS:
        return False
    if "mover" in hit.cats and not doc.any_in(
        "move_object", hit.end, min(doc.clause_end(hit.end) + 40, hit.end + 48)
    ):
        return False
    if "already" in _prev_words(low, hit.start, 2):
        return True
    ce = doc.clause_end(hit.end)
    if _NOW.search(low, hit.end, ce + 1):
        return True
    s_start, s_end = doc.sentence_span(hit.start)
    return _local_regex("past_marker").search(doc.low, s_start, s_end) is not None


_NOW = re.compile(r"(?<![\w])(?:now|right now)(?![\w])")


def _done_for_containment(doc: Doc, hit: Hit) -> tuple[int, int] | None:
    """ "We've upgraded the contract to close the hole": our done action (any verb) with a
    containment purpose. Intentions ("we decided to stop"), plans and negations are not."""
    if doc.is_question(hit.start):
        return None
    s_start = doc.sentence_span(hit.start)[0]
    lo = max(s_start, hit.start - 80)
    agent = doc.last_before("agent", lo, hit.start)
    if agent is None:
        return None
    if doc.any_in("intent_verb", agent.end, hit.start) or doc.any_in("modal", lo, hit.start):
        return None
    if doc.negated(hit.start, lo=agent.start, window=80):
        return None
    done = (
        doc.past_ed(agent.end, hit.start)
        or doc.in_range("past", agent.end, hit.start)
        or doc.in_range("act_done", agent.end, hit.start)
    )
    if not done:
        return None
    return agent.start, _phrase_end(doc, hit.end)


# -- root cause ---------------------------------------------------------------------


def _cause_span(doc: Doc, hit: Hit) -> tuple[int, int]:
    s_start, s_end = doc.sentence_span(hit.start)
    if s_end - hit.start >= 24:
        return hit.start, min(s_end, hit.start + _CAUSE_WINDOW)
    return max(s_start, hit.end - _CAUSE_WINDOW), hit.end


def _root_cause(a: Analysis) -> Found:
    doc = a.doc
    found = Found()
    for hit in dedupe(doc.hits_of("cause_connector")):
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        s_start, s_end = doc.sentence_span(hit.start)
        hypothesis = doc.any_in("hypothesis", max(s_start, hit.start - 30), hit.end)
        if _unknown_in(doc, s_start, s_end) and not hypothesis:
            continue
        cs = doc.clause_start(hit.start)
        if doc.any_in("knowledge", cs, hit.start):
            continue
        if hit.key.startswith("because") or hit.key == "due to":
            if doc.any_in("justification", hit.start, hit.start + 1):
                continue
            if _CONSEQUENCE_OF.match(doc.low, hit.end):
                continue  # "because of the outage, support is swamped": an effect of it
            # "We paused withdrawals because ...": a reason for our action, not the cause.
            lo = max(s_start, hit.start - 120)
            if _agent_before(doc, lo, hit.start) and (
                doc.any_in("act_done", lo, hit.start)
                or doc.any_in("act_doing", lo, hit.start)
                or doc.any_in("negator", lo, hit.start)
                or doc.any_in("modal", lo, hit.start)
            ):
                continue
            # "The contract was never paused because ...": why an action was not taken.
            if any(
                doc.negated(act.start)
                for cat in ("act_done", "act_doing", "act_base")
                for act in doc.in_range(cat, lo, hit.start)
            ):
                continue
        found.spans.append(_cause_span(doc, hit))
    for hit in doc.hits_of("cause_header"):
        span = _header_content(doc, hit)
        if span is not None:
            found.spans.append(span)
    for hit in dedupe(doc.hits_of("defect") + _damage_hits(doc)):
        if _defect_counts(doc, hit):
            found.spans.append(_cause_span(doc, hit))
    if not found.spans:
        found.unknown = _acknowledged_unknown(a)
    return found


def _damage_hits(doc: Doc) -> list[Hit]:
    """Damage verbs whose subject is a cause noun with no agent of ours between."""
    out: list[Hit] = []
    for verb in doc.hits_of("damage_verb"):
        cs = doc.clause_start(verb.start)
        subject = doc.last_before("cause_subject", max(cs, verb.start - 60), verb.start)
        if subject is None or _agent_before(doc, subject.end, verb.start):
            continue
        if _determiner_before(doc.low, verb.start):
            continue
        out.append(Hit(subject.start, verb.end, verb.key, verb.cats))
    for pred in doc.hits_of("defect_predicate"):
        # "The template fallback was wrong", "a quota on our object store was reached".
        cs = doc.clause_start(pred.start)
        subject = doc.last_before("cause_subject", max(cs, pred.start - 48), pred.start)
        if subject is None or _agent_before(doc, subject.end, pred.start):
            continue
        if len(doc.low[subject.end : pred.start].split()) > 4:
            continue
        out.append(Hit(subject.start, pred.end, pred.key, pred.cats))
    for noun in doc.hits_of("defect_noun"):
        # "a timezone bug", "an oversight": a defect introduced as such explains.
        if any(w in ("a", "an") for w in _prev_words(doc.low, noun.start, 2)):
            out.append(noun)
    return out


def _defect_counts(doc: Doc, hit: Hit) -> bool:
    if doc.is_question(hit.start) or doc.negated(hit.start):
        return False
    before = _prev_words(doc.low, hit.start, 1)
    definite = before and before[0] in _words("definite_determiners")
    if definite and "defect" in hit.cats and " " not in hit.key:
        # "The leaked spreadsheet had...": names the thing, does not explain the cause.
        return False
    s_start, s_end = doc.sentence_span(hit.start)
    if _unknown_in(doc, s_start, s_end):
        return False
    cs = doc.clause_start(hit.start)
    ce = doc.clause_end(hit.end)
    if _modal_before(doc, hit.start, window=60):
        return False
    if doc.any_in("knowledge", cs, hit.start):
        # "find out with the provider why the emails were rejected": a question we
        # will answer, not the cause.
        return False
    for cat in ("prevent_marker", "recurrence", "forward_marker"):
        if doc.any_in(cat, cs, ce):
            return False
    for verb in doc.in_range("safeguard_verb", cs, ce):
        if doc.any_in("safeguard_noun", verb.end, ce):
            return False
    # An action of ours on the defect ("we rotated the leaked key") is mitigation.
    for cat in _DONE_CATS:
        for act in doc.in_range(cat, cs, ce):
            if hit.start <= act.start < hit.end:
                continue
            if _agent_before(doc, cs, act.start) or _passive_before(doc, act.start):
                return False
    return True


def _acknowledged_unknown(a: Analysis) -> bool:
    doc = a.doc
    for hit in doc.hits_of("unknown"):
        s_start, s_end = doc.sentence_span(hit.start)
        about_cause = (
            doc.any_in("cause_topic", hit.start, min(s_end, hit.end + 48))
            or doc.any_in("cause_topic", max(s_start, hit.start - 40), hit.start)
            or doc.any_in("cause_header", max(s_start, hit.start - 40), hit.start)
            or hit.key in ("root causing", "root-causing")
        )
        if not about_cause:
            continue
        if _followed_by_many(doc, hit):
            continue
        index = doc.sentence_index(hit.start)
        last = doc.sentences[min(index + 1, len(doc.sentences) - 1)][1]
        if a.forward_in("unknown", hit.start, min(last, hit.start + 2 * 300)):
            return True
    return False


def _followed_by_many(doc: Doc, hit: Hit) -> bool:
    """ "We don't know how many users..." is an unknown impact, not an unknown cause."""
    return _HOW_MANY.match(doc.low, hit.end) is not None


# -- next update ----------------------------------------------------------------------


_TIME_NEXT = re.compile(
    r"\s+(?:at|by|in|around|before|within|every|tomorrow|tonight|this|next|on)(?![\w'’])"
)


def _opens_sentence(doc: Doc, pos: int) -> bool:
    """Whether ``pos`` starts its sentence, line or list item ("more by 3", "- more at 4")."""
    s_start = doc.sentence_span(pos)[0]
    return not doc.low[s_start:pos].strip(" -*•#>\t0123456789.)")


def _next_update(a: Analysis) -> Found:
    doc = a.doc
    found = Found()
    low = doc.low
    forward = a.forward["comm"]
    fragments = [h for h in doc.hits_of("comm_fragment") if _opens_sentence(doc, h.start)]
    triggers = dedupe(doc.hits_of("comm") + doc.hits_of("next_update_header") + fragments)
    for hit in triggers:
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        if doc.any_in("update_past", max(0, hit.start - 12), hit.end):
            continue
        cs = doc.clause_start(hit.start)
        if hit.key in ("update", "updates", "an update", "send an update", "send updates"):
            if hit.key == "update" and _TECH_OBJECT.match(low, hit.end):
                continue
            noun = any(w in _words("update_modifiers") for w in _prev_words(low, hit.start, 1))
            noun = noun or doc.any_in("cadence", hit.end, hit.end + 24)
            # "update at 14:00", "updates every hour": a noun when a time follows at once.
            noun = noun or _TIME_NEXT.match(low, hit.end) is not None
            if (
                not noun
                and not _modal_before(doc, hit.start)
                and not doc.any_in("future", cs, hit.start)
            ):
                continue
        s_start, s_end = doc.sentence_span(hit.start)
        end = _comm_time(a, forward, hit, s_start, s_end)
        if end is not None:
            found.spans.append((hit.start, end) if end > hit.start else (end, hit.end))
    return found


def _comm_time(
    a: Analysis, forward: list[tuple[TimeRef, int]], hit: Hit, s_start: int, s_end: int
) -> int | None:
    """End of the time or cadence that goes with a communication trigger, if any."""
    doc = a.doc
    cs = doc.clause_start(hit.start)
    after = a.forward_in("comm", hit.start, s_end)
    if after:
        return after[0][0].end
    for t, start in reversed(a.forward_in("comm", max(s_start, cs), hit.start)):
        if t.end <= hit.start:
            return start
    cadence = doc.first_after("cadence", hit.start, s_end) or doc.last_before(
        "cadence", s_start, hit.start
    )
    if cadence is not None:
        return cadence.end if cadence.start >= hit.start else cadence.start
    relative = doc.first_after("relative_time", hit.end, s_end)
    if relative is not None:
        # "Right after", "once it's done": anchored to a time in the last few sentences.
        index = doc.sentence_index(hit.start)
        lo = doc.sentences[max(0, index - 2)][0] if doc.sentences else s_start
        if a.forward_in("timeline", lo, s_end) or a.forward_in("comm", lo, s_end):
            return relative.end
    return None


# -- prevention -----------------------------------------------------------------------


def _prevention(doc: Doc) -> Found:
    found = Found()
    for hit in dedupe(doc.hits_of("postmortem")):
        if doc.is_question(hit.start):
            continue
        ce = doc.clause_end(hit.end)
        if doc.negated(hit.start) or doc.any_in("negator", hit.end, min(ce, hit.end + 40)):
            continue
        found.spans.append((hit.start, hit.end))
    for hit in dedupe(doc.hits_of("recurrence")):
        if doc.is_question(hit.start):
            continue
        s_start = doc.sentence_span(hit.start)[0]
        marker = doc.last_before("prevent_marker", s_start, hit.start)
        if marker is None:
            continue
        if hit.key == "again" and not doc.any_in("negator", marker.start, hit.start):
            continue
        found.spans.append((marker.start, hit.end))
    for hit in dedupe(doc.hits_of("safeguard_verb")):
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        ce = doc.clause_end(hit.end)
        for noun in doc.in_range("safeguard_noun", hit.end, min(ce, hit.end + 60)):
            found.spans.append((hit.start, noun.end))
            break
        else:
            # "add staleness and deviation checks": an "and" inside the object splits
            # the clause before its noun; a few words with no comma still name it.
            seg_end = doc.segment_end(hit.end)
            for noun in doc.in_range("safeguard_noun", ce, min(seg_end, hit.end + 48)):
                if _AND_IN_OBJECT.fullmatch(doc.low, hit.end, noun.start):
                    found.spans.append((hit.start, noun.end))
                break
    for hit in dedupe(doc.hits_of("safeguard_strong")):
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        before = _prev_words(doc.low, hit.start, 1)
        if before and before[0] in _words("existing_markers"):
            continue  # "the timelock bypass", "our circuit breaker tripped": already there
        found.spans.append((hit.start, hit.end))
    for verb in doc.hits_of("safeguard_verb"):
        # "adding an idempotency key so retries can't charge twice": a purpose that rules
        # the failure out is prevention even without "again".
        s_end = doc.window(verb.start)[1]
        marker = doc.first_after("prevent_marker", verb.end, s_end)
        if marker is not None and _RULES_OUT.search(
            doc.low, marker.end, min(s_end, marker.end + 60)
        ):
            found.spans.append((verb.start, marker.end))
    for hit in doc.hits_of("forward_marker"):
        s_start, s_end = doc.sentence_span(hit.start)
        if doc.any_in("safeguard_noun", s_start, s_end) or doc.any_in(
            "safeguard_verb", s_start, s_end
        ):
            found.spans.append((hit.start, hit.end))
    for hit in doc.hits_of("prevention_header"):
        span = _header_content(doc, hit)
        if span is not None:
            found.spans.append(span)
    for noun in dedupe(doc.hits_of("safeguard_noun")):
        span = _safeguard_at_work(doc, noun)
        if span is not None:
            found.spans.append(span)
    return found


#: Between a safeguard verb and its noun across an "and" of modifiers: " staleness and
#: deviation ", not " users and then " or " more engineers and run more ".
_AND_IN_OBJECT = re.compile(
    r"\s+(?:[a-z\-]+\s+){0,2}and\s+(?!(?:then|also|we|i|they|it|run|make|do|get|have)\s)"
    r"(?:[a-z\-]+\s+){0,2}"
)
_NOW_VERB = re.compile(r"\s+now\s+(?:[a-z]+ly\s+)?([a-z]+)(?![\w'’])")


def _safeguard_at_work(doc: Doc, noun: Hit) -> tuple[int, int] | None:
    """A safeguard as the subject of its new job ("an automatic check blocks ...", "an
    alert pages us ..."), named with its new state ("MFA enforced for admins"), or a
    process that "now" does something with a check ("offboarding now removes access
    automatically"). Past failures of an existing safeguard ("the check failed", "our
    alert fired") are not."""
    low = doc.low
    hi = noun.end + 24
    cs = doc.clause_start(noun.start)  # never before the sentence start
    candidate = doc.any_in("guard_verb", noun.end, hi) or doc.any_in("guard_state", noun.end, hi)
    if not candidate and low.find("now", cs, noun.start) < 0:
        return None  # the cheap test first: most safeguard words are neither
    if doc.is_question(noun.start) or doc.negated(noun.start):
        return None
    hi = min(doc.clause_end(noun.end), hi)
    for cat in ("guard_verb", "guard_state"):
        hit = doc.first_after(cat, noun.end, hi)
        if hit is None or not _NOUN_GAP_SHORT.fullmatch(low, noun.end, hit.start):
            continue
        if doc.any_in("negator", noun.end, hit.start):
            continue
        if cat == "guard_verb":
            before = _prev_words(low, noun.start, 1)
            if before and before[0] in _words("existing_markers"):
                continue  # "our alert pages the on-call": it was already there
            if " " not in hit.key and not hit.key.endswith("s") and not noun.key.endswith("s"):
                continue  # "let replication catch up": a base form needs a plural subject
        return noun.start, hit.end
    # "Offboarding now removes access automatically": a process with a new behaviour.
    if low.find("now", cs, noun.start) < 0:
        return None
    for match in _NOW_VERB.finditer(low, cs, noun.start):
        verb = match.group(1)
        subject = _prev_words(low, match.start() + 1, 1)
        plural = bool(subject) and subject[0].endswith("s") and subject[0] not in ("is", "was")
        present = (verb.endswith("s") and not verb.endswith("ss")) or plural
        if present and not doc.any_in("containment_target", noun.start, noun.end + 1):
            return match.start() + 1, noun.end
    return None


# Up to two words between a safeguard and its verb or state ("alert now pages", "check
# is now mandatory", "MFA has been enforced").
_NOUN_GAP_SHORT = re.compile(r"(?:\s+[a-z'’]+){0,2}?\s+")


# -- resources ------------------------------------------------------------------------


def _resources(a: Analysis) -> Found:
    doc = a.doc
    found = Found()
    direct_words = (
        "call",
        "decision",
        "approval",
        "sign off",
        "go ahead",
        "budget",
        "help",
        "approve",
        "permission",
        "consent",
        "blessing",
        "authorisation",
        "authorization",
    )
    fragments = [h for h in doc.hits_of("ask_fragment") if _opens_sentence(doc, h.start)]
    for hit in dedupe(doc.hits_of("ask") + doc.hits_of("resource_ask") + fragments):
        if doc.negated(hit.start):
            continue
        s_end = doc.sentence_span(hit.start)[1]
        if "ask_fragment" in hit.cats and hit.key.endswith(":"):
            found.spans.append(_header_content(doc, hit) or (hit.start, hit.end))
            continue
        direct = "resource_ask" in hit.cats or hit.key.endswith("need you to")
        if direct or any(hit.key.endswith(w) for w in direct_words):
            found.spans.append((hit.start, hit.end))
            continue
        if hit.key in ("please",) and not doc.any_in(
            "resource_obj", hit.end, min(s_end, hit.end + 16)
        ):
            continue
        obj = doc.first_after("resource_obj", hit.end, min(s_end, hit.end + 60))
        money = next(
            (e for e in a.entities_in(hit.end, min(s_end, hit.end + 60)) if e.kind == "money"), None
        )
        if obj is not None:
            if _TO_OTHER.match(doc.low, hit.end) and obj.start > hit.end + 20:
                continue
            found.spans.append((hit.start, obj.end))
        elif money is not None:
            found.spans.append((hit.start, money.end))
    for hit in doc.hits_of("decision_question"):
        if doc.is_question(hit.start) and not doc.negated(hit.start):
            s_end = doc.sentence_span(hit.start)[1]
            found.spans.append((hit.start, s_end))
    return found


# -- stakeholders ---------------------------------------------------------------------

_ORG_MODIFIED = re.compile(
    r"\s+(?!(?:team|lead|leads|committee|engineers?|officer|people|folks|org|organisation"
    r"|organization|group|and|or|is|are|was|were|has|have|had|know|knows|wants?|will|would"
    r"|team's|chief|firm|partner|partners|counsel|says|said|thinks|advises|advised|agrees"
    r"|agreed|approved|confirmed|signed|recommends|recommended|got|received|also|already"
    r"|now|at|from|in|on|for|to|about|here|there|too|as|yet|today|tonight|directly"
    r"|personally|immediately|by|with|of|so|if|when|before|after|since|until|that|who|which"
    r"|again|just|only|first|both|either|were|being|been|signs|sign|reviews|reviewed"
    r"|approves|checks|checked|asks|asked|needs|needed|must|should|can|could|may|might)"
    r"(?![\w'’]))[a-z]"
)


@functools.cache
def _has_info() -> re.Pattern[str]:
    nouns = lexicon.trie_regex(lexicon.lists("info_nouns"))
    return re.compile(
        r"\s+(?:has|have|got|received)\s+(?:the|a|an|our|my|all\s+the|both)\s+"
        r"(?:[a-z\-]+\s+){0,2}?(?:" + nouns + r")(?![\w'’])"
    )


def _modifier_use(low: str, org: Hit) -> bool:
    """ "security module", "support tool": a function word used as a modifier."""
    if org.key not in _words("org_modifier_words"):
        return False
    return _ORG_MODIFIED.match(low, org.end) is not None


_NAME = re.compile(r"[A-Z][\w&\-]*(?:\s+(?:and\s+)?[A-Z][\w&\-]*){0,3}")


def _message_sent(doc: Doc, verb: Hit) -> tuple[int, int] | None:
    """ "We've given customer support a script", "IR will send a correction to investors",
    "we gave Binance and Kraken a heads-up": a message and a recipient who is a
    stakeholder or a named party (not "you", not "us")."""
    if doc.is_question(verb.start) or doc.negated(verb.start):
        return None
    low = doc.low
    cs = doc.clause_start(verb.start)
    lo = max(cs, verb.start - 40)
    if any(m.key in _words("ask_modals") for m in doc.in_range("modal", lo, verb.start)):
        return None
    hi = min(doc.clause_end(verb.end) + 1, verb.end + 80)
    message = doc.first_after("message_noun", verb.end, hi)
    if message is None or _TO_US.match(low, verb.end) or low.startswith(" you", verb.end):
        return None
    target = next(
        (o for o in doc.in_range("stakeholder_org", verb.end, hi) if not _modifier_use(low, o)),
        None,
    ) or doc.first_after("stakeholder_customer", verb.end, hi)
    if target is None:
        # A named recipient right after the verb: "gave Binance and Kraken a heads-up".
        name = _NAME.match(doc.text, verb.end + 1) if low.startswith(" ", verb.end) else None
        if name is None or name.end() > message.start:
            return None
        return verb.start, message.end
    return verb.start, max(target.end, message.end)


def _stakeholders(doc: Doc) -> Found:
    found = Found()
    low = doc.low
    for verb in dedupe(doc.hits_of("notify_verb")):
        if doc.is_question(verb.start) or doc.negated(verb.start):
            continue
        cs = doc.clause_start(verb.start)
        ce = doc.clause_end(verb.end)
        lo = max(cs, verb.start - 40)
        if any(m.key in _words("ask_modals") for m in doc.in_range("modal", lo, verb.start)):
            continue
        if doc.any_in("ask", lo, verb.start):
            continue
        if _TO_US.match(low, verb.end):
            continue
        if verb.key in (
            "call",
            "alert",
            "warning",
            "email",
            "briefing",
        ) and _determiner_before(low, verb.start):
            continue
        if verb.key in _words("plural_noun_verbs") and not any(
            w in _words("notify_subjects") for w in _prev_words(low, verb.start, 1)
        ):
            continue  # "the phishing emails reached 2,100": a noun, not "the team emails"
        if verb.key in ("contact", "call", "email") and _prev_words(low, verb.start, 1)[:1] in (
            ["lost"],
            ["lose"],
            ["losing"],
            ["no"],
            ["any"],
            ["the"],
            ["a"],
            ["our"],
            ["on"],
        ):
            continue
        if verb.key == "let" and not _KNOW.search(low, verb.end, verb.end + 48):
            continue
        window = min(ce + (40 if verb.key in ("let", "asked") else 0), verb.end + 48)
        if verb.key in _words("object_first_notify"):
            # "updated the board", "kept legal in the loop" (not "updated the customer
            # database"): a function named right after the verb.
            org = next(
                (
                    o
                    for o in doc.in_range("stakeholder_org", verb.end, min(window, verb.end + 16))
                    if not _modifier_use(low, o)
                ),
                None,
            )
            if org is not None:
                found.spans.append((verb.start, org.end))
            continue
        target = next(
            (
                o
                for o in doc.in_range("stakeholder_org", verb.end, window)
                if not _modifier_use(low, o)
            ),
            None,
        ) or doc.first_after("stakeholder_customer", verb.end, window)
        if target is not None:
            found.spans.append((verb.start, target.end))
    # Not deduplicated: in "the board chair knows", "the board" modifies and "board
    # chair" is the stakeholder.
    for org in doc.hits_of("stakeholder_org") + doc.hits_of("stakeholder_customer"):
        if doc.is_question(org.start) or _modifier_use(low, org):
            continue
        ce = doc.clause_end(org.end)
        involvement = doc.first_after("involvement", org.end, min(ce, org.end + 60))
        if involvement is None and "stakeholder_org" in org.cats:
            # "Support is answering tickets": a function at work on it now; "finance has
            # the corrected figure": it has been told.
            busy = _BUSY.match(low, org.end) or _has_info().match(low, org.end)
            if busy is not None:
                involvement = Hit(busy.start(), busy.end(), "is working", org.cats)
        if involvement is None or doc.any_in("negator", org.end, involvement.start):
            continue
        if _TO_US.match(low, involvement.end):
            continue  # "a customer told us": they informed us, not the other way round
        if doc.negated(org.start):
            continue
        customer = "stakeholder_org" not in org.cats
        if customer and involvement.key not in _words("informed_passive"):
            continue
        found.spans.append((org.start, involvement.end))
    for hit in dedupe(doc.hits_of("passive_informed")):
        # "The owners have been emailed": someone outside was told (not "we were told",
        # not "notified by the vendor").
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        subject = _prev_words(low, hit.start, 3)
        if any(w in ("we", "i", "us") for w in subject) or _BY_AFTER.match(low, hit.end):
            continue
        found.spans.append((max(doc.clause_start(hit.start), hit.start - 30), hit.end))
    if doc.hits_of("message_noun"):  # no message said, nobody was sent one
        for hit in doc.hits_of("message_verb"):
            span = _message_sent(doc, hit)
            if span is not None:
                found.spans.append(span)
    for hit in doc.hits_of("stakeholders_header"):
        span = _header_content(doc, hit)
        if span is not None:
            found.spans.append(span)
    for hit in dedupe(doc.hits_of("customer_comms")):
        if doc.is_question(hit.start) or doc.negated(hit.start):
            continue
        if any(
            m.key in _words("ask_modals")
            for m in doc.in_range("modal", doc.clause_start(hit.start), hit.start)
        ):
            continue
        found.spans.append((hit.start, hit.end))
    return found
