"""Load a scenario file, reporting every problem in it with ``path:line:col``.

Reading happens in three steps, each of which turns what it finds into
:class:`~coach.scenario.diagnostics.Diagnostic` objects instead of raising:

1. **Bytes.** The file must exist, be at most :data:`MAX_BYTES`, and be UTF-8
   text; a PNG or a zip with a ``.yaml`` name is named for what it is.
2. **YAML.** A small composer runs over libyaml's *event* stream (safe YAML:
   no Python tags, no object construction) and builds plain Python data plus a
   :class:`SourceMap` of where every key and value came from. Working on events
   rather than ``yaml.compose`` lets it stop early: nesting deeper than
   :data:`MAX_DEPTH` (libyaml's own composer would overflow the C stack) and
   aliases that expand past :data:`MAX_NODES` (the "billion laughs" bomb) are
   rejected after reading only a little of the file. It also reports duplicate
   keys, which PyYAML silently drops.
3. **Shape.** pydantic validates the data against
   :class:`~coach.scenario.model.Scenario`; each error's ``loc`` is looked up in
   the source map (as Dagster's ``pydantic_yaml`` does with ``start_mark``) and
   rewritten as one actionable line, with a did-you-mean for misspelled keys and
   values, and a specific hint when YAML 1.1 turned ``no`` into ``False``.

The public functions never raise anything but :class:`ScenarioLoadError`.

The same three steps read other YAML formats (incident briefs): describe the
format with a :class:`YamlFormat` and call :func:`read_yaml` or
:func:`parse_yaml_text`, which return a :class:`Parsed` with the validated model.
"""

from __future__ import annotations

import functools
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol, cast, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from coach.errors import CoachError
from coach.scenario.conditions import CONDITION_KEYS
from coach.scenario.conditions import condition_key as _condition_tag
from coach.scenario.diagnostics import Diagnostic, closest, summarise
from coach.scenario.model import Scenario
from coach.scoring.names import ELEMENTS, FLAG_CODES

#: Larger than any hand-written scenario by two orders of magnitude.
MAX_BYTES: Final = 1_000_000
#: Values after alias expansion: a real scenario has a few thousand.
MAX_NODES: Final = 100_000
#: Conditions nest (all/any/not), but never anywhere near this deep.
MAX_DEPTH: Final = 64

Path_ = tuple[str | int, ...]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value")}
_COLLECTION_TAGS = {_TAG + "map", _TAG + "seq"}
_MERGE_TAG = _TAG + "merge"
_STR = _TAG + "str"
_RESOLVER: Any = yaml.resolver.Resolver()


@functools.lru_cache(maxsize=4096)
def _resolve_plain(raw: str) -> str:
    """The tag YAML 1.1 gives an unquoted scalar (``yes`` is a bool, ``1:30`` an int)."""
    tag: str = _RESOLVER.resolve(yaml.ScalarNode, raw, (True, False))
    return tag


#: The first characters of plain scalars YAML may read as something other than
#: text (a number, a date, null, a boolean ...): the resolver's own table, so a
#: plain scalar starting with anything else is text without asking it.
_IMPLICIT_FIRST: Any = _RESOLVER.yaml_implicit_resolvers
assert None not in _IMPLICIT_FIRST  # no resolver applies to every first character

#: YAML 1.1 reads these as booleans; in YAML 1.2 (and to people) they are words.
_YAML11_BOOLEANS = frozenset({"yes", "no", "on", "off"})

#: File signatures of formats someone might save under a .yaml name by mistake.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a zip archive (or a .docx/.xlsx file)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program (ELF binary)"),
    (b"SQLite format 3", "an SQLite database"),
)


class _Make(Protocol):
    def __call__(
        self, code: str, message: str, pos: tuple[int, int] | None = None
    ) -> Diagnostic: ...


class ScenarioLoadError(CoachError):
    """A scenario file could not be loaded; ``diagnostics`` says everything wrong."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__(summarise(diagnostics))


#: A position in the source map: the container's ``id()`` and the key or index in it.
_Slot = tuple[int, str | int]


@dataclass
class SourceMap:
    """Where each value and key of the loaded data came from (1-based line, col).

    Positions are keyed by (``id`` of the containing dict or list, key or
    index) rather than by the full path, so recording them costs the same at
    any depth; the map keeps ``root`` alive so those ids stay valid. Values
    that came through an alias point at the anchored original."""

    root: Any = None
    root_pos: tuple[int, int] | None = None
    values: dict[_Slot, tuple[int, int]] = field(default_factory=dict)
    keys: dict[_Slot, tuple[int, int]] = field(default_factory=dict)
    #: For scalars that YAML did not read as text: the tag it resolved
    #: (``tag:yaml.org,2002:bool`` ...) and the source text, for messages such as
    #: "YAML read 1:30 as a number". Text values are their own source.
    scalars: dict[_Slot, tuple[str, str]] = field(default_factory=dict)
    #: Whitespace-only text values and keys: (line, col, whether it is a key).
    blanks: list[tuple[int, int, bool]] = field(default_factory=list)

    def _slots(self, path: Path_) -> Iterator[_Slot]:
        current = self.root
        for part in path:
            yield (id(current), part)
            current = _child(current, part)

    def value_pos(self, path: Path_) -> tuple[int, int]:
        """The position of ``path``'s value, or of its nearest ancestor that has one."""
        best = self.root_pos or (1, 1)
        for slot in self._slots(path):
            pos = self.values.get(slot)
            if pos is None:
                break
            best = pos
        return best

    def _last_slot(self, path: Path_) -> _Slot | None:
        if not path:
            return None
        parent = self.root
        for part in path[:-1]:
            parent = _child(parent, part)
        return (id(parent), path[-1])

    def key_pos(self, path: Path_) -> tuple[int, int]:
        """The position of the key that holds ``path`` (its value's if there is no key)."""
        slot = self._last_slot(path)
        found = self.keys.get(slot) if slot is not None else None
        return found or self.value_pos(path)

    def scalar(self, path: Path_) -> tuple[str, str]:
        """(resolved tag, source text) of the scalar at ``path``; ("", "") if it is not one."""
        slot = self._last_slot(path)
        return self.scalars.get(slot, ("", "")) if slot is not None else ("", "")


