"""Scenarios: loading and validating scenario files.

Targets: every shipped scenario loaded and validated in 50 ms or less, and
1,000 generated scenario files (``coach validate DIR``'s work) in 2 s or less.
The generated files are the test fixture ``minimal.yaml`` grown by a chain of
extra follow-up nodes, 3 to 12 of them, so they vary in size like real ones.
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import Figure, median_seconds

ROOT = Path(__file__).resolve().parents[2]
MINIMAL = ROOT / "tests" / "fixtures" / "scenarios" / "minimal.yaml"

_EXTRA_NODE = """  - id: extra-{i}
    kind: follow_up
    ceo: "Extra question {i}: what is the impact on {{system}} now?"
    expects: [impact, timeline]
    model_answer: About 1,900 orders failed; we will know more by 17:00 today.
    branches:
      - when: {{flag: hedging}}
        goto: extra-{i}
        say: Is that a guess?
        adjust: {{patience: -1}}
      - when: {{missing: expected}}
        goto: extra-{i}
      - default: true
        goto: {next}
"""


def generated_scenario(n: int, rng: random.Random) -> str:
    """``minimal.yaml`` with a chain of extra nodes between the opening and next-steps."""
    text = MINIMAL.read_text(encoding="utf-8").replace("id: minimal", f"id: generated-{n}", 1)
    extra = rng.randint(3, 12)
    nodes = "".join(
        _EXTRA_NODE.format(i=i, next=f"extra-{i + 1}" if i + 1 < extra else "next-steps")
        for i in range(extra)
    )
    text = text.replace(
        "      - default: true\n        goto: next-steps\n  - id: impact-follow-up",
        "      - default: true\n        goto: extra-0\n  - id: impact-follow-up",
        1,
    )
    return text.replace("endings:\n", nodes + "endings:\n", 1)


def _timed(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median wall time and median CPU time of ``fn()``, in seconds. On a shared
    machine the wall time also measures the other processes' work; the CPU time
    is close to what a quiet machine would show, so the figure's note gives it."""
    fn()
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def _note(cpu: str) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"CPU {cpu}; load {load:.1f} on {os.cpu_count()} CPUs"


def run(quick: bool) -> list[Figure]:
    from coach.paths import shipped_scenarios_dir
    from coach.scenario.library import discover
    from coach.scenario.validate import check_path, check_paths

    shipped = sorted(shipped_scenarios_dir().glob("*.yaml"))

    def load_shipped() -> None:
        for path in shipped:
            loaded = check_path(path)
            assert loaded.scenario is not None, loaded.diagnostics

    shipped_wall, shipped_cpu = _timed(load_shipped, 10 if quick else 40)
    figures = [
        Figure(
            "scenarios",
            f"load+validate all {len(shipped)} shipped scenarios",
            shipped_wall * 1000,
            "ms",
            target=50,
            note=_note(f"{shipped_cpu * 1000:.1f} ms"),
        )
    ]
    largest = max(shipped, key=lambda p: p.stat().st_size)
    figures.append(
        Figure(
            "scenarios",
            f"load+validate the largest ({largest.stat().st_size // 1000} KB)",
            median_seconds(lambda: check_path(largest), 10 if quick else 40) * 1000,
            "ms",
        )
    )
    figures.append(
        Figure(
            "scenarios",
            "discover() (every scenario directory)",
            median_seconds(lambda: discover([]), 5 if quick else 20) * 1000,
            "ms",
        )
    )

    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in range(1000):
            (folder / f"generated-{n:04d}.yaml").write_text(
                generated_scenario(n, rng), encoding="utf-8"
            )
        size = sum(p.stat().st_size for p in folder.iterdir()) // 1000

        def validate_all() -> None:
            report = check_paths([str(folder)])
            assert report.ok and len(report.files) == 1000, report.diagnostics[:3]

        all_wall, all_cpu = _timed(validate_all, 2 if quick else 5)
        figures.append(
            Figure(
                "scenarios",
                f"validate 1,000 generated files ({size} KB)",
                all_wall,
                "s",
                target=2,
                note=_note(f"{all_cpu:.3f} s"),
            )
        )
    return figures
