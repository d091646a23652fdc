"""What a screen offers the command palette (no Textual import: screens load it at startup)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PaletteCommand:
    """One command: its title in the palette, a line of help, and what it does."""

    title: str
    help: str
    callback: Callable[[], Any]
