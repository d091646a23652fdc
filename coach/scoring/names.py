"""The scorer's vocabulary, shared with scenario files and their validator.

Scenario conditions name elements and flags by these strings, so they are a
contract: renaming one breaks every scenario that uses it.
"""

from typing import Final

#: What a CEO needs to hear. The first five are the main elements.
MAIN_ELEMENTS: Final = ("impact", "timeline", "mitigation", "root_cause", "next_update")
SECONDARY_ELEMENTS: Final = ("prevention", "resources", "stakeholders")
ELEMENTS: Final = MAIN_ELEMENTS + SECONDARY_ELEMENTS

#: Score dimensions, each 0-100. ``next_steps`` covers next_update and prevention;
#: ``clarity`` and ``ownership`` are driven by style flags.
DIMENSIONS: Final = (
    "impact",
    "timeline",
    "mitigation",
    "root_cause",
    "next_steps",
    "clarity",
    "ownership",
)

#: Style flag codes the scorer can raise.
FLAG_CODES: Final = (
    "hedging",  # hedge density or stacked hedges ("could potentially")
    "filler",  # filler words and tee-ups ("so basically", "to be honest")
    "blame",  # blame and deflection, "human error", "mistakes were made"
    "counterfactual",  # "if X had ..., we would have ..."
    "jargon",  # unexplained jargon or acronym
    "too_long",  # over the node's word budget
    "buried_lede",  # bottom line not up front
    "vague_quantity",  # "some users", "a lot of customers"
    "vague_time",  # "soon", "ASAP", "a few hours"
    "over_promise",  # "guarantee", "100% safe"
    "apology",  # repeated apologies
    "inconsistent",  # a figure that changed since an earlier answer, uncorrected
    "contradiction",  # a figure or deadline that contradicts the user's incident brief
    "overclaimed_cause",  # a cause stated as certain that the brief marks as suspected
)

#: Roles with their own scenarios and glossaries. Users may add more roles.
SHIPPED_ROLES: Final = ("blockchain", "full-stack", "architect", "security", "data")
