"""Make user text safe to print back to a terminal.

Answers are stored verbatim; anything echoed to a terminal first loses ANSI
escape sequences and control characters, so a pasted answer cannot move the
cursor, change colours or retitle the window.
"""

from __future__ import annotations

import re

# CSI, OSC (terminated by BEL or ST), and other two-byte ESC sequences. Each
# alternative is linear: the repeated classes cannot overlap their terminators.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final byte
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[@-Z\\-_]"  # two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# C0 controls except tab and newline, DEL, and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_terminal(text: str) -> str:
    """``text`` without terminal escapes and control characters (tab and newline kept)."""
    return _CONTROL.sub("", _ANSI.sub("", text))
