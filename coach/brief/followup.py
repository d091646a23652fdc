"""The written update to send after the meeting, drafted from a session.

The guides say: follow up in writing. The draft covers what happened, impact,
cause, what has been done, the plan and timeline, the next update and the
owners. It holds only facts the user gave: the brief first (the facts as the
user checked them), and where the brief has nothing, the sentences of the
user's best answer that carried that element (the highest-scoring answer that
had it). Whatever neither gives is a ``[TODO: ...]`` marker. The fixed words
around the facts are in data/followup.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Any, cast

import yaml

from coach.brief.model import Brief
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.engine.transcript import Transcript


@dataclass
class Section:
    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)


@dataclass
class Followup:
    title: str
    #: Lines before the first section ("To: ..."): part of what is sent.
    preamble: list[str]
    sections: list[Section]
    #: For the user, not the reader: where the draft came from and what to check.
    #: Shown beside the draft (the app, the CLI's stderr), never in it, so a copied
    #: draft does not carry it to the CEO.
    note: str = ""

    @property
    def todos(self) -> list[str]:
        """Every ``[TODO: ...]`` marker in the draft."""
        return _TODO.findall(self.markdown())

    def markdown(self) -> str:
        lines = [f"# {self.title}"]
        if self.preamble:
            lines += ["", *_paragraphs(self.preamble)]
        for section in self.sections:
            lines += ["", f"## {section.heading}", ""]
            lines += _paragraphs([_cap(p) for p in section.paragraphs])
            if section.paragraphs and section.bullets:
                lines.append("")
            lines += [f"- {_cap(b)}" for b in section.bullets]
        return "\n".join(lines).rstrip() + "\n"

    def text(self) -> str:
        lines = [self.title, "=" * len(self.title)]
        if self.preamble:
            lines += ["", *self.preamble]
        for section in self.sections:
            lines += ["", section.heading, "-" * len(section.heading)]
            lines += _paragraphs([_cap(p) for p in section.paragraphs])
            if section.paragraphs and section.bullets:
                lines.append("")
            lines += [f"  - {_cap(b)}" for b in section.bullets]
        return "\n".join(lines).rstrip() + "\n"


_TODO = re.compile(r"\[TODO: [^\]]*\]")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")


def _cap(text: str) -> str:
    """A sentence starts with a capital ("every hour" -> "Every hour")."""
    return text[:1].upper() + text[1:]


def _paragraphs(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for paragraph in paragraphs:
        if out:
            out.append("")
        out.append(paragraph)
    return out


@functools.cache
def _words() -> dict[str, Any]:
    text = resources.files("coach.brief").joinpath("data", "followup.yaml").read_text("utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


def _clean(text: str) -> str:
    return " ".join(strip_terminal(text).split())


def _sentence(text: str) -> str:
    """A brief field as a sentence of the update: it ends with a full stop."""
    text = _clean(text)
    return text if not text or text[-1] in ".!?)" else text + "."


def todo(what: str) -> str:
    return f"[TODO: {what}]"


#: Flags that mark a sentence as at odds with the brief: the write-up leaves it out.
_AT_ODDS = frozenset({"contradiction", "overclaimed_cause"})


def _overlaps(lo: int, hi: int, spans: list[tuple[int, int]]) -> bool:
    return any(lo <= s < hi or s <= lo < e for s, e in spans)


def _sentences(
    text: str, spans: list[tuple[int, int]], avoid: list[tuple[int, int]] | None = None
) -> list[str]:
    """The whole sentences of ``text`` that hold the spans (and none of ``avoid``),
    in order, each once."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        bounds.append((start, match.end()))
        start = match.end()
    if start < len(text):
        bounds.append((start, len(text)))
    chosen = [
        (lo, hi)
        for lo, hi in bounds
        if _overlaps(lo, hi, spans) and not _overlaps(lo, hi, avoid or []) and text[lo:hi].strip()
    ]
    return [_clean(text[lo:hi]) for lo, hi in chosen]


def best_answer_sentences(
    transcript: Transcript, element: str, used: Collection[str] = ()
) -> list[str]:
    """The sentences that carried ``element`` in the best answer that had it.

    Sentences already ``used`` (by an earlier section) and sentences the checks
    against the brief flagged (a figure or a certainty the brief does not back)
    do not count; the next best answer is used instead."""
    candidates = []
    for index, turn in enumerate(transcript.turns):
        result = turn.result
        if turn.speaker != "user" or result is None:
            continue
        found = result.elements.get(element)
        if found is None or not found.present or not found.spans:
            continue
        spans = [(s.start, s.end) for s in found.spans]
        avoid = [(f.start, f.end) for f in result.flags if f.code in _AT_ODDS]
        # The highest score first; between equals, the later answer.
        candidates.append((result.score, index, turn.text, spans, avoid))
    for _, _, text, spans, avoid in sorted(candidates, reverse=True):
        sentences = [x for x in _sentences(text, spans, avoid) if x not in used]
        if sentences:
            return sentences
    return []


