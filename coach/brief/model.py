"""The incident brief format, as pydantic models. Unknown keys are rejected.

Every field is optional: a brief with gaps still loads, and the readiness
report (``coach brief check``) says what is missing and how to handle it in the
meeting. Wrong types, unknown units and unknown currencies are errors with a
line number (:mod:`coach.brief.loader`).

A brief file takes what the brief form takes (:mod:`coach.brief.parse` reads
both): a unit in the singular or as "%", a currency as a symbol or a word ("£",
"pounds"), a figure written as one line of text ("2300 users could not pay") and
an estimate as text ("4-6 hours", "by 16:00"). The validated brief holds the
canonical form (``unit: users``, ``currency: GBP``, a mapping), which is what is
saved.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal, TypeGuard, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from coach.brief import units
from coach.brief.parse import NotAFigure, parse_eta, parse_figure, quoted
from coach.brief.parse import clock_minutes as clock_minutes
from coach.scenario.diagnostics import closest

CauseStatus = Literal["known", "suspected", "unknown"]
CAUSE_STATUSES: tuple[str, ...] = get_args(CauseStatus)

#: The longest text a field may hold (as in a scenario file).
MAX_TEXT = 4000


def _short_enough(text: str) -> str:
    # Here rather than a max_length constraint: the form shows this message as it is,
    # and pydantic's own ("String should have at most ...") is not in our words.
    if len(text) > MAX_TEXT:
        raise ValueError(f"{len(text):,} characters is too long; keep it to {MAX_TEXT:,} at most")
    return text


Text = Annotated[str, StringConstraints(min_length=1), AfterValidator(_short_enough)]


class _Strict(BaseModel):
    # strict: "2,300" must not quietly become 2300, nor "no" become False.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _unknown(what: str, value: str, choices: list[str] | tuple[str, ...]) -> ValueError:
    close = closest(value, choices)
    hint = f"; did you mean '{close}'?" if close else ""
    return ValueError(f"unknown {what} {quoted(value)}{hint} (use one of: {', '.join(choices)})")


def _finite(value: object) -> object:
    # YAML reads .inf and .nan as numbers; no figure or estimate can be either.
    # (Before the range checks, which would call NaN "out of range".)
    if isinstance(value, float) and not math.isfinite(value):
        name = "NaN (not a number)" if math.isnan(value) else "an infinite (or too large) number"
        raise ValueError(f"{name} is not a usable number; write a plain number such as 2300 or 4.5")
    return value


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _not_negative(value: object) -> object:
    # A check of our own, not ``ge=0``, so the message is in our words in the form too.
    value = _finite(value)
    if _is_number(value) and value < 0:
        raise ValueError(f"{number_text(value)} is below 0; a figure is 0 or more")
    return value


def _positive(value: object) -> object:
    value = _finite(value)
    if _is_number(value) and value <= 0:
        raise ValueError(f"{number_text(value)} is too small; an estimate is more than 0")
    return value


def number_text(value: float) -> str:
    """2300 -> "2,300"; 1.5 -> "1.5"; 12.0 -> "12"."""
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def range_text(low: float, high: float | None) -> str:
    if high is None or high == low:
        return number_text(low)
    return f"{number_text(low)}–{number_text(high)}"


#: How a figure or an estimate is written as a mapping, for messages.
FIGURE_EXAMPLE = "{value: 2300, unit: users}"
ESTIMATE_EXAMPLE = "{value: 4, high: 6, unit: hours}"


class Figure(_Strict):
    """One impact figure: a number (or a range) with its unit."""

    value: float = Field(ge=0, description="The figure, or the low end of a range.")
    high: float | None = Field(default=None, ge=0, description="The high end of a range.")
    unit: str = Field(description="users, customers, orders, money, percent, ... (units.yaml)")
    currency: str | None = Field(default=None, description="For money: GBP, USD, EUR, ETH ...")
    what: Text | None = Field(
        default=None, description="What it counts, e.g. 'customers who could not sign in'."
    )

    _usable_numbers = field_validator("value", "high", mode="before")(_not_negative)

    @model_validator(mode="before")
    @classmethod
    def _as_written(cls, data: object) -> object:
        """A figure written as the form takes it ("2300 users could not pay") is read
        the same way; a currency given as the unit ("unit: GBP", "unit: £") is money."""
        if isinstance(data, str):
            try:
                return parse_figure(data)
            except NotAFigure as error:
                raise ValueError(f"{error}, or as a mapping: {FIGURE_EXAMPLE}") from None
        if _is_number(data):
            raise ValueError(
                f"a figure needs its unit: write '{data} users' or a mapping: {FIGURE_EXAMPLE}"
            )
        if isinstance(data, dict) and isinstance(data.get("unit"), str):
            unit = data["unit"]
            code = units.currency_code(unit) if units.impact_unit(unit) is None else None
            currency = data.get("currency")
            same = currency is None or (
                isinstance(currency, str) and units.currency_code(currency) == code
            )
            if code is not None and same:
                return {**data, "unit": "money", "currency": code}
        return data

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str) -> str:
        found = units.impact_unit(unit)
        if found is None:
            code = units.currency_code(unit)
            if code is not None:
                raise ValueError(
                    f"{quoted(unit)} is a currency, not a unit: write 'unit: money' and "
                    f"'currency: {code}'"
                )
            raise _unknown("unit", unit, list(units.impact_units()))
        return found

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, currency: str | None) -> str | None:
        if currency is None:
            return None
        code = units.currency_code(currency)
        if code is None:
            raise _unknown("currency", currency, units.currencies())
        return code

    @model_validator(mode="after")
    def _consistent(self) -> Figure:
        if self.unit == "money" and self.currency is None:
            raise ValueError("a money figure needs a currency, e.g. 'currency: GBP'")
        if self.unit != "money" and self.currency is not None:
            raise ValueError(
                f"only a money figure has a currency; use 'unit: money' for {self.currency}"
            )
        if self.high is not None and self.high < self.value:
            raise ValueError(
                f"the range is upside down: high ({number_text(self.high)}) is below "
                f"value ({number_text(self.value)})"
            )
        return self

    @property
    def kind(self) -> units.FigureKind:
        return units.impact_units()[self.unit].kind

    @property
    def amount(self) -> str:
        """The figure with its unit: "2,300 users", "£40,000", "40–60 ETH", "12%"."""
        number = range_text(self.value, self.high)
        if self.unit == "money":
            code = self.currency or ""
            symbol = units.currency_symbols().get(code)
            if symbol:
                return symbol + number.replace("–", "–" + symbol)
            return f"{number} {code}"
        if self.unit == "percent":
            return f"{number}%"
        return f"{number} {self.unit}"

    @property
    def text(self) -> str:
        """The amount and what it counts: "2,300 users (could not sign in)"."""
        return f"{self.amount} ({self.what})" if self.what else self.amount


class Estimate(_Strict):
    """When the fix is expected: a duration (``value``, ``high``, ``unit``) or a
    clock time (``by: "16:00"``)."""

    value: float | None = Field(default=None, gt=0)
    high: float | None = Field(default=None, gt=0)
    unit: str | None = Field(default=None, description="minutes, hours, days or weeks")
    by: str | None = Field(default=None, description='A clock time today, e.g. "16:00".')

    _usable_numbers = field_validator("value", "high", mode="before")(_positive)

    @model_validator(mode="before")
    @classmethod
    def _as_written(cls, data: object) -> object:
        """An estimate written as the form takes it ("4-6 hours", "by 16:00")."""
        if isinstance(data, str):
            try:
                return parse_eta(data)
            except ValueError as error:
                raise ValueError(f"{error}, or as a mapping: {ESTIMATE_EXAMPLE}") from None
        if _is_number(data):
            raise ValueError(
                'a number alone is not an estimate: give its unit ("4-6 hours", '
                f'or {ESTIMATE_EXAMPLE}), or quote a clock time: "16:00"'
            )
        return data

    @field_validator("unit")
    @classmethod
    def _known_unit(cls, unit: str | None) -> str | None:
        if unit is None:
            return None
        names = list(units.time_units())
        if unit not in names:
            lowered = unit.strip().lower()
            if lowered in names:
                return lowered
            if lowered + "s" in names:
                return lowered + "s"
            if lowered in units.time_unit_aliases():
                return units.time_unit_aliases()[lowered]
            raise _unknown("time unit", unit, names)
        return unit

    @field_validator("by")
    @classmethod
    def _clock(cls, by: str | None) -> str | None:
        if by is not None and clock_minutes(by) is None:
            raise ValueError(f'{quoted(by)} is not a clock time; write it like "16:00" or "4 pm"')
        return by

    @model_validator(mode="after")
    def _one_shape(self) -> Estimate:
        duration = self.value is not None or self.unit is not None or self.high is not None
        if duration and self.by is not None:
            raise ValueError(
                "give either a duration (value and unit) or a clock time (by), not both"
            )
        if self.by is None:
            if self.value is None or self.unit is None:
                raise ValueError(
                    "an estimate needs a value and a unit (e.g. 'value: 4', 'high: 6', "
                    "'unit: hours') or a clock time ('by: \"16:00\"')"
                )
            if self.high is not None and self.high < self.value:
                raise ValueError(
                    f"the range is upside down: high ({number_text(self.high)}) is below "
                    f"value ({number_text(self.value)})"
                )
        return self

    @property
    def hours(self) -> tuple[float, float] | None:
        """A duration's (low, high) in hours; ``None`` for a clock time."""
        if self.value is None or self.unit is None:
            return None
        per = units.time_units()[self.unit]
        return self.value * per, (self.high if self.high is not None else self.value) * per

    @property
    def minutes(self) -> float | None:
        """A clock time in minutes after midnight; ``None`` for a duration."""
        return clock_minutes(self.by) if self.by is not None else None

    @property
    def text(self) -> str:
        """ "4–6 hours", "30 minutes", "by 16:00"."""
        if self.by is not None:
            return f"by {self.by.strip()}"
        assert self.value is not None and self.unit is not None
        number = range_text(self.value, self.high)
        unit = self.unit
        if self.high is None and self.value == 1:
            unit = unit.removesuffix("s")
        return f"{number} {unit}"