@dataclass
class Loaded:
    """The outcome of reading one file: a scenario when there were no errors."""

    file: str
    scenario: Scenario | None
    source: SourceMap
    diagnostics: list[Diagnostic]


@dataclass(frozen=True)
class YamlFormat:
    """A YAML file format this module reads: what its files are called in
    messages, what their top level looks like, and the model that validates them."""

    kind: str
    model: type[BaseModel]
    #: Completes "a scenario is ...": what a valid file's top level is.
    shape: str


SCENARIO_FORMAT: Final = YamlFormat("scenario", Scenario, "a mapping starting with 'id:'")


@dataclass
class Parsed:
    """The outcome of reading one file of any :class:`YamlFormat`: the validated
    model when there were no errors."""

    file: str
    value: BaseModel | None
    source: SourceMap
    diagnostics: list[Diagnostic]


def _loaded(parsed: Parsed) -> Loaded:
    value = parsed.value if isinstance(parsed.value, Scenario) else None
    return Loaded(parsed.file, value, parsed.source, parsed.diagnostics)


# -- step 1: bytes -------------------------------------------------------------


def read_path(path: str | os.PathLike[str], display: str | None = None) -> Loaded:
    """Read and check one file. Never raises."""
    return _loaded(read_yaml(path, SCENARIO_FORMAT, display))


def read_yaml(path: str | os.PathLike[str], fmt: YamlFormat, display: str | None = None) -> Parsed:
    """Read and check one file of format ``fmt``. Never raises."""
    name = display or os.fspath(path)
    try:
        return _read_path(Path(path), name, fmt)
    except Exception as error:  # the last guard; a test asserts S000 never appears
        return _internal(name, error)


def _read_path(path: Path, name: str, fmt: YamlFormat) -> Parsed:
    def fail(code: str, message: str) -> Parsed:
        # A problem with the whole file is reported at 1:1, so that every
        # diagnostic reads `path:line:col: CODE message` (as ruff does too).
        return Parsed(name, None, SourceMap(), [Diagnostic.make(name, 1, 1, code, message)])

    try:
        st = path.stat()
    except FileNotFoundError:
        return fail("S001", "no such file; check the path")
    except OSError as error:
        return fail("S001", f"cannot read it: {error.strerror or error}")
    if stat.S_ISDIR(st.st_mode):
        tail = ", or validate the directory" if fmt is SCENARIO_FORMAT else ""
        return fail("S002", f"is a directory; give a {fmt.kind} file{tail}")
    if not stat.S_ISREG(st.st_mode):
        return fail("S004", "is not a regular file (a device, pipe or socket?)")
    if st.st_size > MAX_BYTES:
        return fail("S003", _too_large(st.st_size, fmt.kind))
    try:
        with path.open("rb") as handle:
            # One byte more than allowed: the size may have changed since stat().
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        return fail("S001", f"cannot read it: {error.strerror or error}")
    if len(data) > MAX_BYTES:
        return fail("S003", _too_large(len(data), fmt.kind))
    return _parse_bytes(data, name, fmt)


def _too_large(size: int, kind: str) -> str:
    return (
        f"is {size / 1_000_000:.1f} MB; a {kind} file may be at most "
        f"{MAX_BYTES // 1_000_000} MB (is this really a {kind}?)"
    )


def parse_bytes(data: bytes, file: str = "<scenario>") -> Loaded:
    """Check that ``data`` is text, then parse it. Never raises."""
    return _loaded(parse_yaml_bytes(data, SCENARIO_FORMAT, file))


def parse_yaml_bytes(data: bytes, fmt: YamlFormat, file: str) -> Parsed:
    """:func:`parse_bytes` for any format. Never raises."""
    try:
        return _parse_bytes(data, file, fmt)
    except Exception as error:
        return _internal(file, error)


def _parse_bytes(data: bytes, file: str, fmt: YamlFormat) -> Parsed:
    def fail(code: str, message: str, line: int = 1, col: int = 1) -> Parsed:
        return Parsed(file, None, SourceMap(), [Diagnostic.make(file, line, col, code, message)])

    if len(data) > MAX_BYTES:
        return fail("S003", _too_large(len(data), fmt.kind))
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return fail("S004", f"is {kind}, not a YAML text file")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        nul = data.find(b"\x00")
        if nul >= 0:
            return fail(
                "S004",
                "is a binary file (it contains NUL bytes), not YAML text",
                *_byte_pos(data, nul),
            )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        return fail(
            "S004",
            f"is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be decoded); "
            "save it as UTF-8",
            *_byte_pos(data, error.start),
        )
    return parse_yaml_text(text, fmt, file)


