"""Exports: the JSON round trip, HTML that escapes everything and stays
self-contained, Markdown that renders as typed, and import errors."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from engine_fakes import load_fixture
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from store_samples import NASTY, answer_result, default_answers, nasty_answers, transcript

from coach.engine.transcript import TRANSCRIPT_VERSION
from coach.errors import CoachError
from coach.scoring.names import ELEMENTS
from coach.scoring.result import Flag, Quantity, Span
from coach.store import SessionStore
from coach.store.export import (
    EXPORT_KIND,
    FIGURE_KINDS,
    MAX_IMPORT_BYTES,
    from_json,
    highlight_html,
    read_export,
    to_html,
    to_json,
    to_markdown,
)
from coach.textsafe import strip_terminal

# -- JSON ---------------------------------------------------------------------------


def test_json_carries_the_format_and_the_transcript_version() -> None:
    document = json.loads(to_json(transcript()))
    assert document["format"] == EXPORT_KIND
    assert document["format_version"] == 1
    assert document["transcript_version"] == TRANSCRIPT_VERSION
    assert document["transcript"]["version"] == TRANSCRIPT_VERSION


def test_json_keeps_answers_verbatim() -> None:
    t = transcript(answers=nasty_answers())
    assert from_json(to_json(t), "x.json").turns[1].text == NASTY


def test_export_import_export_is_identical_through_the_store(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "a")
    original = transcript(answers=nasty_answers() + default_answers(), status="unfinished")
    first = to_json(store.get(store.create(original)))
    file = tmp_path / "session.json"
    file.write_text(first, encoding="utf-8")
    # Into another data dir, as a mentor would import it.
    other = SessionStore.open(tmp_path / "b")
    session_id, created = other.import_transcript(read_export(file))
    assert created
    assert to_json(other.get(session_id)) == first
    store.close()
    other.close()


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(min_size=1, max_size=120),
    seconds=st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False),
)
def test_any_transcript_round_trips_through_json(text: str, seconds: float) -> None:
    t = transcript(answers=[(text, answer_result(text, expects=["impact"]))])
    t.turns[1] = t.turns[1].model_copy(update={"seconds": seconds})
    exported = to_json(t)
    back = from_json(exported, "x.json")
    assert back == t
    assert to_json(back) == exported


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", r"x\.json:1:2: not valid JSON"),
        ("[1, 2]", "not a coach session export"),
        ('{"format": "something-else"}', "not a coach session export"),
        ('{"format": "coach-session", "format_version": "1"}', "format_version must be a whole"),
        ('{"format": "coach-session", "format_version": 99}', "written by a newer coach"),
        ('{"format": "coach-session", "format_version": 1, "transcript": []}', "must be an object"),
        (
            '{"format": "coach-session", "format_version": 1, "transcript_version": 1, '
            '"transcript": {"version": 7}}',
            "does not match",
        ),
        (
            '{"format": "coach-session", "format_version": 1, "transcript_version": 99, '
            '"transcript": {"version": 99}}',
            "newer than this coach reads",
        ),
        (
            '{"format": "coach-session", "format_version": 1, "transcript_version": 1, '
            '"transcript": {"version": 1, "scenario_id": 5}}',
            r"transcript\.scenario_id: .* \(and \d+ more problems\)",
        ),
        ("[" * 200_000, "not valid JSON|nested too deeply"),
    ],
)
def test_malformed_imports_are_one_line_errors(content: str, expected: str) -> None:
    with pytest.raises(CoachError, match=expected) as caught:
        from_json(content, "x.json")
    assert "\n" not in str(caught.value)


def test_a_broken_turn_names_where(tmp_path: Path) -> None:
    document = json.loads(to_json(transcript()))
    document["transcript"]["turns"][1]["speaker"] = "mentor"
    with pytest.raises(CoachError, match=r"transcript\.turns\.1\.speaker"):
        from_json(json.dumps(document), "x.json")


def test_oversized_files_are_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(MAX_IMPORT_BYTES + 1)
    with pytest.raises(CoachError, match="larger than 16 MB"):
        read_export(big)
    small = tmp_path / "small.json"
    small.write_text(to_json(transcript()))
    with pytest.raises(CoachError, match="too large"):
        read_export(small, max_bytes=100)
    assert read_export(small) == transcript()


def test_unreadable_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(CoachError, match=r"cannot read .*missing\.json.*; give the path of a"):
        read_export(tmp_path / "missing.json")
    with pytest.raises(CoachError, match="is a directory"):
        read_export(tmp_path)
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CoachError, match="not UTF-8 text"):
        read_export(binary)


# -- HTML -----------------------------------------------------------------------------

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "header", "h1", "h2", "h3",
    "p", "section", "div", "span", "strong", "em", "table", "tbody", "tr", "td", "mark",
    "u", "ul", "ol", "li", "footer",
}  # fmt: skip
VOID = {"meta"}


class Checker(HTMLParser):
    """Collects tags, checks nesting, and keeps the text of each turn's paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.stack: list[str] = []
        self.answers: list[str] = []
        self._in_answer = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "p" and ("class", "text") in attrs:
            self._in_answer = len(self.stack)
            self.answers.append("")

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1:]}>"
        if self._in_answer == len(self.stack):
            self._in_answer = 0
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._in_answer:
            self.answers[-1] += data


