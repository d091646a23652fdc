"""The one exception type that carries a user-facing, one-line message.

The CLI and the TUI catch :class:`CoachError` and show ``str(error)`` as is, so
the message must name the file, line or value at fault and what to do about it.
"""


class CoachError(Exception):
    """An error meant for the user: one line, no traceback."""