class Brief(_Strict):
    """The facts of the user's own incident. Every field is optional."""

    role: Text | None = Field(
        default=None, description="Your role: architect, full-stack, blockchain, security, ..."
    )
    ceo_name: Text | None = None
    system: Text | None = Field(default=None, description="The affected system.")
    what_happened: Text | None = None
    impact: list[Figure] | None = None
    cause: Text | None = None
    cause_status: CauseStatus | None = None
    cause_known_by: Text | None = Field(
        default=None, description="When the cause will be confirmed, e.g. '15:00 today'."
    )
    mitigation: list[Text] | None = Field(default=None, description="What has been done so far.")
    plan: Text | None = None
    eta: Estimate | None = None
    resources: list[Text] | None = Field(default=None, description="What you need.")
    stakeholders: list[Text] | None = Field(
        default=None, description="Who is involved, informed or must be told."
    )
    update_cadence: Text | None = Field(
        default=None, description="When the next update comes, e.g. 'every hour until fixed'."
    )

    @field_validator("cause_status", mode="before")
    @classmethod
    def _known_status(cls, status: object) -> object:
        # "Known" is known; anything else gets our message (pydantic's own for a
        # Literal, "Input should be 'known', ...", is what the form used to show).
        # Not text (YAML's yes/no read as true/false) goes on to the type check,
        # which the loader explains.
        if isinstance(status, str):
            key = status.strip().lower()
            if key not in CAUSE_STATUSES:
                raise _unknown("cause status", status, CAUSE_STATUSES)
            return key
        return status

    @property
    def figures(self) -> list[Figure]:
        return list(self.impact or ())

    @property
    def role_slug(self) -> str | None:
        """The role as scenario files spell it ("Full stack" -> "full-stack")."""
        if not self.role:
            return None
        slug = re.sub(r"[^a-z0-9]+", "-", self.role.strip().lower()).strip("-")
        return slug or None

    @property
    def is_empty(self) -> bool:
        return all(value in (None, []) for value in self.model_dump().values())