def draft(
    transcript: Transcript | None, brief: Brief | None, brief_name: str | None = None
) -> Followup:
    """The follow-up for a session (``transcript``) and/or a brief."""
    words = _words()
    s = words["sections"]
    brief = brief or Brief()

    #: Sentences of the answers already in the draft: each is written once.
    used: list[str] = []

    def said(*elements: str) -> list[str]:
        if transcript is None:
            return []
        out: list[str] = []
        for element in elements:
            out += best_answer_sentences(transcript, element, [*used, *out])
        return out

    def from_answers(sentences: list[str]) -> list[str]:
        used.extend(sentences)
        return [f"{words['from_answers']} {' '.join(sentences)}"] if sentences else []

    sections: list[Section] = []

    # What happened: only the brief says it (no answer element is "what happened").
    what = Section("what_happened", s["what_happened"]["heading"])
    what.paragraphs = [_sentence(brief.what_happened)] if brief.what_happened else []
    what.paragraphs = what.paragraphs or [todo(s["what_happened"]["todo"])]
    sections.append(what)

    impact = Section("impact", s["impact"]["heading"])
    impact.bullets = [_clean(f.text) for f in brief.figures]
    if not impact.bullets:
        impact.paragraphs = from_answers(said("impact")) or [todo(s["impact"]["todo"])]
    sections.append(impact)

    cause = Section("cause", s["cause"]["heading"])
    cs = s["cause"]
    status = brief.cause_status
    if brief.cause:
        # With no status the brief does not say how sure the cause is: the draft
        # says neither "suspected" nor "confirmed" for the user.
        key = {"known": "known", "unknown": "unknown_with_cause", "suspected": "suspected"}
        cause.paragraphs.append(
            cs[key.get(status or "", "known")].format(cause=_clean(brief.cause)).rstrip(".") + "."
        )
        if status is None and not brief.cause_known_by:
            cause.paragraphs.append(todo(cs["status_todo"]))
    elif status == "unknown":
        cause.paragraphs.append(cs["unknown"])
    else:
        cause.paragraphs = from_answers(said("root_cause"))
    if brief.cause_known_by and status != "known":
        known_by = _clean(brief.cause_known_by)
        if not known_by.lower().startswith(("by ", "at ", "in ", "within ", "after ")):
            known_by = f"by {known_by}"
        cause.paragraphs.append(cs["known_by"].format(known_by=known_by))
    elif cause.paragraphs and status in ("suspected", "unknown"):
        cause.paragraphs.append(todo(cs["known_by_todo"]))
    cause.paragraphs = cause.paragraphs or [todo(cs["todo"])]
    sections.append(cause)

    mitigation = Section("mitigation", s["mitigation"]["heading"])
    mitigation.bullets = [_clean(m) for m in brief.mitigation or () if m.strip()]
    if not mitigation.bullets:
        mitigation.paragraphs = from_answers(said("mitigation")) or [todo(s["mitigation"]["todo"])]
    sections.append(mitigation)

    timeline = Section("timeline", s["timeline"]["heading"])
    ts = s["timeline"]
    if brief.plan:
        timeline.paragraphs.append(_sentence(brief.plan))
    if brief.eta is not None:
        timeline.paragraphs.append(ts["eta"].format(eta=brief.eta.text))
    if not timeline.paragraphs:
        timeline.paragraphs = from_answers(said("timeline"))
    elif brief.eta is None:
        timeline.paragraphs += from_answers(said("timeline")) or [todo(ts["eta_todo"])]
    timeline.paragraphs = timeline.paragraphs or [todo(ts["todo"])]
    sections.append(timeline)

    update = Section("next_update", s["next_update"]["heading"])
    update.paragraphs = [_sentence(brief.update_cadence)] if brief.update_cadence else []
    update.paragraphs = (
        update.paragraphs or from_answers(said("next_update")) or [todo(s["next_update"]["todo"])]
    )
    sections.append(update)

    owners = Section("owners", s["owners"]["heading"])
    owners.bullets = [_clean(p) for p in brief.stakeholders or () if p.strip()]
    if not owners.bullets:
        owners.paragraphs = from_answers(said("stakeholders")) or [todo(s["owners"]["todo"])]
    sections.append(owners)

    # What the CEO is asked for: only when the brief or an answer asks for something
    # (asking for nothing is fine, so its absence is no TODO).
    needs = Section("needs", s["needs"]["heading"])
    needs.bullets = [_clean(r) for r in brief.resources or () if r.strip()]
    if not needs.bullets:
        needs.paragraphs = from_answers(said("resources"))
    if needs.bullets or needs.paragraphs:
        sections.append(needs)

    system = _clean(brief.system) if brief.system else todo(words["title_todo"])
    preamble = []
    if brief.ceo_name:
        preamble.append(words["to"].format(ceo_name=_clean(brief.ceo_name)))
    suffix = f" (brief: {_clean(brief_name)})" if brief_name else ""
    note = " ".join(words["draft_note"].format(brief=suffix).split())
    return Followup(words["title"].format(system=system), preamble, sections, note)


def for_transcript(transcript: Transcript) -> Followup:
    return draft(transcript, transcript.brief, transcript.brief_name)
