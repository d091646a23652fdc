"""The scorer's data files are consistent with each other and with names.py."""

from __future__ import annotations

from coach.scoring import lexicon
from coach.scoring.names import ELEMENTS, FLAG_CODES, SHIPPED_ROLES


def test_every_file_loads_and_every_category_is_unique() -> None:
    for name in lexicon.DATA_FILES:
        assert lexicon.load(name)
    categories = lexicon.categories()  # raises on a category defined twice
    assert "impact_noun" in categories and "negator" in categories
    assert all(categories.values()), [k for k, v in categories.items() if not v]


def test_rules_name_known_elements_and_flags() -> None:
    targets = {rule.target for rule in lexicon.rules()}
    assert targets <= set(ELEMENTS) | set(FLAG_CODES)
    # Every element has at least one rule; every flag the scorer raises has one.
    assert set(ELEMENTS) <= targets
    raised = set(FLAG_CODES) - {"contradiction", "overclaimed_cause"}
    assert raised <= targets
    ids = [rule.id for rule in lexicon.rules()]
    assert len(ids) == len(set(ids))


def test_style_flags_have_message_and_suggestion() -> None:
    style = lexicon.load("style.yaml")
    for code, spec in style.items():
        assert code in FLAG_CODES
        assert spec["message"].strip() and spec["suggestion"].strip()


def test_shipped_roles_have_lexicons() -> None:
    assert set(SHIPPED_ROLES) <= set(lexicon.shipped_roles())


def test_patterns_compile_with_literal_heads() -> None:
    patterns = lexicon.patterns()
    assert patterns
    for pattern in patterns:
        assert pattern.heads
        assert pattern.category in lexicon.categories() or pattern.category in {
            "resource_ask",
            "mitigation_state",
        }


def test_trie_regex_matches_whole_phrases_and_variants() -> None:
    import re

    body = lexicon.trie_regex(["roll back", "rolled back", "don't", "rate limited"])
    regex = re.compile(r"(?<![\w'’])(?:" + body + r")(?![\w'’])")
    assert regex.search("we rolled  back it").group() == "rolled  back"
    assert regex.search("we rolled-back it").group() == "rolled-back"
    assert regex.search("I don’t know").group() == "don’t"
    assert regex.search("rate-limited the api").group() == "rate-limited"
    assert regex.search("unrolled back") is None


def test_role_and_scenario_lexicons_are_cached() -> None:
    a = lexicon.jargon_lexicon("blockchain", (("tvl", "value locked"),), ("widget",), ())
    b = lexicon.jargon_lexicon("blockchain", (("tvl", "value locked"),), ("widget",), ())
    assert a is b
    assert "widget" in a.terms and a.terms["tvl"] == "value locked"
    assert a.is_plain("eth")
