"""The answer scorer: fast enough to run on every keystroke.

- a 150-word answer: median ≤ 1 ms;
- a 5,000-word paste: median ≤ 20 ms, and cost linear in length (time per word at
  5,000 words ÷ time per word at 500 words, target ≤ 1.5);
- against the proselint linter on the same texts, measured in the same run: aim to
  be at least 4× faster (proselint checks style only; the scorer also finds the
  elements, times, figures and their context).

The texts are the labelled answers (tests/data/labelled_answers.yaml) run
together: realistic incident English, dense with figures and times.

On a shared machine the wall-clock medians swing by tens of percent from run to
run (other processes take the CPU); the CPU-time medians reported beside them (no
target) count only the scorer's own time and are the steadier figure to compare
two versions by.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from benchmarks.common import Figure, median_seconds

SECTION = "scorer"
ROOT = Path(__file__).resolve().parents[2]
MAIN = ["impact", "timeline", "mitigation", "root_cause", "next_update"]


def texts() -> dict[int, str]:
    """Word count -> text: the labelled answers joined, cut to that many words."""
    answers = yaml.safe_load((ROOT / "tests" / "data" / "labelled_answers.yaml").read_text())
    words = " ".join(a["text"] for a in answers).split()
    out: dict[int, str] = {}
    for count in (150, 500, 5000):
        stream = words * (count // len(words) + 1)
        out[count] = " ".join(stream[:count])
    return out


def cpu_median_seconds(fn: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    """Median CPU time of ``fn()`` (this thread only: time waiting for the CPU while
    other processes run is not counted)."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.thread_time()
        fn()
        samples.append(time.thread_time() - start)
    return statistics.median(samples)


def _proselint():  # type: ignore[no-untyped-def]
    """A function linting one text with every proselint check, or None if absent."""
    try:
        from proselint.checks import __register__
        from proselint.registry import CheckRegistry
        from proselint.tools import LintFile
    except ImportError:
        return None
    registry = CheckRegistry()
    if not registry.checks:
        registry.register_many(__register__)

    def lint(text: str) -> object:
        return LintFile("answer.txt", text).lint()

    return lint


def run(quick: bool) -> list[Figure]:
    sys.path.insert(0, str(ROOT))
    from coach.scoring.scorer import score_answer

    sample = texts()
    repeats = {150: 60 if quick else 400, 500: 30 if quick else 150, 5000: 5 if quick else 30}

    def scorer_median(count: int) -> float:
        text = sample[count]
        return median_seconds(
            lambda: score_answer(text, expects=MAIN, budget=90, role="blockchain"),
            repeats=repeats[count],
            warmup=3,
        )

    times = {count: scorer_median(count) for count in sample}
    cpu = {
        count: cpu_median_seconds(
            lambda text=sample[count]: score_answer(
                text, expects=MAIN, budget=90, role="blockchain"
            ),
            repeats=repeats[count],
        )
        for count in (150, 5000)
    }
    growth = (times[5000] / 5000) / (times[500] / 500)
    figures = [
        Figure(SECTION, "150-word answer, median", times[150] * 1000, "ms", target=1.0),
        Figure(SECTION, "500-word answer, median", times[500] * 1000, "ms"),
        Figure(SECTION, "5,000-word paste, median", times[5000] * 1000, "ms", target=20.0),
        Figure(SECTION, "150-word answer, CPU-time median", cpu[150] * 1000, "ms", note="steadier"),
        Figure(
            SECTION, "5,000-word paste, CPU-time median", cpu[5000] * 1000, "ms", note="steadier"
        ),
        Figure(
            SECTION,
            "time per word at 5,000 ÷ at 500 words",
            growth,
            "×",
            target=1.5,
            note="1.0 = exactly linear",
        ),
    ]
    lint = _proselint()
    if lint is None:
        figures.append(
            Figure(SECTION, "proselint comparison", 0.0, "×", note="proselint not installed")
        )
        return figures
    for count in (150, 5000):
        text = sample[count]
        reference = median_seconds(
            lambda text=text: lint(text), repeats=max(3, repeats[count] // 10), warmup=1
        )
        figures.append(
            Figure(
                SECTION,
                f"proselint, {count:,}-word text, median",
                reference * 1000,
                "ms",
                note="reference, same run",
            )
        )
        figures.append(
            Figure(
                SECTION,
                f"speed-up over proselint, {count:,} words",
                reference / times[count],
                "×",
                target=4.0,
                lower_is_better=False,
            )
        )
    return figures