def _byte_pos(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of byte ``offset``; the column counts bytes."""
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def parse_text(text: str, file: str = "<scenario>") -> Loaded:
    """Parse YAML text into a scenario, collecting every problem. Never raises."""
    return _loaded(parse_yaml_text(text, SCENARIO_FORMAT, file))


def parse_yaml_text(text: str, fmt: YamlFormat, file: str) -> Parsed:
    """:func:`parse_text` for any format. Never raises."""
    try:
        return _parse_text(text, file, fmt)
    except Exception as error:
        return _internal(file, error)


def _internal(file: str, error: Exception) -> Parsed:
    message = (
        f"internal error while reading this file ({type(error).__name__}: {error}); "
        "please report it"
    )
    return Parsed(file, None, SourceMap(), [Diagnostic.make(file, 1, 1, "S000", message[:300])])


def load_path(path: str | os.PathLike[str], display: str | None = None) -> Scenario:
    """The scenario in ``path``; raises :class:`ScenarioLoadError` listing every problem."""
    return _scenario_or_raise(read_path(path, display))


def load_text(text: str, file: str = "<scenario>") -> Scenario:
    return _scenario_or_raise(parse_text(text, file))


def _scenario_or_raise(loaded: Loaded) -> Scenario:
    if loaded.scenario is None:
        raise ScenarioLoadError(loaded.diagnostics)
    return loaded.scenario


# -- step 2: YAML --------------------------------------------------------------


class _Stop(Exception):
    """Composing cannot go on (a syntax error, a limit); the diagnostic is recorded."""


class _Key:
    """Sentinels for a mapping's key slot."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


_NO_KEY = _Key("none")  # the next value is a key
_MERGE = _Key("merge")  # the next value is merged in (``<<: *base``)
_BAD_KEY = _Key("bad")  # the key was not usable; drop the value


class _Frame:
    __slots__ = ("anchor", "attached", "is_map", "key", "key_pos", "merges", "pos", "size", "value")

    def __init__(self, is_map: bool, pos: tuple[int, int], anchor: str | None) -> None:
        self.is_map = is_map
        self.value: Any = {} if is_map else []
        self.pos = pos
        self.anchor = anchor
        #: False when this collection is merged (``<<:``) or dropped instead of stored.
        self.attached = True
        self.key: str | _Key = _NO_KEY
        self.key_pos = (0, 0)
        self.size = 1
        self.merges: list[tuple[Any, tuple[int, int]]] = []


class _Composer:
    """Builds plain data and a :class:`SourceMap` from libyaml events.

    The event loop is one function with the common cases inline: it runs once
    per scalar of every scenario file, so call overhead is most of its cost."""

    def __init__(self, text: str, file: str, kind: str = "scenario") -> None:
        self.file = file
        self.kind = kind
        self.text = text
        self.loader = _Loader(text)
        self.source = SourceMap()
        self.diagnostics: list[Diagnostic] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.stack: list[_Frame] = []
        self.total = 0
        #: Whether an alias was used: a limit reached with none is a huge file.
        self.aliased = False
        self.root: Any = None
        self.documents = 0

    def report(self, pos: tuple[int, int], code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic.make(self.file, pos[0], pos[1], code, message))

    def compose(self) -> Any:
        try:
            self._loop()
        except _Stop:
            pass
        except yaml.MarkedYAMLError as error:
            self.syntax_error(error)
        except yaml.reader.ReaderError as error:
            self.reader_error(error)
        except yaml.YAMLError as error:
            self.report((1, 1), "S006", _one_line(str(error)))
        finally:
            self.loader.dispose()
        self.source.root = self.root
        return self.root

    def _loop(self) -> None:
        # Everything the loop touches is a local: attribute and global lookups
        # per event are a measurable part of reading a thousand files.
        get_event = self.loader.get_event
        stack = self.stack
        source = self.source
        values, keys, scalars, blanks = source.values, source.keys, source.scalars, source.blanks
        anchors = self.anchors
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        no_key, merge_key, str_tag, frame_type = _NO_KEY, _MERGE, _STR, _Frame
        resolve_plain, implicit = _resolve_plain, _IMPLICIT_FIRST
        max_nodes, max_depth = MAX_NODES, MAX_DEPTH
        total = self.total  # kept here; written back before methods that use it
        while True:
            event = get_event()
            cls = event.__class__
            if cls is scalar_event:
                mark = event.start_mark
                pos = (mark.line + 1, mark.column + 1)
                total += 1
                if total > max_nodes:
                    self.too_many(pos)
                raw: str = event.value
                tag: str | None = event.tag
                top = stack[-1] if stack else None
                if top is not None and top.is_map and top.key is no_key:
                    if tag is None and raw != "<<" and raw and not raw[0].isspace():
                        top.key = raw  # the common case, inline
                        top.key_pos = pos
                    else:
                        self.key(top, raw, tag, event.implicit[0], pos)
                    continue
                if tag is None or tag == "!":
                    if not event.implicit[0]:
                        tag = str_tag  # quoted
                    elif raw and raw[0] not in implicit:
                        tag = str_tag  # no implicit type starts with this character
                    else:
                        tag = resolve_plain(raw)
                if tag == str_tag:
                    value: Any = raw
                    if not raw.strip():
                        blanks.append((pos[0], pos[1], False))
                else:
                    value = self.construct(tag, raw, pos)
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
                if top is None:
                    self.set_root(value, pos)
                    continue
                top.size += 1
                container = top.value
                if not top.is_map:
                    slot: _Slot = (id(container), len(container))
                    container.append(value)
                    values[slot] = pos
                    if tag != str_tag:
                        scalars[slot] = (tag, raw)
                    continue
                key = top.key
                top.key = no_key
                if key.__class__ is str:
                    if key in container:
                        self.duplicate(top, key)
                        continue
                    container[key] = value
                    slot = (id(container), key)
                    keys[slot] = top.key_pos
                    values[slot] = pos
                    if tag != str_tag:
                        scalars[slot] = (tag, raw)
                elif key is merge_key:
                    top.merges.append((value, pos))
            elif cls is map_start or cls is seq_start:
                # The common case inline: no tag, within the limits, the value of
                # a text key or a list item. Everything else goes through start().
                top = stack[-1] if stack else None
                event_tag = event.tag
                if (
                    top is None
                    or total + 1 > max_nodes
                    or len(stack) >= max_depth
                    or (event_tag is not None and event_tag != "!")
                    or (top.is_map and (top.key.__class__ is not str or top.key in top.value))
                ):
                    self.total = total
                    self.start(event, cls is map_start)
                    total = self.total
                    continue
                total += 1
                mark = event.start_mark
                pos = (mark.line + 1, mark.column + 1)
                frame = frame_type(cls is map_start, pos, event.anchor)
                container = top.value
                if top.is_map:
                    key = cast(str, top.key)
                    top.key = no_key
                    container[key] = frame.value
                    slot = (id(container), key)
                    keys[slot] = top.key_pos
                    values[slot] = pos
                else:
                    values[(id(container), len(container))] = pos
                    container.append(frame.value)
                stack.append(frame)
            elif cls is map_end or cls is seq_end:
                self.end()
            elif cls is alias_event:
                self.total = total
                self.alias(event)
                total = self.total
            elif cls is yaml.DocumentStartEvent:
                self.document(event)
            elif event is None or cls is yaml.StreamEndEvent:
                self.total = total
                return

    def syntax_error(self, error: yaml.MarkedYAMLError) -> None:
        mark = error.problem_mark or error.context_mark
        pos = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        hint = next((h for start, h in _SYNTAX_HINTS if problem.startswith(start)), "")
        if mark and _tab_near(self.text, mark.line, mark.column):
            problem = "a tab character in the indentation; YAML indents with spaces only"
            hint = ""
        context = f" ({error.context})" if error.context else ""
        self.report(pos, "S006", _one_line(f"YAML syntax: {problem}{context}{hint}"))

    def reader_error(self, error: yaml.reader.ReaderError) -> None:
        """A character YAML does not allow (a control character, say). libyaml
        gives the offset in the UTF-8 encoding; PyYAML's own reader, in characters."""
        offset = int(error.position)
        if _Loader is not yaml.SafeLoader:
            offset = len(
                self.text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "replace")
            )
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        char = error.character
        code = ord(char) if isinstance(char, str) else int(char)
        self.report(
            (line, col),
            "S006",
            f"the character U+{code:04X} (a control character) is not allowed in YAML "
            "text; remove it",
        )

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            self.report(
                _pos(event),
                "S006",
                f"a second YAML document ('---'); a {self.kind} file holds exactly one",
            )
            raise _Stop

    def too_many(self, pos: tuple[int, int]) -> None:
        if self.aliased:
            message = (
                f"the data expands to more than {MAX_NODES:,} values (each use of an "
                "alias counts its whole anchor); use fewer or smaller aliases"
            )
        else:
            message = (
                f"the file holds more than {MAX_NODES:,} values; a {self.kind} has a few "
                f"thousand (is this really a {self.kind} file?)"
            )
        self.report(pos, "S007", message)
        raise _Stop

    def key(
        self, top: _Frame, raw: str, tag: str | None, plain: bool, pos: tuple[int, int]
    ) -> None:
        """A scalar mapping key: always the text as written (``on:`` stays "on")."""
        top.key_pos = pos
        if tag is None or tag == "!":
            top.key = _MERGE if plain and raw == "<<" else raw
        elif tag == _MERGE_TAG:
            top.key = _MERGE
        elif tag in _SCALAR_TAGS:
            top.key = raw
        else:
            self.bad_tag(pos, tag)
            top.key = _BAD_KEY
        if top.key.__class__ is str and not raw.strip():
            self.source.blanks.append((pos[0], pos[1], True))

    def set_root(self, value: Any, pos: tuple[int, int]) -> None:
        self.root = value
        self.source.root_pos = pos

    def duplicate(self, top: _Frame, key: str) -> None:
        first = self.source.keys.get((id(top.value), key), (0, 0))
        self.report(
            top.key_pos,
            "S009",
            f"{_q(key)} is given twice in this mapping (first at line {first[0]}); keep one",
        )

    def attach(self, value: Any, pos: tuple[int, int], size: int) -> bool:
        """Store ``value`` in the current collection; False if it was not stored
        as a value (merged, dropped, or a key)."""
        stack = self.stack
        if not stack:
            self.set_root(value, pos)
            return True
        top = stack[-1]
        top.size += size
        container = top.value
        if not top.is_map:
            self.source.values[(id(container), len(container))] = pos
            container.append(value)
            return True
        key = top.key
        top.key = _NO_KEY
        if key is _MERGE:
            top.merges.append((value, pos))
            return False
        if not isinstance(key, str):
            return False
        if key in container:
            self.duplicate(top, key)
            return False
        container[key] = value
        slot = (id(container), key)
        self.source.keys[slot] = top.key_pos
        self.source.values[slot] = pos
        return True

    def construct(self, tag: str, raw: str, pos: tuple[int, int]) -> Any:
        if tag == _TAG + "value":
            return raw
        if tag not in _SCALAR_TAGS and tag != _MERGE_TAG:
            self.bad_tag(pos, tag)
            return raw
        node = yaml.ScalarNode(tag, raw)
        loader = self.loader
        try:
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "bool":
                return loader.construct_yaml_bool(node)
            if tag == _TAG + "int":
                return loader.construct_yaml_int(node)
            if tag == _TAG + "float":
                return loader.construct_yaml_float(node)
            if tag == _TAG + "timestamp":
                return loader.construct_yaml_timestamp(node)
        except (ValueError, TypeError, yaml.YAMLError):
            self.report(pos, "S105", f"{_q(raw)} is not a valid {tag.removeprefix(_TAG)}")
        return raw

    def bad_tag(self, pos: tuple[int, int], tag: str) -> None:
        self.report(
            pos,
            "S010",
            f"the YAML tag {_q(_short_tag(tag))} is not used in {self.kind} files; remove it "
            "(quote the value if it must stay text)",
        )

    def start(self, event: Any, is_map: bool) -> None:
        pos = _pos(event)
        self.total += 1
        if self.total > MAX_NODES:
            self.too_many(pos)
        if event.tag is not None and event.tag != "!" and event.tag not in _COLLECTION_TAGS:
            self.bad_tag(pos, event.tag)
        if len(self.stack) >= MAX_DEPTH:
            self.report(
                pos,
                "S007",
                f"nesting is deeper than {MAX_DEPTH} levels; a {self.kind} never is",
            )
            raise _Stop
        frame = _Frame(is_map, pos, event.anchor)
        stack = self.stack
        if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
            top = stack[-1]
            top.key = _BAD_KEY  # its value is dropped
            top.key_pos = pos
            self.report(pos, "S103", "a key must be plain text, not a list or mapping")
            frame.attached = False
            top.size += 1
        else:
            # Stored now and filled in place, so children can record their positions.
            frame.attached = self.attach(frame.value, pos, 0)
        stack.append(frame)

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.is_map:
            for source, pos in frame.merges:
                self.merge(frame, source, pos)
        if frame.anchor:
            self.anchors[frame.anchor] = (frame.value, frame.size)
        if self.stack:
            self.stack[-1].size += frame.size

    def merge(self, frame: _Frame, source: Any, pos: tuple[int, int]) -> None:
        sources = source if isinstance(source, list) else [source]
        for item in sources:
            if not isinstance(item, dict):
                self.report(pos, "S103", "'<<' merges mappings only (e.g. '<<: *base')")
                continue
            for key, value in item.items():
                if key not in frame.value:
                    frame.value[key] = value
                    slot = (id(frame.value), key)
                    self.source.values.setdefault(slot, pos)
                    self.source.keys.setdefault(slot, pos)

    def alias(self, event: Any) -> None:
        pos = _pos(event)
        found = self.anchors.get(event.anchor)
        if found is None:
            self.report(
                pos,
                "S006",
                f"YAML alias *{event.anchor} has no anchor &{event.anchor} before it "
                "(an anchor cannot be used inside itself)",
            )
            value, size = None, 1
        else:
            value, size = found
        self.total += size
        self.aliased = True
        if self.total > MAX_NODES:
            self.too_many(pos)
        stack = self.stack
        if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
            top = stack[-1]
            top.key_pos = pos
            if isinstance(value, str):
                top.key = value
            else:
                top.key = _BAD_KEY
                self.report(pos, "S103", "a key must be plain text")
            return
        self.attach(value, pos, size)


