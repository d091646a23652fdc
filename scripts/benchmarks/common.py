"""Shared helpers for benchmark sections: a figure and a median timer."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    section: str
    name: str
    value: float
    unit: str
    #: The target, in the same unit; ``None`` when the figure is reported only.
    target: float | None = None
    #: True when lower is better (times, memory); False for ratios like "× faster".
    lower_is_better: bool = True
    note: str = ""

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.lower_is_better else self.value >= self.target

    def line(self) -> str:
        target = ""
        if self.target is not None:
            sign = "≤" if self.lower_is_better else "≥"
            target = (
                f"  (target {sign} {self.target:g} {self.unit}: {'ok' if self.ok else 'MISSED'})"
            )
        note = f"  [{self.note}]" if self.note else ""
        return f"{self.section:10} {self.name:48} {self.value:12.3f} {self.unit}{target}{note}"

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "ok": self.ok}


def median_seconds(fn: Callable[[], object], repeats: int, warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs, after ``warmup`` runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)
