"""``coach score``: score one answer from standard input, or many with ``--jsonl``.

``--json`` prints the scorer's result as one JSON object (the contract other tools
rely on: ``elements.<name>.present/evidence``, ``flags[].code/message/start/end/
suggestion`` and ``score``, plus dimensions, deductions and more). Without it, a
readable report marks the evidence in the answer; colours are used only when
standard output is a terminal, and user text is always stripped of terminal escapes
before it is printed back.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from coach.errors import CoachError
from coach.textsafe import strip_terminal

if TYPE_CHECKING:
    from coach.scoring.result import AnswerResult

_BOLD_GREEN = "\x1b[1;32m"
_UNDERLINE_YELLOW = "\x1b[4;33m"
_DIM = "\x1b[2m"
_RESET = "\x1b[0m"


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser(
        "score",
        parents=[common],
        help="score one answer read from standard input",
        description=(
            "Score one answer read from standard input: which elements a CEO needs it "
            "carries (impact, timeline, mitigation, root cause, next update, prevention, "
            "resources, stakeholders), style flags with suggestions, and a 0-100 score. "
            'With --jsonl, read JSON lines {"id": ..., "text": ..., "expects": [...]} '
            "and write one result per line, in order, with the id added."
        ),
    )
    p.add_argument(
        "--expects",
        metavar="ELEMENTS",
        help="comma-separated elements the question expects (default: the five main "
        "elements: impact,timeline,mitigation,root_cause,next_update; '' for none)",
    )
    p.add_argument("--role", metavar="ROLE", help="use this role's lexicon (e.g. blockchain)")
    p.add_argument("--budget", type=int, metavar="N", help="word budget for the answer")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")
    p.add_argument(
        "--jsonl",
        action="store_true",
        help="read JSON lines (id, text, optional expects) and write one JSON result per line",
    )
    p.set_defaults(func=score_command)


def _parse_expects(value: str | None) -> list[str]:
    from coach.scoring.names import ELEMENTS, MAIN_ELEMENTS

    if value is None:
        return list(MAIN_ELEMENTS)
    names = [part.strip() for part in value.split(",") if part.strip()]
    for name in names:
        if name not in ELEMENTS:
            raise CoachError(
                f"--expects: unknown element {name!r}; choose from {', '.join(ELEMENTS)}"
            )
    return names


def score_command(args: argparse.Namespace) -> int:
    expects = _parse_expects(args.expects)
    if args.budget is not None and args.budget < 1:
        raise CoachError(f"--budget must be a positive number of words, not {args.budget}")
    if args.role:
        from coach.scoring.lexicon import shipped_roles

        if args.role not in shipped_roles():
            print(
                f"coach: note: no built-in lexicon for role {strip_terminal(args.role)!r}; "
                f"using the general one (built-in: {', '.join(shipped_roles())})",
                file=sys.stderr,
            )
    if args.jsonl:
        return _score_lines(expects, args.role, args.budget)
    if sys.stdin.isatty():
        print("Type or paste the answer, then press Ctrl-D.", file=sys.stderr)
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    from coach.scoring.scorer import score_answer

    result = score_answer(text, expects=expects, budget=args.budget, role=args.role)
    if args.json:
        print(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
    else:
        sys.stdout.write(report(text, result, color=sys.stdout.isatty()))
    return 0


def _score_lines(expects: list[str], role: str | None, budget: int | None) -> int:
    """One JSON result per input line, in order; a bad line gets an error object."""
    from coach.scoring.names import ELEMENTS
    from coach.scoring.scorer import score_answer

    failed = 0
    for number, raw in enumerate(sys.stdin.buffer, start=1):
        line = raw.decode("utf-8", errors="replace").strip()
        if not line:
            continue
        item_id: Any = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError("expected a JSON object")
            item_id = item.get("id")
            text = item.get("text")
            if not isinstance(text, str):
                raise ValueError('"text" must be a string')
            wanted = item.get("expects", expects)
            if not isinstance(wanted, list) or not all(isinstance(x, str) for x in wanted):
                raise ValueError('"expects" must be a list of element names')
            unknown = [x for x in wanted if x not in ELEMENTS]
            if unknown:
                raise ValueError(f'unknown element {unknown[0]!r} in "expects"')
            item_budget = item.get("budget", budget)
            if item_budget is not None and (not isinstance(item_budget, int) or item_budget < 1):
                raise ValueError('"budget" must be a positive whole number of words')
            item_role = item.get("role", role)
            if item_role is not None and not isinstance(item_role, str):
                raise ValueError('"role" must be a string')
            result = score_answer(text, expects=wanted, budget=item_budget, role=item_role)
        except ValueError as error:
            failed += 1
            message = f"stdin line {number}: {error}"
            print(f"coach: {strip_terminal(message)}", file=sys.stderr)
            print(json.dumps({"id": item_id, "error": message}, ensure_ascii=False), flush=True)
            continue
        print(json.dumps({"id": item_id, **result.model_dump(mode="json")}, ensure_ascii=False))
    return 1 if failed else 0


# -- the readable report ------------------------------------------------------------


def report(text: str, result: AnswerResult, *, color: bool) -> str:
    """A readable report: scores, elements with evidence, the marked answer, flags."""

    def paint(code: str, value: str) -> str:
        return f"{code}{value}{_RESET}" if color else value

    lines: list[str] = []
    expected = ", ".join(result.expects) or "nothing in particular"
    lines.append(
        f"Score {paint(_BOLD_GREEN, str(result.score))}/100   "
        f"({result.words} words, about {round(result.spoken_seconds)} s spoken; "
        f"expected: {expected})"
    )
    lines.append("")
    for name, value in result.dimensions.items():
        bar = "#" * round(value / 10) + "." * (10 - round(value / 10))
        lines.append(f"  {name:11} {bar} {value:3d}")
    lines.append("")
    lines.append("Elements")
    for name, element in result.elements.items():
        wanted = name in result.expects
        if element.present:
            mark = "+"
            detail = " | ".join(_clip(e) for e in element.evidence)
            if wanted and not element.up_front:
                detail += paint(_DIM, "  (not in the first sentence)")
        elif element.acknowledged_unknown:
            mark, detail = "~", "unknown for now, with a time to know (honest: partial credit)"
        elif element.planned:
            mark = "~"
            detail = "only planned: " + " | ".join(_clip(s.text) for s in element.planned)
        else:
            mark, detail = ("-", "missing") if wanted else (" ", "")
        label = f"{name}{'*' if wanted else ''}"
        lines.append(f"  {mark} {label:14} {detail}".rstrip())
    lines.append("  (* expected)")
    lines.append("")
    marks = "in bold, flags underlined" if color else "in «guillemets», flags in ⟨brackets⟩"
    lines.append(f"Answer (evidence {marks})")
    lines.extend("  " + line for line in _marked(text, result, color).splitlines() or [""])
    lines.append("")
    if result.flags:
        lines.append("Flags")
        for flag in result.flags:
            line_no, col = _position(text, flag.start)
            lines.append(f"  {line_no}:{col} {flag.code:15} {strip_terminal(flag.message)}")
            lines.append(f"      -> {strip_terminal(flag.suggestion)}")
        lines.append("")
    if result.deductions:
        lines.append("Points lost")
        for d in result.deductions:
            lines.append(
                f"  -{d.points:<3d} {d.dimension:11} {d.code:22} {strip_terminal(d.reason)}"
            )
        lines.append("")
    return "\n".join(lines)


def _clip(value: str, limit: int = 70) -> str:
    value = " ".join(strip_terminal(value).split())
    return f"“{value}”" if len(value) <= limit else f"“{value[: limit - 1]}…”"


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def _marked(text: str, result: AnswerResult, color: bool) -> str:
    """The answer with evidence and flagged text marked; user text stripped of escapes."""
    evidence = [(s.start, s.end) for e in result.elements.values() for s in e.spans]
    flagged = [(f.start, f.end) for f in result.flags if f.end > f.start]
    cuts = sorted({0, len(text), *(p for span in evidence + flagged for p in span)})
    out: list[str] = []
    was_evidence = was_flag = False
    for start, end in pairwise(cuts):
        is_evidence = any(s <= start and end <= e for s, e in evidence)
        is_flag = any(s <= start and end <= e for s, e in flagged)
        piece = strip_terminal(text[start:end])
        if color:
            if is_evidence:
                piece = f"{_BOLD_GREEN}{piece}{_RESET}"
            if is_flag:
                piece = f"{_UNDERLINE_YELLOW}{piece}{_RESET}"
        else:
            marks = ""
            if was_flag and not is_flag:
                marks += "⟩"
            if was_evidence and not is_evidence:
                marks += "»"
            if is_evidence and not was_evidence:
                marks += "«"
            if is_flag and not was_flag:
                marks += "⟨"
            piece = marks + piece
        out.append(piece)
        was_evidence, was_flag = is_evidence, is_flag
    if not color:
        out.append(("»" if was_evidence else "") + ("⟩" if was_flag else ""))
    return "".join(out)
