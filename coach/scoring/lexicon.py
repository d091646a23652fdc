"""The scorer's data files, loaded and compiled once.

Every phrase list ("category") from every data file goes into ONE regex built as a
trie, so a whole answer is scanned in a single linear pass whatever the size of
the lexicons: a flat alternation of hundreds of words costs ~10x more, because the
regex engine retries every alternative at every position. Role and scenario terms
(jargon) get their own small scanner, cached per combination.

Phrase syntax (see data/lexicon.yaml): lower case; a space or hyphen matches any run
of spaces and hyphens; an apostrophe matches ' or ’; phrases match whole words.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush
from importlib import resources
from typing import Any

import yaml

from coach.errors import CoachError
from coach.scoring.names import ELEMENTS, FLAG_CODES

DATA_PACKAGE = "coach.scoring"
#: Every data file the scorer reads, in load order.
DATA_FILES = ("lexicon.yaml", "elements.yaml", "style.yaml", "jargon.yaml", "roles.yaml")

_SEP = re.compile(r"[\s\-]+")


def norm(phrase: str) -> str:
    """The lookup key of a phrase or of matched text: lower case, ’ as ', runs of
    spaces and hyphens as one space."""
    low = phrase.lower()
    if low.isalpha():
        return low  # one plain word (the common case): nothing to replace or squeeze
    return _SEP.sub(" ", low.replace("’", "'")).strip()


def _atom(ch: str) -> str:
    if ch == " ":
        # Possessive: a run of separators is consumed once, never re-split.
        return r"[\s\-]++"
    if ch == "'":
        return "['’]"
    return re.escape(ch)


# The regex engine tries a node's alternatives one after the other, so the children
# of a trie node are ordered by how often English text has that letter there: word
# initials first at the top, letter frequency below. (The children of a node start
# with different characters, so at most one of them can match: the order changes
# only the speed, never what is found.)
_FIRST_ORDER = {ch: i for i, ch in enumerate("taoswicbphfmdrelngu")}
_INNER_ORDER = {ch: i for i, ch in enumerate(" etaoinsrhldcumfpgwybvk")}


def trie_regex(phrases: Iterable[str]) -> str:
    """A regex body matching any of ``phrases`` (normalised), longest first.

    The alternation is factored by common prefixes, so at each position the engine
    follows one path instead of trying every phrase. It has no nested open-ended
    quantifiers, so it cannot backtrack catastrophically.
    """
    trie: dict[str, Any] = {}
    for phrase in phrases:
        key = norm(phrase)
        if not key:
            continue
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any], depth: int = 0) -> str:
        ends = "" in node
        order = _FIRST_ORDER if depth == 0 else _INNER_ORDER
        alternatives = [
            _atom(ch) + build(node[ch], depth + 1)
            for ch in sorted((ch for ch in node if ch), key=lambda ch: (order.get(ch, 99), ch))
        ]
        if not alternatives:
            return ""
        if len(alternatives) == 1 and not ends:
            return alternatives[0]
        body = "(?:" + "|".join(alternatives) + ")"
        return body + "?" if ends else body

    return build(trie)


@functools.cache
def load(name: str) -> dict[str, Any]:
    """One data file, parsed (cached). A broken file is a packaging bug, reported plainly."""
    try:
        text = resources.files(DATA_PACKAGE).joinpath("data", name).read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, yaml.YAMLError) as error:
        raise CoachError(f"scorer data file {name} cannot be read: {error}") from error
    if not isinstance(data, dict):
        raise CoachError(f"scorer data file {name} must be a mapping at the top level")
    return data


@dataclass(frozen=True)
class Rule:
    """One element or style rule from the data, with its examples."""

    id: str
    target: str  # an element name or a flag code
    kind: str  # "element" or "flag"
    checks: str
    why: str
    pass_examples: tuple[Any, ...]
    fail_examples: tuple[Any, ...]


def rules() -> list[Rule]:
    """Every rule in elements.yaml and style.yaml (the tests run their examples)."""
    out: list[Rule] = []
    for target, entries in load("elements.yaml").items():
        for entry in entries:
            out.append(_rule(entry, target, "element"))
    for target, spec in load("style.yaml").items():
        for entry in spec.get("rules", []):
            out.append(_rule(entry, target, "flag"))
    return out


def _rule(entry: Mapping[str, Any], target: str, kind: str) -> Rule:
    return Rule(
        id=str(entry["id"]),
        target=target,
        kind=kind,
        checks=str(entry.get("checks", "present")),
        why=str(entry.get("why", "")),
        pass_examples=tuple(entry.get("pass", ())),
        fail_examples=tuple(entry.get("fail", ())),
    )


def _rule_entries() -> Iterable[Mapping[str, Any]]:
    for target, entries in load("elements.yaml").items():
        if target not in ELEMENTS:
            raise CoachError(f"elements.yaml: unknown element {target!r}")
        yield from entries
    for code, spec in load("style.yaml").items():
        if code not in FLAG_CODES:
            raise CoachError(f"style.yaml: unknown flag code {code!r}")
        yield from spec.get("rules", [])


@functools.cache
def categories() -> dict[str, tuple[str, ...]]:
    """Every phrase category from every data file. A name defined twice is an error."""
    out: dict[str, tuple[str, ...]] = {}

    def add(name: str, phrases: Sequence[Any], where: str) -> None:
        if name in out:
            raise CoachError(f"scorer data: category {name!r} defined twice ({where})")
        out[name] = tuple(str(p) for p in phrases)

    for name, spec in load("lexicon.yaml")["categories"].items():
        add(name, spec["phrases"], "lexicon.yaml")
    # Every built-in jargon term (general and per role) is found by the one scan; the
    # role decides later which of them need explaining.
    add("jargon_term", static_jargon_terms(), "jargon.yaml and roles.yaml")
    for entry in _rule_entries():
        for name, phrases in entry.get("categories", {}).items():
            add(name, phrases, f"rule {entry['id']}")
        # A group is one category (the union, found with one lookup) whose phrases also
        # carry their member category: "money_role" hits say which role they name. The
        # members only tag hits (Hit.cats); they get no hit lists of their own.
        for group, members in entry.get("category_groups", {}).items():
            union: list[str] = []
            for name, phrases in members.items():
                add(name, phrases, f"rule {entry['id']}")
                union.extend(str(p) for p in phrases)
            add(group, union, f"rule {entry['id']}")
    return out


@functools.cache
def group_members() -> frozenset[str]:
    """Categories that are members of a category group: tags on hits, not hit lists."""
    return frozenset(
        name
        for entry in _rule_entries()
        for members in entry.get("category_groups", {}).values()
        for name in members
    )


_GAP = r"(?:\S++\s++){0,4}?"
_LITERAL_WORDS = re.compile(r"[a-z' \-]+")


@dataclass(frozen=True)
class Pattern:
    """A rule pattern: a regex tried only where one of its head phrases starts."""

    category: str
    regex: re.Pattern[str]
    heads: tuple[str, ...]


@functools.cache
def patterns() -> tuple[Pattern, ...]:
    """The rules' ``patterns``, compiled. Each template starts with a head (a
    ``{category}``, a ``(?:word|word)`` group or a word); the phrase scanner finds the
    heads and the pattern is matched only there, so gap patterns cost nothing where
    their head words are absent."""
    cats = categories()
    out: list[Pattern] = []
    for entry in _rule_entries():
        for name, templates in entry.get("patterns", {}).items():
            for template in templates:
                heads = _heads(template, cats, str(entry["id"]))
                body = _expand(template, cats)
                regex = re.compile(r"(?:" + body + r")(?![\w'’])")
                out.append(Pattern(name, regex, heads))
    return tuple(out)


def _heads(template: str, cats: Mapping[str, tuple[str, ...]], where: str) -> tuple[str, ...]:
    if template.startswith("{"):
        name = template[1 : template.index("}")]
        return cats[name]
    if template.startswith("(?:"):
        depth = 0
        for i, ch in enumerate(template):
            depth += ch == "("
            depth -= ch == ")"
            if depth == 0:
                group = template[3:i]
                break
        else:
            group = ""
        words = group.split("|")
        if group and all(_LITERAL_WORDS.fullmatch(w) for w in words):
            return tuple(words)
    else:
        match = re.match(r"[a-z']+", template)
        if match:
            return (match.group(),)
    raise CoachError(f"scorer data: pattern in rule {where} needs a literal head: {template!r}")


def _expand(template: str, cats: Mapping[str, tuple[str, ...]]) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        return _GAP if name == "gap" else trie_regex(cats[name])

    body = re.sub(r"\{(\w+)\}", sub, template.replace("'", "['’]"))
    return body.replace(" ", r"\s+")


@functools.cache
def lists(name: str) -> tuple[str, ...]:
    """A plain word list (``lists`` in a rule, or a top-level list in lexicon.yaml)."""
    for entry in _rule_entries():
        if name in entry.get("lists", {}):
            return tuple(str(x) for x in entry["lists"][name])
    value = load("lexicon.yaml").get(name)
    if isinstance(value, list):
        return tuple(str(x) for x in value)
    raise CoachError(f"scorer data: no list named {name!r}")


def table(name: str) -> dict[str, float]:
    """A phrase -> number table from lexicon.yaml (number_values, time_units, ...)."""
    return {norm(str(k)): float(v) for k, v in load("lexicon.yaml")[name].items()}


def str_table(name: str) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in load("lexicon.yaml")[name].items()}


# -- the phrase scanner -------------------------------------------------------------


@dataclass(slots=True)
class Hit:
    """One phrase found in an answer: ``low[start:end]`` normalises to ``key``."""

    start: int
    end: int
    key: str
    cats: frozenset[str]


# Matched text that is not already its own key: hyphens, curly quotes, odd spacing.
_NEEDS_NORM = re.compile(r"[\-\t\n\r\f\v]|  ")


class Scanner:
    """Finds every phrase of every category at every word start, in one regex pass.

    At each word start the trie regex gives the longest phrase; shorter phrases that
    are word prefixes of it ("i need" inside "i need you to") are added too, so a
    long phrase never hides a short one's category. Rule patterns are then tried
    where their head phrases were found.
    """

    def __init__(
        self,
        phrase_cats: Mapping[str, Iterable[str]],
        pats: Sequence[Pattern] = (),
        tags: frozenset[str] = frozenset(),
    ) -> None:
        by_key: dict[str, set[str]] = {}
        for cat, phrases in phrase_cats.items():
            for phrase in phrases:
                key = norm(phrase)
                if key:
                    by_key.setdefault(key, set()).add(cat)
        heads: dict[str, list[int]] = {}
        for index, pat in enumerate(pats):
            for phrase in pat.heads:
                key = norm(phrase)
                by_key.setdefault(key, set())
                heads.setdefault(key, []).append(index)
        self.cats: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in by_key.items()}
        # Hit lists are kept per category, except for tags (which only mark hits).
        self.cat_tuples: dict[str, tuple[str, ...]] = {
            k: tuple(sorted(v - tags)) for k, v in by_key.items()
        }
        self.patterns = tuple(pats)
        self.pattern_cats = tuple(frozenset((p.category,)) for p in pats)
        self.heads: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in heads.items()}
        # Single words with categories, no shorter prefix and no pattern: the fast path.
        self.simple: dict[str, tuple[str, ...]] = {
            k: self.cat_tuples[k] for k in by_key if k.isalpha() and by_key[k] and k not in heads
        }
        self.records: dict[str, _Record] = {}
        body = trie_regex(self.cats) or r"(?!x)x"
        # A phrase starts at a word character that follows no word character or
        # apostrophe (so never inside a word: "on" is not found in "don't"); phrases
        # starting inside a longer match are looked for separately. (This look-behind
        # scans faster than a leading \b with the same check done in Python.)
        # A phrase ends at a word boundary, or before a clitic "'s" ("legal's looped in",
        # "the board's been told"); a longer phrase with the clitic ("let's") wins.
        self.regex = re.compile(
            r"(?<![\w'’])(?=\w)(?:" + body + r")(?:(?![\w'’])|(?=['’]s(?![\w'’])))"
        )
        # key -> shorter phrases that are its word prefixes.
        self.prefixes: dict[str, tuple[str, ...]] = {}
        for key in self.cats:
            words = key.split(" ")
            shorter = tuple(
                " ".join(words[:i])
                for i in range(1, len(words))
                if " ".join(words[:i]) in self.cats
            )
            if shorter:
                self.prefixes[key] = shorter
        # Words that can start a phrase: only those are worth a look inside a longer match.
        first_words = {key.split(" ", 1)[0] for key in self.cats}
        for key in self.cats:
            shorter = self.prefixes.get(key, ())
            prefix_hits = tuple(
                (short, len(short), self.cat_tuples[short], self.cats[short])
                for short in reversed(shorter)
                if self.cat_tuples[short]
            )
            head_indices = tuple(
                dict.fromkeys(i for k in (key, *shorter) for i in self.heads.get(k, ()))
            )
            inner = tuple(
                i + 1
                for i, ch in enumerate(key)
                if ch == " " and key[i + 1 :].split(" ", 1)[0] in first_words
            )
            names = self.cat_tuples[key]
            self.records[key] = (
                names,
                self.cats[key],
                prefix_hits,
                head_indices,
                inner,
                # The common case: its categories and nothing else to do.
                names if not (prefix_hits or head_indices or inner) else (),
                _word_starts(key),
            )

    def scan(self, low: str) -> dict[str, list[Hit]]:
        """Hits by category, each list in order of start (longest first at a start)."""
        # Buckets appear on their first hit (a plain dict is returned).
        by_cat: defaultdict[str, list[Hit]] = defaultdict(list)
        cat_tuples = self.cat_tuples
        cats = self.cats
        prefixes = self.prefixes
        heads = self.heads
        regex = self.regex
        tried: set[tuple[int, int]] = set()
        pending: list[int] = []

        def emit(start: int, end: int, text: str) -> None:
            if start and (low[start - 1].isalnum() or low[start - 1] in "_'’"):
                return  # inside a word
            simple = text.isalpha() or (text.isascii() and _NEEDS_NORM.search(text) is None)
            key = text if simple else norm(text)
            names = cat_tuples.get(key)
            if names is None:
                return
            shorter = prefixes.get(key)
            if shorter:
                for short in reversed(shorter):
                    short_names = cat_tuples[short]
                    if short_names:
                        s_end = start + (len(short) if simple else _prefix_len(low, start, short))
                        hit = Hit(start, s_end, short, cats[short])
                        for name in short_names:
                            by_cat[name].append(hit)
            if names:
                hit = Hit(start, end, key, cats[key])
                for name in names:
                    by_cat[name].append(hit)
            if key in heads or shorter:
                for k in (key, *shorter) if shorter else (key,):
                    for index in heads.get(k, ()):
                        if (start, index) not in tried:
                            tried.add((start, index))
                            pat = self.patterns[index]
                            m = pat.regex.match(low, start)
                            if m is not None:
                                found = Hit(
                                    start, m.end(), norm(m.group()), frozenset((pat.category,))
                                )
                                by_cat[pat.category].append(found)
            if not text.isalpha():
                # Phrases that start inside this one ("root cause" in "the root cause is").
                if simple:
                    i = text.find(" ")
                    while i >= 0:
                        heappush(pending, start + i + 1)
                        i = text.find(" ", i + 1)
                else:
                    for m in _INNER_START.finditer(text):
                        heappush(pending, start + m.end())

        records = self.records
        patterns = self.patterns
        pattern_cats = self.pattern_cats

        def take(
            start: int, end: int, text: str, record: _Record, offsets: tuple[int, ...]
        ) -> None:
            """The hits of a match that is exactly a phrase key, and the starts of the
            phrases inside it (``offsets``) to look at later."""
            names, fcats, prefix_hits, head_indices = record[:4]
            for short, length, short_names, short_cats in prefix_hits:
                hit = Hit(start, start + length, short, short_cats)
                for name in short_names:
                    by_cat[name].append(hit)
            if names:
                hit = Hit(start, end, text, fcats)
                for name in names:
                    by_cat[name].append(hit)
            for index in head_indices:
                pat = patterns[index]
                m = pat.regex.match(low, start)
                if m is not None:
                    found = Hit(start, m.end(), norm(m.group()), pattern_cats[index])
                    by_cat[pat.category].append(found)
            for offset in offsets:
                heappush(pending, start + offset)

        last_inner = -1
        for match in regex.finditer(low):
            start = match.start()
            # Phrases inside earlier matches, in order, before this one; a position is
            # looked at once, and not at all when this match starts there (so every
            # bucket stays sorted by start, with no duplicates).
            while pending and pending[0] <= start:
                inner = heappop(pending)
                if inner in (last_inner, start):
                    continue
                last_inner = inner
                again = regex.match(low, inner)
                if again is not None:
                    text = again.group()
                    record = records.get(text)
                    if record is None:
                        emit(inner, again.end(), text)
                    else:
                        # Inside a match, every later word start is looked at.
                        take(inner, again.end(), text, record, record[6])
            text = match.group()
            record = records.get(text)
            if record is None:
                emit(start, match.end(), text)  # needs normalising (hyphen, curly quote, spacing)
                continue
            plain = record[5]
            if plain:
                hit = Hit(start, match.end(), text, record[1])
                for name in plain:
                    by_cat[name].append(hit)
                continue
            take(start, match.end(), text, record, record[4])
        while pending:
            inner = heappop(pending)
            if inner == last_inner:
                continue
            last_inner = inner
            again = regex.match(low, inner)
            if again is not None:
                emit(inner, again.end(), again.group())
        # Matches, inner phrases (smallest start first) and prefixes are all produced in
        # order of start, so every bucket is already sorted by start.
        return dict(by_cat)


_INNER_START = re.compile(r"[\s\-]+(?=\w)")
# A phrase key's categories, frozen categories, shorter prefix phrases (phrase,
# length, names, categories), pattern indices to try, offsets of inner words that
# start a phrase, its categories again when it has nothing else to do (() otherwise),
# and the offsets of all its inner words.
_Record = tuple[
    tuple[str, ...],
    frozenset[str],
    tuple[tuple[str, int, tuple[str, ...], frozenset[str]], ...],
    tuple[int, ...],
    tuple[int, ...],
    tuple[str, ...],
    tuple[int, ...],
]


def _word_starts(key: str) -> tuple[int, ...]:
    """Offsets of the words after the first in a phrase key: where a phrase found
    inside another match may start (as ``emit`` looks for them)."""
    if key.isalpha():
        return ()
    if key.isascii():
        return tuple(i + 1 for i, ch in enumerate(key) if ch == " ")
    return tuple(m.end() for m in _INNER_START.finditer(key))


_WORD_RUN = re.compile(r"[^\s\-]+")


def _prefix_len(low: str, start: int, short: str) -> int:
    """Length in ``low`` (from ``start``) of the first words of a match that make ``short``."""
    n = short.count(" ") + 1
    end = start
    for i, word in enumerate(_WORD_RUN.finditer(low, start)):
        end = word.end()
        if i + 1 == n:
            break
    return end - start


@functools.cache
def scanner() -> Scanner:
    """The one scanner for every category and pattern in the data files."""
    return Scanner(categories(), patterns(), group_members())


# -- jargon lexicons per role and scenario ------------------------------------------


@functools.cache
def static_jargon_terms() -> tuple[str, ...]:
    """Jargon terms from jargon.yaml and every role in roles.yaml."""
    terms = [str(t) for t in load("jargon.yaml").get("jargon", ())]
    for spec in load("roles.yaml").values():
        terms.extend(str(t) for t in (spec or {}).get("jargon", ()))
    return tuple(dict.fromkeys(terms))


@dataclass(frozen=True)
class JargonLexicon:
    """Which terms need explaining for one (role, scenario terms) combination.

    Built-in terms are found by the main phrase scan (category ``jargon_term``);
    ``regex`` finds only the scenario's extra terms."""

    regex: re.Pattern[str] | None
    #: normalised jargon term -> glossary explanation ("" when none).
    terms: dict[str, str]
    #: normalised terms that need no explanation (also silences acronym detection).
    plain: frozenset[str]

    def is_plain(self, key: str) -> bool:
        return key in self.plain


