"""Exports of a scored transcript: Markdown, a self-contained HTML page, and
JSON that ``coach import`` reads back exactly.

Answers are stored verbatim, so everything here treats them (and, for
imported files, every other string too) as hostile:

- HTML escapes all text; terminal escapes and control characters are dropped.
- Markdown backslash-escapes the characters that would turn an answer into
  markup, and drops terminal escapes (the file is often read with ``cat``).
- JSON keeps every character; it is the lossless format.

With the scenario at hand (same id, every answered node present) the exports
add the ending's title and each answer beside the model answer; without it
(an imported session, an uninstalled scenario) they still show everything the
transcript holds.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from coach import __version__
from coach.engine.report import gap_lines, improvement_where, session_title
from coach.errors import CoachError
from coach.scoring.names import DIMENSIONS, ELEMENTS
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.engine.debrief import Debrief
    from coach.engine.transcript import Transcript, Turn
    from coach.scenario.model import Scenario

Format = Literal["md", "html", "json"]
FORMATS: tuple[Format, ...] = ("md", "html", "json")
SUFFIXES: dict[Format, str] = {"md": ".md", "html": ".html", "json": ".json"}

#: The JSON envelope: what the file is, and the envelope's own version.
EXPORT_KIND = "coach-session"
EXPORT_VERSION = 1
#: Larger files are refused before reading: a session with a hundred 100 KB
#: answers and their findings stays well under this.
MAX_IMPORT_BYTES = 16 * 1024 * 1024


def export(
    transcript: Transcript,
    fmt: Format,
    scenario: Scenario | None = None,
    session_id: str | None = None,
) -> str:
    if fmt == "md":
        return to_markdown(transcript, scenario, session_id)
    if fmt == "html":
        return to_html(transcript, scenario, session_id)
    return to_json(transcript)


# -- the debrief, with or without the scenario ---------------------------------


def matching_scenario(transcript: Transcript, scenario: Scenario | None) -> Scenario | None:
    """``scenario`` if the transcript can be reviewed against it, else ``None``."""
    if scenario is None or scenario.id != transcript.scenario_id:
        return None
    nodes = scenario.node_map
    if any(t.speaker == "user" and t.node not in nodes for t in transcript.turns):
        return None
    return scenario


def debrief_for(transcript: Transcript, scenario: Scenario | None = None) -> Debrief:
    """The full debrief when the scenario matches; otherwise what the transcript
    alone supports (scores, improvements, gaps; no model answers)."""
    from coach.engine.debrief import Debrief, build_debrief, top_improvements

    matched = matching_scenario(transcript, scenario)
    if matched is not None:
        return build_debrief(matched, transcript)
    return Debrief(
        scenario_id=transcript.scenario_id,
        title=session_title(transcript.scenario_title, transcript.brief_name),
        status=transcript.status,
        ending_id=transcript.ending,
        ending_title=transcript.ending,
        verdict="scenario not installed" if transcript.ending else None,
        ending_summary=None,
        scores=dict(transcript.scores),
        overall=transcript.overall,
        improvements=top_improvements(transcript.turns),
        reviews=[],
        gaps=[f"{g.node}: {', '.join(g.missing)}" for g in transcript.gaps],
    )


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _outcome(debrief: Debrief) -> str:
    if debrief.ending_title:
        verdict = f" ({debrief.verdict})" if debrief.verdict else ""
        return f"{debrief.status} — {debrief.ending_title}{verdict}"
    return debrief.status


def _ordered_scores(scores: dict[str, int]) -> list[tuple[str, int]]:
    known = [(d, scores[d]) for d in DIMENSIONS if d in scores]
    return known + [(d, v) for d, v in scores.items() if d not in DIMENSIONS]


def _evidence(turn: Turn) -> list[tuple[str, str]]:
    """(element, quoted evidence) for each element found in an answer."""
    if turn.result is None:
        return []
    out = []
    for name in [*ELEMENTS, *(e for e in turn.result.elements if e not in ELEMENTS)]:
        element = turn.result.elements.get(name)
        if element is None or not element.present:
            continue
        quotes = [s.text for s in element.spans] or element.evidence
        out.append((name, " … ".join(q for q in quotes if q)))
    return out


# -- Markdown ------------------------------------------------------------------

# Characters that start emphasis, code, links, HTML, tables or strikethrough
# anywhere in a line; backslash-escaping them is valid CommonMark for any ASCII
# punctuation, so the text renders as typed.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# Characters that start a heading, list, rule or setext underline at a line start.
_MD_LINE_START = re.compile(r"^(\s*)([#+=-]|\d+[.)])", re.MULTILINE)


def md_escape(text: str) -> str:
    """User text as literal Markdown (terminal escapes dropped)."""
    text = _MD_INLINE.sub(r"\\\1", strip_terminal(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), text)


def _escape_marker(marker: str) -> str:
    if marker[0].isdigit():  # "1." -> "1\."
        return marker[:-1] + "\\" + marker[-1]
    return "\\" + marker


def _md_inline(text: str) -> str:
    """Escaped and on one line (for table cells, list items and quotes)."""
    return md_escape(" ".join(text.split()))


def _md_quote(text: str) -> list[str]:
    """A blockquote that keeps the answer's line breaks (backslash hard breaks)."""
    lines = md_escape(text.strip("\n")).split("\n")
    out = []
    for i, line in enumerate(lines):
        line = line.rstrip()
        hard_break = i < len(lines) - 1 and line and lines[i + 1].strip()
        out.append(f"> {line}\\" if hard_break else (f"> {line}" if line else ">"))
    return out


