"""The help screen lists every key: each binding of the app, of every screen in
coach.tui.screens and of the answer box appears with what it does."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static
from tui_support import make_app

import coach.tui.screens
from coach.tui.app import CoachApp
from coach.tui.screens.help import HelpScreen, _describe
from coach.tui.widgets import AnswerBox


def every_binding() -> list[tuple[str, Binding]]:
    found: list[tuple[str, Binding]] = [("app", b) for b in CoachApp.BINDINGS]  # type: ignore[misc]
    found += [("answer box", b) for b in AnswerBox.BINDINGS]  # type: ignore[misc]
    for info in pkgutil.iter_modules(coach.tui.screens.__path__):
        module = importlib.import_module(f"coach.tui.screens.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Screen) and cls.__module__ == module.__name__:
                found += [(name, b) for b in cls.BINDINGS if isinstance(b, Binding)]
    return found


async def test_help_lists_every_key_of_every_screen(tmp_path: Path) -> None:
    bindings = every_binding()
    assert len(bindings) > 30
    app = make_app(tmp_path, store=False)
    async with app.run_test(size=(120, 80)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        lines = str(app.screen.query_one("#help-text", Static).render()).splitlines()
    rows = {" ".join(line.split()) for line in lines}
    missing = []
    for owner, binding in bindings:
        described = _describe(binding)
        assert described is not None, f"{owner}: {binding.key} has no description"
        keys, label = described
        if " ".join(f"{keys} {label}".split()) not in rows:
            missing.append(f"{owner}: {keys} {label}")
    assert not missing, missing