@functools.lru_cache(maxsize=64)
def jargon_lexicon(
    role: str | None,
    glossary: tuple[tuple[str, str], ...] = (),
    jargon: tuple[str, ...] = (),
    plain: tuple[str, ...] = (),
) -> JargonLexicon:
    """The jargon lexicon for a role plus a scenario's glossary and lexicon (cached).

    Later lists win: general jargon < general plain < role jargon < role plain <
    scenario glossary and jargon < scenario plain.
    """
    general = load("jargon.yaml")
    roles = load("roles.yaml")
    role_spec: Mapping[str, Any] = roles.get(role or "", {}) or {}
    status: dict[str, str] = {}
    explanations: dict[str, str] = {}

    def mark(terms: Iterable[Any], value: str) -> None:
        for term in terms:
            key = norm(str(term))
            if key:
                status[key] = value

    mark(general.get("jargon", ()), "jargon")
    mark(general.get("plain", ()), "plain")
    mark(role_spec.get("jargon", ()), "jargon")
    mark(role_spec.get("plain", ()), "plain")
    for term, explanation in glossary:
        key = norm(term)
        if key:
            status[key] = "jargon"
            explanations[key] = explanation
    mark(jargon, "jargon")
    mark(plain, "plain")
    terms = {k: explanations.get(k, "") for k, v in status.items() if v == "jargon"}
    plain_terms = frozenset(k for k, v in status.items() if v == "plain")
    scanned = {norm(t) for t in static_jargon_terms()}
    body = trie_regex(k for k in terms if k not in scanned)
    # No look-behind first, so the engine can skip ahead on first letters; a match
    # inside a word is dropped by the caller.
    regex = re.compile(r"(?:" + body + r")(?![\w'’])") if body else None
    return JargonLexicon(regex=regex, terms=terms, plain=plain_terms)


def shipped_roles() -> tuple[str, ...]:
    """Roles with a built-in lexicon."""
    return tuple(load("roles.yaml"))


def starts_in(sorted_starts: Sequence[int], lo: int, hi: int) -> bool:
    """Whether any position in ``sorted_starts`` lies in ``[lo, hi)``."""
    i = bisect_left(sorted_starts, lo)
    return i < len(sorted_starts) and sorted_starts[i] < hi