#: What to do about libyaml's commonest complaints, which name the parser's
#: state rather than the author's mistake.
_SYNTAX_HINTS: Final = (
    (
        "mapping values are not allowed",
        "; a value holding ': ' must be quoted, or this line is indented too far",
    ),
    (
        "did not find expected key",
        "; check the indentation and quotes here and above: a value that starts with a "
        "quote, { or [ must end with it ('' is an apostrophe inside '...')",
    ),
    (
        "could not find expected ':'",
        "; a key needs ':' after it, and text over several lines needs quotes or '>-'",
    ),
    (
        "found character that cannot start any token",
        "; quote a value that starts with ` or @",
    ),
    (
        "block sequence entries are not allowed",
        "; quote a value that starts with '- ', or start the list on the next line",
    ),
    (
        "did not find expected <document start>",
        "; this does not look like YAML (is it another format?)",
    ),
    ("found unexpected end of stream", "; a quote or bracket is never closed"),
    ("did not find expected ',' or", "; a bracket or brace is never closed"),
)


def _tab_near(text: str, line: int, column: int) -> bool:
    """Whether the indentation of ``line`` (0-based) up to ``column`` has a tab."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    start = lines[line][: column + 1]
    return "\t" in start[: len(start) - len(start.lstrip(" \t")) + 1]


def _short_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_TAG) if tag.startswith(_TAG) else tag


def _pos(event: Any) -> tuple[int, int]:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


def _parse_text(text: str, file: str, fmt: YamlFormat) -> Parsed:
    composer = _Composer(text, file, fmt.kind)
    data = composer.compose()
    source, diagnostics = composer.source, composer.diagnostics
    if any(d.code in ("S006", "S007") for d in diagnostics):
        return Parsed(file, None, source, diagnostics)
    kind, shape = fmt.kind, fmt.shape
    if data is None:
        if composer.documents and text.strip() and not _only_comments(text):
            message = f"holds only an empty value; a {kind} is {shape}"
        else:
            message = f"is empty; a {kind} is {shape}"
        diagnostics.append(Diagnostic.make(file, 1, 1, "S005", message))
        return Parsed(file, None, source, diagnostics)
    if not isinstance(data, dict):
        diagnostics.append(Diagnostic.make(file, 1, 1, "S008", _not_a_mapping(data, text, fmt)))
        return Parsed(file, None, source, diagnostics)
    if not set(data) & _top_keys(fmt.model):
        keys = ", ".join(_q(str(k)) for k in list(data)[:3])
        message = (
            f"this does not look like a {kind}: none of its top-level keys ({keys}) "
            f"belongs to the {kind} format, which is {shape}"
        )
        diagnostics.append(Diagnostic.make(file, 1, 1, "S008", message))
        return Parsed(file, None, source, diagnostics)
    value, problems = _validate(data, source, file, fmt.model)
    # A value under a tag we refuse was read as if it had none; what the model then
    # says about that same value (empty, the wrong type) only repeats the tag's problem.
    tagged = {(d.line, d.col) for d in diagnostics if d.code == "S010"}
    diagnostics.extend(p for p in problems if (p.line, p.col) not in tagged)
    if any(d.is_error for d in diagnostics):
        value = None
    return Parsed(file, value, source, diagnostics)


def _only_comments(text: str) -> bool:
    return all(
        not line.strip() or line.lstrip().startswith("#") or line.strip() in ("---", "...")
        for line in text.splitlines()
    )


def _not_a_mapping(data: Any, text: str, fmt: YamlFormat) -> str:
    start = text.lstrip()
    shape = fmt.shape.replace("a mapping starting", "a mapping of keys starting", 1)
    if isinstance(data, list):
        like = " (it looks like JSON)" if start.startswith("[") else ""
        return f"the file holds a list{like}; a {fmt.kind} is {shape}"
    return (
        f"the file holds a single value ({_describe(data)}); a {fmt.kind} is {shape}. "
        f"Is this really a {fmt.kind} file?"
    )


# -- step 3: shape -------------------------------------------------------------

_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


@functools.cache
def _top_keys(model: type[BaseModel]) -> frozenset[str]:
    return frozenset(info.alias or name for name, info in model.model_fields.items())


_INTEGER = re.compile(r"^[-+]?[0-9]+$")
#: "1e3", "2.5E-3": YAML 1.1 reads a number with an exponent as text unless it has
#: both a '.' and a sign in the exponent ("1.0e+3").
_EXPONENT = re.compile(r"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][-+]?[0-9]+$")
#: Below this, a number is suggested written out in full ("1e3" -> 1000); above it, in
#: the exponent form YAML reads as a number ("1.000000e+20").
_WRITE_OUT_BELOW = 1e15
_DECIMAL = re.compile(r"^[-+]?[0-9]{1,3}(?:,?[0-9]{3})*(?:\.[0-9]+)?$")
_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")


def _validate(
    data: dict[str, Any], source: SourceMap, file: str, model: type[BaseModel] = Scenario
) -> tuple[BaseModel | None, list[Diagnostic]]:
    try:
        return model.model_validate(data), []
    except ValidationError as error:
        found: dict[tuple[int, int, str, str], Diagnostic] = {}
        details = list(_prune_union_noise(error.errors(include_url=False)))
        missing: dict[Path_, list[str]] = {}
        for detail in _drop_misspelled_missing(details, data):
            if detail["type"] == "missing":
                # One line per mapping that lacks keys, not one per key.
                parent, rest = _resolve(detail["loc"], data)
                missing.setdefault(parent, []).append(str(rest[0]) if rest else "?")
                continue
            diagnostic = _diagnostic(detail, data, source, file, model)
            # Union members can report the same problem twice; keep one.
            key = (diagnostic.line, diagnostic.col, diagnostic.code, diagnostic.message)
            found.setdefault(key, diagnostic)
        for parent, keys in missing.items():
            line, col = source.value_pos(parent)
            where = _label(parent, data)
            names = ", ".join(_q(k) for k in keys)
            plural = "s" if len(keys) > 1 else ""
            message = (
                f"{where + ': ' if where else ''}missing required key{plural} {names}; "
                f"add {'them' if plural else 'it'}"
            )
            found[(line, col, "S102", message)] = Diagnostic.make(file, line, col, "S102", message)
        return None, sorted(found.values(), key=lambda d: (d.line, d.col, d.code))


def _prune_union_noise(details: list[ErrorDetails]) -> Iterator[ErrorDetails]:
    """``missing: [impakt]`` fails both union members (a list of names, or
    ``'expected'``); the list member's error is the useful one."""
    for detail in details:
        loc = detail["loc"]
        if any(isinstance(p, str) and p.startswith("literal['expected']") for p in loc):
            siblings = [
                d for d in details if d is not detail and d["loc"][: len(loc) - 1] == loc[:-1]
            ]
            if siblings:
                continue
        yield detail