def to_markdown(
    transcript: Transcript, scenario: Scenario | None = None, session_id: str | None = None
) -> str:
    t = transcript
    debrief = debrief_for(t, scenario)
    lines = [f"# {_md_inline(debrief.title)} — rehearsal transcript", ""]
    lines += ["| | |", "|---|---|"]
    if session_id:
        lines.append(f"| Session | `{_md_inline(session_id)}` |")
    if t.brief_name:
        lines.append(f"| Brief | {_md_inline(t.brief_name)} |")
    lines += [
        f"| {'Questions from' if t.brief_name else 'Scenario'} | {_md_inline(t.scenario_id)} "
        f"(version {t.scenario_version}) |",
        f"| Role | {_md_inline(t.role)} |",
        f"| Started | {_when(t.started_at)} |",
        f"| Outcome | {_md_inline(_outcome(debrief))} |",
        f"| Overall | **{t.overall}** / 100 |",
        "",
    ]
    if t.scores:
        lines += ["## Scores", "", "| Dimension | Score |", "|---|---:|"]
        lines += [f"| {_md_inline(_label(d))} | {v} |" for d, v in _ordered_scores(t.scores)]
        lines.append("")
    lines += ["## Conversation", ""]
    for turn in t.turns:
        if turn.speaker == "ceo":
            lines += [f"**CEO:** {_md_inline(turn.text)}", ""]
            continue
        lines += [_md_answer_heading(turn), "", *_md_quote(turn.text), ""]
        findings = _md_findings(turn)
        if findings:
            lines += [*findings, ""]
    if debrief.ending_summary:
        lines += [f"*{_md_inline(debrief.ending_summary)}*", ""]
    if debrief.improvements:
        lines += ["## Practise next", ""]
        for i, imp in enumerate(debrief.improvements, 1):
            detail = f" — {_md_inline(imp.detail)}" if imp.detail else ""
            where = improvement_where(t, imp.node, imp.points)
            lines.append(f"{i}. **{_md_inline(imp.title)}**{detail} ({_md_inline(where)})")
        lines.append("")
    if t.gaps:
        lines += ["## Gaps the CEO gave up on", ""]
        lines += [f"- {_md_inline(g)}" for g in gap_lines(t)]
        lines.append("")
    if debrief.reviews:
        lines += ["## Your answers beside the model answers", ""]
        for review in debrief.reviews:
            lines += [f"### {_md_inline(review.question)}", ""]
            for index in review.answers:
                lines.append(f"- **You:** {_md_inline(t.turns[index].text)}")
            label = review.model_answer_label
            lines.append(f"- **{label}:** {_md_inline(review.model_answer)}")
            if review.coaching:
                lines.append(f"- **Coaching:** {_md_inline(review.coaching)}")
            lines.append("")
    lines.append(f"<sub>Exported by coach {__version__}.</sub>")
    return "\n".join(lines) + "\n"


