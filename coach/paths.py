"""Where coach keeps things: user data, user config, and scenario directories.

platformdirs is imported lazily so commands that never touch user dirs don't pay for it.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "coach"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins, then ``COACH_DATA_DIR``, then the platform's user data dir."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("COACH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    env = os.environ.get("COACH_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def shipped_scenarios_dir() -> Path:
    """The scenarios that come with coach: inside the wheel, or the repo's ``scenarios/``."""
    package = Path(__file__).resolve().parent
    bundled = package / "shipped_scenarios"
    if bundled.is_dir():
        return bundled
    return package.parent / "scenarios"


def user_scenario_dirs(extra: list[str] | None = None) -> list[Path]:
    """User scenario dirs, highest priority first: ``--scenarios``, then
    ``COACH_SCENARIOS`` (an os.pathsep-separated list), then the config dir's ``scenarios/``."""
    dirs: list[Path] = [Path(p).expanduser() for p in (extra or [])]
    env = os.environ.get("COACH_SCENARIOS", "")
    dirs.extend(Path(p).expanduser() for p in env.split(os.pathsep) if p.strip())
    dirs.append(config_dir() / "scenarios")
    return dirs
