"""The brief form's text fields, to and from a :class:`~coach.brief.model.Brief`.

The app's form (``coach brief new``) has one text field per brief field. Lists
(mitigation, resources, stakeholders) are one item a line; impact figures are
one a line, written as people say them::

    2300 users could not pay
    2,000-2,500 customers
    £41,000 orders delayed          (or: 41000 GBP orders delayed)
    12% of card payments declined

and the estimate as ``4-6 hours``, ``30 minutes`` or ``by 16:00``. Everything is
then validated by the brief model itself, so the form and a YAML file accept
exactly the same briefs; a problem comes back as a message for its field.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from coach.brief.model import Brief, number_text

# The parsers are shared with the brief model, which reads a figure or an estimate
# written as text in a brief file the same way (re-exported for the form's callers).
from coach.brief.parse import parse_eta as parse_eta
from coach.brief.parse import parse_figure as parse_figure

#: The form's fields, in order: (key, label, multi-line).
FIELDS: tuple[tuple[str, str, bool], ...] = (
    ("role", "Your role", False),
    ("ceo_name", "The CEO's name", False),
    ("system", "Affected system", False),
    ("what_happened", "What happened", True),
    ("impact", "Impact figures (one a line: 2300 users could not pay)", True),
    ("cause", "Root cause, as far as you know it", False),
    ("cause_status", "How sure: known, suspected or unknown", False),
    ("cause_known_by", "When you will know the cause", False),
    ("mitigation", "Done so far (one action a line)", True),
    ("plan", "The plan", False),
    ("eta", "Estimated time (4-6 hours, or by 16:00)", False),
    ("resources", "What you need (one a line)", True),
    ("stakeholders", "Who is involved or must be told (one a line)", True),
    ("update_cadence", "Next update / cadence", False),
)
LIST_FIELDS = ("mitigation", "resources", "stakeholders")


class FormError(ValueError):
    """What is wrong with the form, by field key."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in problems.items()))


def _lines(text: str) -> list[str]:
    # A line that is only a bullet ("-", "*") is an empty line, not an empty item.
    lines = (" ".join(line.lstrip("-•* ").split()) for line in text.splitlines())
    return [line for line in lines if line]


def brief_from_form(fields: dict[str, str]) -> Brief:
    """The brief the form describes; :class:`FormError` lists every problem by field."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, _, _ in FIELDS:
        raw = fields.get(key, "")
        if not raw.strip():
            continue
        lines = _lines(raw)
        if key in LIST_FIELDS:
            if lines:
                data[key] = lines
        elif key == "impact":
            figures = []
            for number, line in enumerate(lines, 1):
                try:
                    figures.append(parse_figure(line))
                except ValueError as error:
                    problems.setdefault(key, f"line {number}: {error}")
            if figures:
                data[key] = figures
        elif key == "eta":
            try:
                data[key] = parse_eta(raw)
            except ValueError as error:
                problems[key] = str(error)
        elif key == "cause_status":
            data[key] = raw.strip().lower()
        else:
            data[key] = " ".join(raw.split())
    # Validate the rest too, so every problem is shown at once.
    for key in problems:
        data.pop(key, None)
    try:
        brief = Brief.model_validate(data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            loc = detail["loc"]
            key = str(loc[0]) if loc else "form"
            message = str(detail.get("ctx", {}).get("error", detail["msg"]))
            if message.startswith("a money figure needs a currency"):
                message = "a money figure needs a currency: write '£41,000' or '41000 GBP'"
            if key in ("impact", *LIST_FIELDS) and len(loc) > 1 and isinstance(loc[1], int):
                message = f"line {loc[1] + 1}: {message}"
            problems.setdefault(key, message)
        raise FormError(problems) from None
    if problems:
        raise FormError(problems)
    return brief


def form_from_brief(brief: Brief) -> dict[str, str]:
    """The form's text for an existing brief (to edit it)."""
    out: dict[str, str] = {}
    for key, _, _ in FIELDS:
        value = getattr(brief, key)
        if value is None or value == []:
            continue
        if key in LIST_FIELDS:
            out[key] = "\n".join(value)
        elif key == "impact":
            out[key] = "\n".join(_figure_line(f) for f in brief.figures)
        elif key == "eta":
            out[key] = _eta_line(brief)
        else:
            out[key] = str(value)
    return out


def _figure_line(figure: Any) -> str:
    number = number_text(figure.value).replace(",", "")
    if figure.high is not None:
        number += "-" + number_text(figure.high).replace(",", "")
    unit = figure.currency if figure.unit == "money" else figure.unit
    line = f"{number}% " if figure.unit == "percent" else f"{number} {unit} "
    return (line + (figure.what or "")).strip()


def _eta_line(brief: Brief) -> str:
    eta = brief.eta
    assert eta is not None
    if eta.by is not None:
        return f"by {eta.by}"
    return eta.text.replace("–", "-")