def _drop_misspelled_missing(details: list[ErrorDetails], data: Any) -> Iterator[ErrorDetails]:
    """``summry:`` is reported as an unknown key with "did you mean 'summary'?";
    saying that 'summary' is missing as well would only repeat it."""
    unknown: dict[Path_, list[str]] = {}
    for detail in details:
        if detail["type"] == "extra_forbidden":
            path, _ = _resolve(detail["loc"], data)
            if path:
                unknown.setdefault(path[:-1], []).append(str(path[-1]))
    for detail in details:
        if detail["type"] == "missing":
            parent, rest = _resolve(detail["loc"], data)
            if rest and closest(str(rest[0]), unknown.get(parent, [])):
                continue
        yield detail


def _resolve(loc: tuple[int | str, ...], data: Any) -> tuple[Path_, list[int | str]]:
    """Map a pydantic ``loc`` onto the data: the path that exists, and what is left.

    pydantic inserts a condition's union tag (``missing``, ``flag`` ...) into
    ``loc`` right after the condition's own position, and names smart-union
    members (``list[...]``); neither is a key of the data, so both are skipped."""
    path: list[str | int] = []
    rest: list[int | str] = []
    current = data
    at_condition = False
    for i, part in enumerate(loc):
        if at_condition:
            at_condition = False
            if part == _condition_tag(current):
                continue
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            path.append(part)
            current = current[part]
            at_condition = part in ("when", "not")
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            at_condition = path[-1:] in (["all"], ["any"])
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and part == "[key]":
            rest = ["[key]"]
            break
        elif isinstance(part, str) and "[" in part:
            continue
        else:
            rest = list(loc[i:])
            break
    return tuple(path), rest


