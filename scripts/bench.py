#!/usr/bin/env python3
"""Speed and memory figures for coach. Prints a table; ``--json`` for machines.

Targets live here, never in timed tests: the machines are shared and noisy, so
every figure is a median over repeats, and comparisons are ratios against a
reference measured in the same run.

Each module in ``scripts/benchmarks/`` has ``run(quick: bool) -> list[Figure]``;
``--only NAME`` runs one of them, ``--quick`` uses fewer repeats.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from benchmarks.common import Figure  # noqa: E402


def load_sections() -> dict[str, object]:
    sections = {}
    for path in sorted((HERE / "benchmarks").glob("*.py")):
        if path.stem in ("__init__", "common"):
            continue
        spec = importlib.util.spec_from_file_location(f"benchmarks.{path.stem}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sections[path.stem] = module
    return sections


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this section")
    args = parser.parse_args()
    sections = load_sections()
    chosen = args.only or list(sections)
    unknown = [name for name in chosen if name not in sections]
    if unknown:
        print(f"bench: unknown section {unknown[0]!r}; choose from {', '.join(sections)}")
        return 2
    figures: list[Figure] = []
    for name in chosen:
        for figure in sections[name].run(args.quick):  # type: ignore[attr-defined]
            figures.append(figure)
            if not args.json:
                print(figure.line(), flush=True)
    if args.json:
        print(json.dumps([f.as_dict() for f in figures], indent=2))
    missed = [f for f in figures if f.ok is False]
    if not args.json:
        print(f"\n{len(figures)} figures, {len(missed)} over target")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
