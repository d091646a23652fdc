"""coach: rehearse reporting a critical technical error to your CEO.

The package root stays empty on purpose: importing ``coach`` must not pull in
Textual, pydantic or YAML, so every command pays only for what it uses.
"""

__version__ = "0.1.0"