def _diagnostic(
    detail: ErrorDetails,
    data: Any,
    source: SourceMap,
    file: str,
    model: type[BaseModel] = Scenario,
) -> Diagnostic:
    kind = detail["type"]
    path, rest = _resolve(detail["loc"], data)
    value = detail.get("input")
    where = _label(path, data)

    def make(code: str, message: str, pos: tuple[int, int] | None = None) -> Diagnostic:
        line, col = pos or source.value_pos(path)
        prefix = f"{where}: " if where else ""
        return Diagnostic.make(file, line, col, code, prefix + message)

    if kind == "extra_forbidden":
        key = str(path[-1]) if path else str(rest[-1] if rest else "?")
        where = _label(path[:-1], data)
        allowed = _allowed_keys(path[:-1], data, model)
        message = f"unknown key {_q(key)}"
        if key in CONDITION_KEYS and allowed is not None and key not in allowed:
            message += (
                "; a condition has exactly one kind: combine several with "
                "'all: [...]' or 'any: [...]'"
            )
        else:
            message += _did_you_mean(key, allowed)
            if allowed and not _did_you_mean(key, allowed):
                message += f"; allowed here: {', '.join(allowed)}"
        return make("S101", message, source.key_pos(path))
    if kind == "unknown_condition" or kind == "union_tag_invalid" or kind == "union_tag_not_found":
        if isinstance(value, dict) and value:
            first = str(next(iter(value)))
            message = f"unknown condition {_q(first)}" + _did_you_mean(first, CONDITION_KEYS)
            if not _did_you_mean(first, CONDITION_KEYS):
                message += f"; a condition is one of: {', '.join(CONDITION_KEYS)}"
            return make("S106", message, source.key_pos((*path, first)))
        return make(
            "S106",
            f"a condition is a mapping such as '{{missing: impact}}', not {_describe(value)}",
        )
    if kind in _EXPECTED:
        return _wrong_type(kind, value, path, source, make)
    if kind == "literal_error":
        expected = _QUOTED.findall(str(detail.get("ctx", {}).get("expected", "")))
        got = str(value)
        hint = _did_you_mean(got, expected) or f"; use one of: {', '.join(expected)}"
        if isinstance(value, bool) and source.scalar(path)[1].lower() in _YAML11_BOOLEANS:
            return _yaml_boolean(path, source, make)
        names = set(expected)
        if names == set(ELEMENTS):
            if "missing" in path:  # ``missing: expected`` is allowed there too
                hint = _did_you_mean(got, [*expected, "expected"]) or hint
            return make("S207", f"unknown element {_q(got)}{hint}")
        if names == set(FLAG_CODES):
            return make("S207", f"unknown flag {_q(got)}{hint}")
        return make("S105", f"{_q(got)} is not allowed{hint}")
    if kind == "string_too_short":
        return make("S211", "is empty; write the text, or remove the key if it is optional")
    if kind == "too_short":
        return make("S211", "is an empty list; it needs at least one item")
    if kind == "string_pattern_mismatch":
        return make(
            "S105",
            f"{_q(str(value))} is not a valid id: use lowercase letters, digits, '-' and '_', "
            "starting with a letter or digit (e.g. 'root-cause')",
        )
    if kind == "string_too_long":
        limit = detail.get("ctx", {}).get("max_length")
        return make("S105", f"is too long (at most {limit} characters)")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return make("S105", f"{value!r} is out of range ({_range_text(detail)})")
    if kind == "value_error":
        message = str(detail.get("ctx", {}).get("error", detail["msg"]))
        return make("S105", message)
    return make("S105", _one_line(detail["msg"]).lower())


