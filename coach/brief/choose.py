"""Choose what to rehearse for ``--brief``: the brief, and the scenario that fits it.

Shared by ``coach rehearse --brief`` and ``coach run --brief``: a named scenario
is used as given; without one, :func:`coach.brief.match.match_scenario` picks it.
"""

from __future__ import annotations

from dataclasses import dataclass

from coach.brief.model import Brief
from coach.brief.store import BriefStore
from coach.scenario.model import Scenario


@dataclass(frozen=True)
class Choice:
    scenario: Scenario
    brief_name: str
    brief: Brief
    #: Said to the user before the session: why the general scenario was chosen.
    notice: str | None = None


def choose(
    brief_arg: str,
    scenario_arg: str | None,
    extra_dirs: list[str] | None = None,
    data_dir: str | None = None,
) -> Choice:
    """The brief named (or at the path) ``brief_arg`` and its scenario. Raises CoachError."""
    from coach.brief.match import match_scenario
    from coach.scenario.library import discover, load_scenario

    name, brief = BriefStore(data_dir).load(brief_arg)
    if scenario_arg:
        return Choice(load_scenario(scenario_arg, extra_dirs), name, brief)
    library = discover(extra_dirs)
    match = match_scenario(brief, [e.scenario for e in library.entries])
    return Choice(match.scenario, name, brief, match.notice)
