#!/usr/bin/env python3
"""Precision, recall and F1 of the scorer's element detectors on the labelled answers.

The labelled set (tests/data/labelled_answers.yaml) was written before the detectors
were tuned; answers whose number is divisible by 4 are the hold-out split, never
inspected while tuning. Targets: F1 >= 0.9 for the five main elements and >= 0.8 for
the secondary ones, checked on --gate (default: all answers). Exit code 1 when a
target is missed. ``--json`` prints the figures for machines; ``--errors ELEMENT``
lists the misses for one element on the tune split (never the hold-out).

tests/data/fresh_answers.yaml is a second set written in other styles after tuning
began, in batches; see its header for which batches were never tuned on.
tests/data/unseen_answers.yaml is a third, written before a later round of changes:
``--dev-upto 60`` makes its first 60 answers the tune ("dev") split and the rest the
hold-out, which ``--errors`` never lists.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from coach.scoring.names import ELEMENTS, MAIN_ELEMENTS  # noqa: E402
from coach.scoring.scorer import score_answer  # noqa: E402

LABELLED = ROOT / "tests" / "data" / "labelled_answers.yaml"
TARGETS = {name: (0.9 if name in MAIN_ELEMENTS else 0.8) for name in ELEMENTS}
SPLITS = ("tune", "holdout", "all")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def split_of(answer_id: str, dev_upto: int | None = None) -> str:
    """Every answer whose number is divisible by 4 is held out; with ``dev_upto``,
    every answer numbered above it is (the first ``dev_upto`` are the dev split)."""
    number = int(answer_id.rsplit("-", 1)[1])
    if dev_upto is not None:
        return "holdout" if number > dev_upto else "tune"
    return "holdout" if number % 4 == 0 else "tune"


def load(path: Path = LABELLED) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def evaluate(answers: list[dict[str, Any]], dev_upto: int | None = None) -> dict[str, Any]:
    """Counts per split and element, the acknowledged-unknown agreement, and misses."""
    counts = {split: {name: Counts() for name in ELEMENTS} for split in SPLITS}
    unknown = {split: Counts() for split in SPLITS}
    misses: list[dict[str, Any]] = []
    for answer in answers:
        split = split_of(answer["id"], dev_upto)
        result = score_answer(answer["text"], role=answer.get("role"))
        gold = set(answer["present"])
        for name in ELEMENTS:
            predicted = result.elements[name].present
            for key in (split, "all"):
                c = counts[key][name]
                if predicted and name in gold:
                    c.tp += 1
                elif predicted:
                    c.fp += 1
                elif name in gold:
                    c.fn += 1
            if predicted != (name in gold):
                misses.append(
                    {
                        "id": answer["id"],
                        "split": split,
                        "element": name,
                        "kind": "false positive" if predicted else "false negative",
                        "text": answer["text"],
                        "evidence": result.elements[name].evidence,
                    }
                )
        wanted = bool(answer.get("unknown", False))
        got = result.acknowledged_unknown
        for key in (split, "all"):
            c = unknown[key]
            if got and wanted:
                c.tp += 1
            elif got:
                c.fp += 1
            elif wanted:
                c.fn += 1
    sizes = {
        "tune": sum(1 for a in answers if split_of(a["id"], dev_upto) == "tune"),
        "holdout": sum(1 for a in answers if split_of(a["id"], dev_upto) == "holdout"),
        "all": len(answers),
    }
    return {"counts": counts, "unknown": unknown, "misses": misses, "sizes": sizes}


def figures(report: dict[str, Any]) -> dict[str, Any]:
    """JSON-friendly figures: per split, per element precision/recall/F1 and counts."""
    out: dict[str, Any] = {"sizes": report["sizes"], "targets": TARGETS, "splits": {}}
    for split in SPLITS:
        rows = {}
        for name, c in report["counts"][split].items():
            rows[name] = {
                "precision": round(c.precision, 3),
                "recall": round(c.recall, 3),
                "f1": round(c.f1, 3),
                "tp": c.tp,
                "fp": c.fp,
                "fn": c.fn,
            }
        u = report["unknown"][split]
        rows["acknowledged_unknown"] = {
            "precision": round(u.precision, 3),
            "recall": round(u.recall, 3),
            "f1": round(u.f1, 3),
            "tp": u.tp,
            "fp": u.fp,
            "fn": u.fn,
        }
        out["splits"][split] = rows
    return out


def missed_targets(report: dict[str, Any], gate: str) -> list[str]:
    return [
        f"{name} F1 {c.f1:.2f} < {TARGETS[name]:.2f} ({gate})"
        for name, c in report["counts"][gate].items()
        if c.f1 < TARGETS[name]
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--gate", choices=SPLITS, default="all", help="the split whose F1 must meet the targets"
    )
    parser.add_argument(
        "--errors", metavar="ELEMENT", help="list misses for an element (tune split)"
    )
    parser.add_argument("--data", type=Path, default=LABELLED, help="labelled answers (YAML)")
    parser.add_argument(
        "--id-range",
        metavar="LO-HI",
        help="only answers whose id number is in this range (e.g. 91-140 for the last fresh "
        "batches in tests/data/fresh_answers.yaml)",
    )
    parser.add_argument(
        "--dev-upto",
        type=int,
        metavar="N",
        help="answers numbered up to N are the tune (dev) split and the rest the hold-out, "
        "instead of every fourth answer (e.g. 60 for tests/data/unseen_answers.yaml)",
    )
    args = parser.parse_args(argv)
    answers = load(args.data)
    if args.id_range:
        lo, _, hi = args.id_range.partition("-")
        answers = [a for a in answers if int(lo) <= int(a["id"].rsplit("-", 1)[1]) <= int(hi)]
    report = evaluate(answers, args.dev_upto)
    missed = missed_targets(report, args.gate)
    if args.json:
        print(json.dumps({**figures(report), "gate": args.gate, "missed": missed}, indent=2))
        return 1 if missed else 0
    sizes = report["sizes"]
    print(f"Labelled answers: {sizes['all']} ({sizes['tune']} tune, {sizes['holdout']} hold-out)\n")
    header = f"{'element':22}" + "".join(f"{s:>22}" for s in SPLITS)
    print(header)
    print(f"{'':22}" + "".join(f"{'P     R     F1':>22}" for _ in SPLITS))
    for name in (*ELEMENTS, "acknowledged_unknown"):
        cells = []
        for split in SPLITS:
            c = (
                report["unknown"][split]
                if name == "acknowledged_unknown"
                else report["counts"][split][name]
            )
            cells.append(f"{c.precision:5.2f} {c.recall:5.2f} {c.f1:5.2f}")
        target = f"  (target {TARGETS[name]:.1f})" if name in TARGETS else ""
        print(f"{name:22}" + "".join(f"{cell:>22}" for cell in cells) + target)
    if args.errors:
        print(f"\nMisses for {args.errors} (tune split):")
        for miss in report["misses"]:
            if miss["element"] == args.errors and miss["split"] == "tune":
                print(f"  {miss['kind']:15} {miss['id']}: {miss['text']}  {miss['evidence']}")
    if missed:
        print("\nBelow target: " + "; ".join(missed))
        return 1
    print(f"\nAll targets met on the {args.gate} split.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