def _wrong_type(
    kind: str,
    value: Any,
    path: Path_,
    source: SourceMap,
    make: _Make,
) -> Diagnostic:
    expected = _EXPECTED[kind]
    tag, raw = source.scalar(path)
    tag = tag.removeprefix(_TAG)
    if kind == "string_type":
        if value is None and raw in ("", "~", "null", "Null", "NULL"):
            return make("S211", "has no value; write the text, or remove the key if it is optional")
        if tag == "bool" and raw.lower() in _YAML11_BOOLEANS | {"true", "false"}:
            return _yaml_boolean(path, source, make)
        if tag in ("int", "float", "timestamp", "null"):
            return make(
                "S103",
                f'expected text, but YAML read {raw!r} as {_describe(value)}; quote it: "{raw}"',
            )
    if kind in ("int_type", "int_from_float") and _INTEGER.match(str(value).strip()):
        return make(
            "S103", f"expected a whole number, found the text {_q(str(value))}; remove the quotes"
        )
    if (
        kind in ("float_type", "int_type")
        and isinstance(value, str)
        and _EXPONENT.match(value.strip())
    ):
        return _exponent(value.strip(), expected, make)
    if kind == "float_type" and isinstance(value, str) and _DECIMAL.match(value.strip()):
        plain = value.strip().replace(",", "")
        return make(
            "S103",
            f"expected a number, found the text {_q(value)}; write it without quotes "
            f"or commas: {plain}",
        )
    hint = ""
    if kind == "list_type" and isinstance(value, str):
        hint = "; write each item on its own line, starting with '- '"
    elif kind == "string_type" and isinstance(value, dict) and len(value) == 1:
        hint = "; text that holds ': ' must be quoted"
    return make("S103", f"expected {expected}, found {_describe(value)}{hint}")


