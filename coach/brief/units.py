"""The units of a brief's figures and estimates, from data/units.yaml."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal, cast

import yaml

FigureKind = Literal["count", "money", "percent"]


@dataclass(frozen=True)
class ImpactUnit:
    name: str
    kind: FigureKind
    #: The nouns an answer may use for it (singular, as the scorer reports them).
    nouns: frozenset[str]


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("coach.brief").joinpath("data", "units.yaml").read_text("utf-8")
    return cast(dict[str, Any], yaml.safe_load(text))


@functools.cache
def impact_units() -> dict[str, ImpactUnit]:
    return {
        name: ImpactUnit(name, spec["kind"], frozenset(spec.get("nouns") or ()))
        for name, spec in _data()["impact_units"].items()
    }


@functools.cache
def currencies() -> tuple[str, ...]:
    return tuple(_data()["currencies"])


@functools.cache
def currency_symbols() -> dict[str, str]:
    return dict(_data()["currency_symbols"])


@functools.cache
def time_units() -> dict[str, float]:
    return {name: float(hours) for name, hours in _data()["time_units"].items()}


@functools.cache
def time_unit_aliases() -> dict[str, str]:
    return {str(k): str(v) for k, v in (_data().get("time_unit_aliases") or {}).items()}


def _key(text: str) -> str:
    return " ".join(text.lower().split())


@functools.cache
def impact_unit_aliases() -> dict[str, str]:
    return {_key(str(k)): str(v) for k, v in (_data().get("impact_unit_aliases") or {}).items()}


@functools.cache
def currency_aliases() -> dict[str, str]:
    return {_key(str(k)): str(v) for k, v in (_data().get("currency_aliases") or {}).items()}


def impact_unit(word: str) -> str | None:
    """The impact unit ``word`` names, as the brief stores it: "users" for "users",
    "Users" or "user"; "percent" for "%" or "per cent". ``None`` if it names none."""
    key = _key(word)
    names = impact_units()
    if key in names:
        return key
    if key + "s" in names:
        return key + "s"
    return impact_unit_aliases().get(key)


def currency_code(text: str) -> str | None:
    """The code of the currency ``text`` names: "GBP" for "gbp", "£" or "pounds"."""
    key = _key(text)
    if key.upper() in currencies():
        return key.upper()
    return currency_aliases().get(key)


@functools.cache
def prefix_symbols() -> tuple[str, ...]:
    """The currency symbols written in front of a number ("£", "US$"), longest first."""
    symbols = [k for k in currency_aliases() if not k.replace(" ", "").isalpha()]
    return tuple(sorted(symbols, key=len, reverse=True))