def check(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    return checker


def test_html_escapes_every_answer_and_stays_self_contained() -> None:
    page = to_html(transcript(answers=nasty_answers()))
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "\x1b" not in page and "\x07" not in page
    checker = check(page)
    assert checker.tags <= ALLOWED_TAGS
    names = {name for name, _ in checker.attrs}
    assert not names & {"src", "href", "onload", "onerror", "onclick"}
    assert "http://" not in page and "https://" not in page and "@import" not in page


def test_html_answer_text_survives_highlighting_exactly() -> None:
    answers = nasty_answers() + default_answers()
    page = to_html(transcript(answers=answers))
    paragraphs = check(page).answers
    for text, _ in answers:
        assert strip_terminal(text) in paragraphs


def test_html_highlights_evidence_and_underlines_flags() -> None:
    text, result = default_answers()[0]
    t = transcript(answers=[(text, result)])
    marked = highlight_html(t.turns[1])
    assert '<mark class="el-impact" title="Impact">1,200 customers</mark>' in marked
    assert '<mark class="el-mitigation" title="Mitigation">rolled back at 14:05</mark>' in marked
    assert '<u class="flag" title="Hedging: hedging weakens the answer' in marked
    assert ">could potentially</u>" in marked


def figure(text: str, phrase: str, kind: str = "count") -> Quantity:
    start = text.index(phrase)
    return Quantity(kind=kind, value=1, unit="", start=start, end=start + len(phrase), text=phrase)  # type: ignore[arg-type]


def test_html_gives_figures_their_own_chip_inside_evidence_and_under_flags() -> None:
    text = "We guarantee 1,200 customers are back by 18:00 and it took 40 minutes"
    result = answer_result(
        text,
        expects=["impact", "timeline"],
        evidence={"impact": "1,200 customers", "timeline": "by 18:00"},
        flags={"over_promise": "guarantee 1,200"},
    ).model_copy(
        update={
            "quantities": [
                figure(text, "1,200"),
                figure(text, "18:00", "deadline"),
                figure(text, "40 minutes", "duration"),
            ]
        }
    )
    t = transcript(answers=[(text, result)])
    marked = highlight_html(t.turns[1])
    # Inside impact evidence and under the flag: the chip is innermost, the underline stays.
    assert (
        '<u class="flag" title="Over promise: over promise weakens the answer — say it without '
        '&#x27;guarantee 1,200&#x27;"><mark class="el-impact" title="Impact">'
        '<strong class="fig" title="Figure: a count">1,200</strong></mark></u>'
    ) in marked
    assert '<strong class="fig" title="Figure: a time">18:00</strong></mark>' in marked
    # A figure outside any evidence still stands out.
    assert 'took <strong class="fig" title="Figure: a duration">40 minutes</strong>' in marked
    page = to_html(t)
    checker = check(page)
    assert text in checker.answers  # the text survives the extra tags exactly
    assert '<p class="legend"><strong class="fig">Figures</strong>' in page


def test_bogus_figure_spans_from_an_import_are_clamped() -> None:
    text, result = default_answers()[1]
    bogus = result.model_copy(
        update={
            "quantities": [
                Quantity(kind="count", value=1, unit="", start=-3, end=5, text="x"),
                Quantity(kind="money", value=1, unit="", start=30, end=999, text="x"),
                Quantity(kind="percent", value=1, unit="", start=9, end=2, text="x"),
            ]
        }
    )
    marked = highlight_html(transcript(answers=[(text, bogus)]).turns[1])
    assert check(f'<p class="text">{marked}</p>').answers == [text]
    # Clamped to the text (a span across a mark is cut into pieces); the empty one is dropped.
    assert marked.startswith('<strong class="fig" title="Figure: a count">Fixed</strong>')
    assert marked.endswith('<strong class="fig" title="Figure: money">.</strong>')
    assert "a percentage" not in marked


def _css_colours(block: str) -> dict[str, str]:
    import re

    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def _luminance(hex_colour: str) -> float:
    def channel(pair: str) -> float:
        v = int(pair, 16) / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(hex_colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_figure_colour_reads_and_differs_from_every_evidence_colour() -> None:
    from coach.store.export import _stylesheet

    css = _stylesheet()
    light_block, dark_block = css.split("@media (prefers-color-scheme: dark)", 1)
    assert "strong.fig" in css and "var(--fig-bg)" in css
    for block in (light_block, dark_block):
        colours = _css_colours(block)
        assert _contrast(colours["fig-fg"], colours["fig-bg"]) >= 4.5  # WCAG AA text
        assert _contrast(colours["fig-bg"], colours["bg"]) >= 3  # the chip stands out
        for element in ELEMENTS:
            # On any evidence: clearly another colour (a chip, not a shade of the mark).
            assert _contrast(colours["fig-bg"], colours[element]) >= 1.8, element
    assert set(FIGURE_KINDS) == {"count", "money", "percent", "duration", "deadline"}


def test_overlapping_evidence_and_flags_nest_properly() -> None:
    text = "We guarantee 1,200 customers are fine"
    result = answer_result(
        text,
        expects=["impact"],
        evidence={"impact": "1,200 customers"},
        flags={"over_promise": "guarantee 1,200"},
    )
    t = transcript(answers=[(text, result)])
    marked = highlight_html(t.turns[1])
    assert check(f"<p>{marked}</p>").stack == []
    assert '<u class="flag"' in marked and "<mark" in marked
    plain = Checker()
    plain.feed(f'<div><p class="text">{marked}</p></div>')
    assert plain.answers == [text]


def test_bogus_spans_from_an_import_do_not_break_the_page() -> None:
    text, result = default_answers()[1]
    broken = result.model_copy(
        update={
            "flags": [Flag(code="filler", message="m", start=-5, end=999, suggestion="s")],
            "elements": {
                **result.elements,
                "impact": result.elements["impact"].model_copy(
                    update={"present": True, "spans": [Span(start=40, end=3, text="x")]}
                ),
            },
        }
    )
    t = transcript(answers=[(text, broken)])
    checker = check(to_html(t))
    assert text in checker.answers


def test_html_with_the_scenario_shows_model_answers_and_the_ending() -> None:
    page = to_html(transcript(), load_fixture("branching.yaml"), session_id="abc234")
    assert "The CEO trusts you" in page and "(excellent)" in page
    assert "Model answer" in page
    assert "Checkout failed for 1,200 customers; we rolled back at 14:05." in page
    assert "abc234" in page


# -- Markdown -------------------------------------------------------------------------


def render_md(text: str) -> str:
    return MarkdownIt("commonmark").enable("table").render(text)


def test_markdown_renders_answers_as_typed() -> None:
    tricky = "# not a heading\n- not a list\n1. nor this\n*not emphasis* and `code` | pipe &lt;"
    answers = [*nasty_answers(), (tricky, answer_result(tricky, expects=[]))]
    md = to_markdown(transcript(answers=answers))
    assert "\x1b" not in md and "\x07" not in md
    rendered = render_md(md)
    assert "<script" not in rendered
    assert "<h1>not a heading" not in rendered and "<li>not a list" not in rendered
    assert "<em>not emphasis</em>" not in rendered and "<code>code</code>" not in rendered
    # Once rendered, the answers read as typed (as text: the markup above is escaped).
    flat = html.unescape(rendered)
    assert '<script>alert("x")</script>' in flat
    assert "# not a heading" in flat and "*not emphasis* and `code` | pipe &lt;" in flat


def test_markdown_structure_reads_well() -> None:
    md = to_markdown(transcript(), load_fixture("branching.yaml"), session_id="abc234")
    rendered = render_md(md)
    assert md.startswith("# Engine branching fixture — rehearsal transcript\n")
    for heading in (
        "Scores",
        "Conversation",
        "Practise next",
        "Your answers beside the model answers",
    ):
        assert f"<h2>{heading}</h2>" in rendered
    assert "<table>" in rendered and "<blockquote>" in rendered
    assert f"| Overall | **{transcript().overall}** / 100 |" in md
    assert "Covered: Impact “1,200 customers”" in md
    assert "Hedging “could potentially”" in md
    assert "**Model answer:** Checkout failed for 1,200 customers; we rolled back at 14:05." in md


def test_markdown_keeps_line_breaks_inside_an_answer() -> None:
    text = "First line.\nSecond line.\n\nNew paragraph."
    md = to_markdown(transcript(answers=[(text, answer_result(text, expects=[]))]))
    assert "> First line.\\\n> Second line.\n>\n> New paragraph." in md
    rendered = render_md(md)
    assert "First line.<br />\nSecond line." in rendered


# -- a session rehearsed with a brief ----------------------------------------------------


def test_markdown_heads_a_brief_session_with_the_users_incident() -> None:
    t = transcript().model_copy(update={"brief_name": "payments"})
    for scenario in (load_fixture("branching.yaml"), None):  # installed or not
        md = to_markdown(t, scenario, session_id="abc234")
        assert md.startswith("# Your incident: payments — rehearsal transcript\n")
        assert "Engine branching fixture" not in md  # the scenario's title names another incident
        assert "| Brief | payments |" in md
        assert "| Questions from | engine-branching (version 1) |" in md
    plain = to_markdown(transcript(), load_fixture("branching.yaml"))
    assert "| Scenario | engine-branching (version 1) |" in plain and "| Brief |" not in plain


def test_html_heads_a_brief_session_with_the_users_incident_escaped() -> None:
    t = transcript().model_copy(update={"brief_name": "<b>pay</b>\x1b[31m"})
    for scenario in (load_fixture("branching.yaml"), None):
        page = to_html(t, scenario)
        assert "<h1>Your incident: &lt;b&gt;pay&lt;/b&gt;</h1>" in page
        assert "<title>Your incident: &lt;b&gt;pay&lt;/b&gt; — coach transcript</title>" in page
        assert "Brief &lt;b&gt;pay&lt;/b&gt;, questions from scenario engine-branching" in page
        assert "Engine branching fixture" not in page and "\x1b" not in page
    assert "<h1>Engine branching fixture</h1>" in to_html(transcript())


def test_a_flag_message_ends_in_one_full_stop() -> None:
    from coach.store.export import _sentence

    assert _sentence("too long (180 words).") == "too long (180 words)."
    assert _sentence("too long") == "too long."
