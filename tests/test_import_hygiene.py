"""The core (everything outside coach/tui/) must import without Textual, so the
engine, scorer and store can run headless and the CLI starts fast."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import coach

ROOT = Path(coach.__file__).parent


def core_modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(ROOT)], prefix="coach."):
        if info.name.startswith("coach.tui") or info.name == "coach.__main__":
            continue
        names.append(info.name)
    return sorted(names)


def test_there_are_core_modules() -> None:
    assert "coach.scenario.model" in core_modules()


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"core modules pulled in: {out.stdout.strip()}"