def _md_answer_heading(turn: Turn) -> str:
    parts = ["**You**"]
    if turn.result is not None:
        parts.append(f"score {turn.result.score}")
    if turn.seconds is not None:
        parts.append(f"{turn.seconds:.0f} s")
    if turn.attempt and turn.attempt > 1:
        parts.append(f"attempt {turn.attempt}")
    return " · ".join(parts)


def _sentence(text: str) -> str:
    """``text`` ending in one full stop: the scorer's messages may end in one already."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _md_findings(turn: Turn) -> list[str]:
    out = []
    evidence = _evidence(turn)
    if evidence:
        quoted = "; ".join(f"{_label(name)} “{_md_inline(text)}”" for name, text in evidence)
        out.append(f"- ✅ Covered: {quoted}")
    if turn.missing:
        out.append(f"- ❌ Missing: {', '.join(_md_inline(_label(m)) for m in turn.missing)}")
    if turn.result is not None:
        for flag in turn.result.flags:
            said = f" “{_md_inline(flag.evidence)}”" if flag.evidence else ""
            tip = f" Try: {_md_inline(flag.suggestion)}" if flag.suggestion else ""
            message = _md_inline(_sentence(flag.message))
            out.append(f"- ⚠️ {_md_inline(_label(flag.code))}{said}: {message}{tip}")
    return out


# -- HTML ------------------------------------------------------------------------


@cache
def _stylesheet() -> str:
    return resources.files("coach.store").joinpath("data/export.css").read_text("utf-8")


def _h(text: str) -> str:
    """Escaped for HTML text and attributes; terminal escapes and controls dropped."""
    return html.escape(strip_terminal(text), quote=True)


#: How a figure's kind is named in its tooltip.
FIGURE_KINDS = {
    "count": "a count",
    "money": "money",
    "percent": "a percentage",
    "duration": "a duration",
    "deadline": "a time",
}


def highlight_html(turn: Turn) -> str:
    """The answer as HTML: evidence in ``<mark class="el-…">``, flags in
    ``<u class="flag">`` with the message as a tooltip, and figures (counts,
    money, percentages, durations, times) in ``<strong class="fig">`` innermost,
    a chip of their own colour over any evidence, as on the Debrief screen, with
    a flag's underline still drawn beneath. Overlapping marks are split into
    segments, each with its own properly nested tags."""
    text = turn.text
    result = turn.result
    if result is None:
        return _h(text)
    size = len(text)
    marks: list[tuple[int, int, str, str]] = []  # start, end, kind, name
    order = {name: i for i, name in enumerate(ELEMENTS)}
    for name, found in sorted(result.elements.items(), key=lambda kv: order.get(kv[0], 99)):
        marks += [(s.start, s.end, "el", name) for s in found.spans]
    marks += [(f.start, f.end, "flag", str(i)) for i, f in enumerate(result.flags)]
    marks += [(q.start, q.end, "fig", q.kind) for q in result.quantities]
    # Spans from an imported file are not trusted: clamp them, drop empty ones.
    marks = [
        (max(0, s), min(size, e), kind, name)
        for s, e, kind, name in marks
        if min(size, e) > max(0, s)
    ]
    cuts = sorted({0, size, *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        piece = _h(text[a:b])
        if not piece:
            continue
        active = [m for m in marks if m[0] <= a and b <= m[1]]
        element = next((m[3] for m in active if m[2] == "el"), None)
        flag = next((result.flags[int(m[3])] for m in active if m[2] == "flag"), None)
        figure = next((m[3] for m in active if m[2] == "fig"), None)
        if figure is not None:
            kind = FIGURE_KINDS.get(figure, _h(figure))
            piece = f'<strong class="fig" title="Figure: {kind}">{piece}</strong>'
        if element is not None:
            piece = f'<mark class="el-{_h(element)}" title="{_h(_label(element))}">{piece}</mark>'
        if flag is not None:
            tip = f"{_label(flag.code)}: {flag.message}"
            if flag.suggestion:
                tip += f" — {flag.suggestion}"
            piece = f'<u class="flag" title="{_h(tip)}">{piece}</u>'
        out.append(piece)
    return "".join(out)


def to_html(
    transcript: Transcript, scenario: Scenario | None = None, session_id: str | None = None
) -> str:
    t = transcript
    debrief = debrief_for(t, scenario)
    body: list[str] = []
    source = f"{_h(t.scenario_id)} (version {t.scenario_version})"
    # With a brief the incident is the user's own; the scenario gave the CEO and the questions.
    meta = [
        f"Brief {_h(t.brief_name)}, questions from scenario {source}"
        if t.brief_name
        else f"Scenario {source}",
        f"role {_h(t.role)}",
    ]
    meta.append(f"started {_when(t.started_at)}")
    if session_id:
        meta.append(f'session <span class="code">{_h(session_id)}</span>')
    body.append(f"<header><h1>{_h(debrief.title)}</h1>")
    body.append(f'<p class="meta">{" · ".join(meta)}</p></header>')
    body.append('<section class="summary">')
    body.append(f'<div><div class="overall">{t.overall}<span> / 100</span></div>')
    body.append(f'<p class="ending">{_h(_outcome(debrief))}</p>')
    if debrief.ending_summary:
        body.append(f'<p class="muted">{_h(debrief.ending_summary)}</p>')
    body.append("</div>")
    if t.scores:
        body.append('<table class="scores"><tbody>')
        for name, value in _ordered_scores(t.scores):
            width = max(0, min(100, value)) * 0.06
            body.append(
                f'<tr><td>{_h(_label(name))}</td><td class="num">{value}</td>'
                f'<td><span class="bar" style="width:{width:.1f}rem"></span></td></tr>'
            )
        body.append("</tbody></table>")
    body.append("</section>")
    legend = " ".join(f'<mark class="el-{n}">{_h(_label(n))}</mark>' for n in ELEMENTS)
    body.append(
        '<p class="legend"><strong class="fig">Figures</strong> (counts, money, percentages, '
        f"durations, times) stand out wherever they are. Evidence found: {legend}. "
        'Style problems are <u class="flag">underlined</u>; hover for the advice.</p>'
    )
    body.append("<h2>Conversation</h2>")
    for turn in t.turns:
        if turn.speaker == "ceo":
            body.append(
                '<div class="turn ceo"><div class="who"><strong>CEO</strong></div>'
                f'<p class="text">{_h(turn.text)}</p></div>'
            )
            continue
        who = ["<strong>You</strong>"]
        if turn.result is not None:
            who.append(f"score {turn.result.score}")
        if turn.seconds is not None:
            who.append(f"{turn.seconds:.0f} s")
        if turn.attempt and turn.attempt > 1:
            who.append(f"attempt {turn.attempt}")
        body.append(f'<div class="turn you"><div class="who">{" · ".join(who)}</div>')
        body.append(f'<p class="text">{highlight_html(turn)}</p>')
        findings = _html_findings(turn)
        if findings:
            body.append(f'<ul class="findings">{"".join(findings)}</ul>')
        body.append("</div>")
    if debrief.improvements:
        body.append("<h2>Practise next</h2><ol>")
        for imp in debrief.improvements:
            detail = f" — {_h(imp.detail)}" if imp.detail else ""
            where = improvement_where(t, imp.node, imp.points)
            body.append(
                f"<li><strong>{_h(imp.title)}</strong>{detail} "
                f'<span class="muted">({_h(where)})</span></li>'
            )
        body.append("</ol>")
    if t.gaps:
        body.append("<h2>Gaps the CEO gave up on</h2><ul>")
        body += [f"<li>{_h(g)}</li>" for g in gap_lines(t)]
        body.append("</ul>")
    if debrief.reviews:
        body.append("<h2>Your answers beside the model answers</h2>")
        for review in debrief.reviews:
            body.append(f'<h3>{_h(review.question)}</h3><div class="pair"><div>')
            body.append('<div class="who"><strong>You</strong></div>')
            body += [f'<p class="text">{_h(t.turns[i].text)}</p>' for i in review.answers]
            label = _h(review.model_answer_label)
            body.append(f'</div><div><div class="who"><strong>{label}</strong></div>')
            body.append(f'<p class="text">{_h(review.model_answer)}</p></div></div>')
            if review.coaching:
                body.append(f'<p class="muted">{_h(review.coaching)}</p>')
    body.append(f"<footer>Exported by coach {__version__}.</footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{_h(debrief.title)} — coach transcript</title>\n"
        f"<style>\n{_stylesheet()}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(body)
        + "\n</main>\n</body>\n</html>\n"
    )


def _html_findings(turn: Turn) -> list[str]:
    out = []
    evidence = _evidence(turn)
    if evidence:
        quoted = "; ".join(
            f'<mark class="el-{_h(name)}">{_h(_label(name))}</mark> “{_h(text)}”'
            for name, text in evidence
        )
        out.append(f"<li>Covered: {quoted}</li>")
    if turn.missing:
        out.append(f"<li>Missing: {_h(', '.join(_label(m) for m in turn.missing))}</li>")
    if turn.result is not None:
        for flag in turn.result.flags:
            said = f" “{_h(flag.evidence)}”" if flag.evidence else ""
            tip = f" <em>Try:</em> {_h(flag.suggestion)}" if flag.suggestion else ""
            name = _h(_label(flag.code))
            out.append(
                f'<li><u class="flag">{name}</u>{said}: {_h(_sentence(flag.message))}{tip}</li>'
            )
    return out


# -- JSON --------------------------------------------------------------------------


def to_json(transcript: Transcript) -> str:
    """The lossless export: the envelope, the transcript version, the transcript.
    Deterministic, so export -> import -> export gives the identical file."""
    document = {
        "format": EXPORT_KIND,
        "format_version": EXPORT_VERSION,
        "transcript_version": transcript.version,
        "transcript": transcript.model_dump(mode="json"),
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from a broken paste: escape them
        text = json.dumps(document, ensure_ascii=True, indent=2)
    return text + "\n"


def from_json(text: str, source: str) -> Transcript:
    """Read a JSON export. Every problem is one line naming ``source``."""
    from pydantic import ValidationError

    from coach.engine.transcript import TRANSCRIPT_VERSION, Transcript

    fix = "give a file written by `coach export ID --format json`"
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise CoachError(
            f"{source}:{error.lineno}:{error.colno}: not valid JSON ({error.msg}); {fix}"
        ) from error
    except RecursionError as error:
        raise CoachError(f"{source}: JSON nested too deeply to be a coach export; {fix}") from error
    if not isinstance(document, dict) or document.get("format") != EXPORT_KIND:
        raise CoachError(
            f'{source}: not a coach session export (no "format": "{EXPORT_KIND}"); {fix}'
        )
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CoachError(f"{source}: format_version must be a whole number; {fix}")
    if version > EXPORT_VERSION:
        raise CoachError(
            f"{source}: written by a newer coach (export format {version}, this coach reads "
            f"up to {EXPORT_VERSION}); upgrade coach to import it"
        )
    data = document.get("transcript")
    if not isinstance(data, dict):
        raise CoachError(f'{source}: "transcript" must be an object; {fix}')
    declared = document.get("transcript_version")
    inner = data.get("version", 1)
    if declared != inner:
        raise CoachError(
            f"{source}: transcript_version {declared!r} does not match the transcript's "
            f"version {inner!r}; the file was edited by hand"
        )
    if isinstance(inner, int) and inner > TRANSCRIPT_VERSION:
        raise CoachError(
            f"{source}: transcript version {inner} is newer than this coach reads "
            f"({TRANSCRIPT_VERSION}); upgrade coach to import it"
        )
    try:
        return Transcript.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
        first = problems[0]
        where = ".".join(str(p) for p in ("transcript", *first["loc"]))
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise CoachError(f"{source}: {where}: {first['msg']}{more}; {fix}") from error


def read_export(path: str | Path, max_bytes: int = MAX_IMPORT_BYTES) -> Transcript:
    """Read and check a JSON export file, refusing oversized files before parsing."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # a bounded read: /dev/zero cannot hang us
    except IsADirectoryError as error:
        raise CoachError(f"{path} is a directory; give a .json file from `coach export`") from error
    except OSError as error:
        raise CoachError(
            f"cannot read {path}: {error.strerror or error}; "
            "give the path of a file written by `coach export ID --format json`"
        ) from error
    if len(raw) > max_bytes:
        raise CoachError(
            f"{path} is larger than {max_bytes // (1024 * 1024)} MB, too large for a coach "
            "session export; check that it is the right file"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CoachError(
            f"{path}: not UTF-8 text (byte {error.start}); give a file written by "
            "`coach export ID --format json`"
        ) from error
    return from_json(text, str(path))