def _exponent(text: str, expected: str, make: _Make) -> Diagnostic:
    """ "1e3" where a number belongs: YAML read it as text. Too large for a float
    ("1e400") is its own problem; otherwise say how to write it."""
    number = float(text)
    if not math.isfinite(number):
        return make(
            "S105",
            f"{_q(text)} is too large to be a usable number; write a plain number such as 2300",
        )
    if number.is_integer() and abs(number) < _WRITE_OUT_BELOW:
        written = str(int(number))
    elif 1e-4 <= abs(number) < _WRITE_OUT_BELOW:
        written = repr(number)
    else:
        written = f"{number:e}"  # "1.000000e+300": with its '.' and sign, YAML reads a number
    return make(
        "S103",
        f"expected {expected}, found the text {_q(text)} (YAML reads a number with an "
        f"exponent as text); write it as {written}",
    )


def _yaml_boolean(path: Path_, source: SourceMap, make: _Make) -> Diagnostic:
    raw = source.scalar(path)[1] or "?"
    return make(
        "S104",
        f'YAML 1.1 reads unquoted {raw} as a true/false value, not the word; quote it: "{raw}"',
    )


def _range_text(detail: ErrorDetails) -> str:
    ctx = detail.get("ctx", {})
    words = {"ge": "at least", "le": "at most", "gt": "more than", "lt": "less than"}
    return ", ".join(f"{words[k]} {v}" for k, v in ctx.items() if k in words)


def _label(path: Path_, data: Any) -> str:
    """``nodes[opening].branches[1].goto``: list items of nodes/endings by id."""
    out = ""
    current = data
    for part in path:
        if isinstance(part, int):
            item = current[part] if isinstance(current, list) and part < len(current) else None
            ident = item.get("id") if isinstance(item, dict) else None
            out += f"[{_clean(ident)}]" if isinstance(ident, str) and ident else f"[{part}]"
            current = item
        else:
            out += f".{_clean(part)}" if out else _clean(part)
            current = current.get(part) if isinstance(current, dict) else None
    return out


def _did_you_mean(word: str, choices: list[str] | tuple[str, ...] | None) -> str:
    close = closest(word, choices or ())
    return f"; did you mean {_q(close)}?" if close else ""


def _allowed_keys(path: Path_, data: Any, model: type[BaseModel] = Scenario) -> list[str] | None:
    """The keys the model allows at ``path`` (for did-you-mean), if it is a model."""
    tp: Any = model
    current: Any = data
    for part in path:
        tp = _pick(tp, current)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = _field_by_key(tp, str(part))
            if info is None:
                return None
            tp = info
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
        current = _child(current, part)
    tp = _pick(tp, current)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return [info.alias or name for name, info in tp.model_fields.items()]
    return None


def _child(value: Any, part: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(part)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return None


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info.rebuild_annotation()
    return None


def _pick(tp: Any, value: Any) -> Any:
    """Unwrap Annotated and Optional; choose a discriminated union's member by tag."""
    import types
    from typing import Annotated, Union

    for _ in range(8):
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin is Union or origin is types.UnionType:
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) == 1:
                tp = members[0]
                continue
            tag = _condition_tag(value)
            chosen = None
            for member in members:
                meta = getattr(member, "__metadata__", ())
                if any(getattr(m, "tag", None) == tag for m in meta):
                    chosen = member
            if chosen is None:
                return None
            tp = chosen
        else:
            return tp
    return tp


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"the text {_q(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__} ({value})"


def _clean(value: str) -> str:
    """User text made safe for a one-line message: short, no control characters."""
    text = "".join(ch if ch.isprintable() else "?" for ch in value)
    return text[:37] + "..." if len(text) > 40 else text


def _q(value: str) -> str:
    return f"'{_clean(value)}'"


def _one_line(text: str) -> str:
    return " ".join(text.split())
