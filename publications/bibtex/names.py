"""Author and editor lists: BibTeX's "and" separated names, split by its rules.

The name splitting itself is ``people.names.split_name`` (shared with name variants,
so that keys agree); this module handles the list around it: LaTeX decoding that
keeps the grouping braces, ``and others`` as et al., braced corporate names, and
lists written as prose ("M. Halle, J. Bresnan, and G. Miller"), which cannot be
split by the rules and are kept whole instead.
"""

import re
from dataclasses import dataclass, field, replace
from functools import cache

from people.names import NameParts, split_name, von_family
from publications.bibtex.latex import (
    TooDeep,
    braces_balanced,
    decode,
    decode_strict,
)
from site_config.core.text import fold

_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "jun.", "sen."}
_BRACED_OR_WORD = re.compile(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}\S*|[^\s{]+\S*")
_INITIAL = re.compile(r"^[A-Z]\.?(-[A-Z]\.?)?$")


@dataclass(frozen=True, slots=True)
class Author:
    """One name of a list, decoded to Unicode."""

    parts: NameParts
    literal: bool = False
    # Marks read from the list (al-folio's "Name*", biblatex's author+an).
    equal_contribution: bool = False
    corresponding: bool = False
    other_marks: str = ""
    # Read for every comparison and fingerprint: worked out once, when split.
    display: str = field(default="", compare=False)

    def __post_init__(self):
        if not self.display:
            object.__setattr__(self, "display", self.parts.display)

    @property
    def bibtex(self):
        """The name written back as "von Last, Jr, First" (braced when corporate)."""
        if self.literal:
            return "{" + self.parts.family + "}"
        family = von_family(self.parts.von, self.parts.family)
        if " " in self.parts.family and not self.parts.von:
            family = "{" + family + "}"
        pieces = [family]
        if self.parts.suffix:
            pieces.append(self.parts.suffix)
        if self.parts.given:
            pieces.append(self.parts.given)
        return ", ".join(pieces)


@dataclass
class NameList:
    authors: list = field(default_factory=list)
    et_al: bool = False
    raw: str = ""
    warnings: list = field(default_factory=list)


def _split_and(text):
    """Split on " and " outside braces."""
    if "{" not in text:
        return [" ".join(name.split()) for name in _AND.split(text)]
    names, depth, start = [], 0, 0
    chunks = []
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and char in "aA" and text[index - 1 : index].isspace():
            chunks.append(index)
    for index in chunks:
        match = _AND.match(text, index - 1)
        if match and match.start() >= start:
            names.append(text[start : match.start()])
            start = match.end()
    names.append(text[start:])
    return [" ".join(name.split()) for name in names]


def _decoded_names(value):
    """_split_and(decode(value, keep_braces=True)), decoding name by name.

    Lists are rarely repeated but the names in them are, so each distinct name
    is decoded once. Splitting before decoding gives the same names unless LaTeX
    reaches across an "and" (math, a command just before it, braces around it)
    or decoding makes a new one (``\\emph{and}``); such lists are decoded whole.
    """
    if "$" not in value:
        names = [_decoded_name(piece) for piece in _AND.split(value)]
        if None not in names:
            return names
    return _split_and(decode(value, keep_braces=True))


@cache
def _decoded_name(piece):
    """One undecoded name of a list, decoded; None if it needs its neighbours."""
    if not braces_balanced(piece) or ("\\" in piece and _ends_in_command(piece)):
        return None
    try:
        name = decode_strict(piece, keep_braces=True)
    except TooDeep:
        return None
    if not name or _AND.search(f" {name} ") or not braces_balanced(name):
        return None
    return name


def _ends_in_command(piece):
    """A command (or a lone backslash) that could take what follows as argument."""
    tail = piece[piece.rfind("\\") + 1 :]
    return len(tail) <= 1 or (tail.isascii() and tail.isalpha())


def _looks_like_prose(name):
    """Commas used between whole names rather than BibTeX's "Last, First"."""
    if "," not in name:
        return False
    parts = _top_level_commas(name)
    if len(parts) == 1:
        return False
    if len(parts) > 3 or any(not part.strip() for part in parts):
        return True
    if len(parts) == 3 and parts[1].strip().lower() not in _SUFFIXES:
        return True
    # Two names written with initials and no "and" ("A. Smith, B. Jones",
    # "Halle M, Bresnan J"): both sides of the comma are a name of the same shape.
    # "Henry E. Kyburg, Jr." is a whole name and its suffix, which BibTeX would
    # read as family "Henry E. Kyburg", given "Jr.". Anything else with one
    # comma is BibTeX's "Last, First", an initial in the family part included
    # ("L. Efros, Alexander", "Pavan R., Arvind", "G. Nassiopoulou, A."). A
    # braced group is one word.
    words = _BRACED_OR_WORD.findall(parts[0])
    if len(parts) == 2 and parts[1].strip().lower() in _SUFFIXES:
        return len(words) > 1 and any(_INITIAL.match(word) for word in words)
    shape = _initials_shape(words)
    return shape is not None and shape == _initials_shape(
        _BRACED_OR_WORD.findall(parts[1])
    )


def _initials_shape(words):
    """ "first" for the words of "A. Smith", "last" for "Halle M", else None."""
    if len(words) < 2:
        return None
    first, last = (bool(_INITIAL.match(words[i])) for i in (0, -1))
    if first == last:
        return None
    return "first" if first else "last"


def _top_level_commas(text):
    if "{" not in text:
        return text.split(",")
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


# al-folio's convention: "Name*" equal contribution, "Name†" corresponding author.
DEFAULT_MARKS = {"*": "equal", "†": "corresponding"}
MARK_CHARS = "*†‡§¶+"
_MARKS = re.compile(rf"(?<=\S)[{re.escape(MARK_CHARS)}]+(?=[\s,]|$)")
_MARK_CHAR = re.compile(rf"[{re.escape(MARK_CHARS)}]")
_EXTENDED = re.compile(r"^\s*(family|given|prefix|suffix|useprefix)\s*=", re.I)


ROLES = {"equal", "corresponding", "other"}


def parse_mark_convention(text):
    """A mark convention from text like ``*=equal,†=corresponding,+=other``.

    Returns {mark: role}; raises ValueError naming what is wrong.
    """
    convention = {}
    for item in text.split(","):
        mark, _, role = item.strip().partition("=")
        mark, role = mark.strip(), role.strip().lower()
        if len(mark) != 1 or mark not in MARK_CHARS:
            raise ValueError(
                f"Mark {mark!r} in {text!r}: use one of {' '.join(MARK_CHARS)}."
            )
        if role not in ROLES:
            raise ValueError(
                f"Role {role!r} in {text!r}: use equal, corresponding or other."
            )
        convention[mark] = role
    return convention


def _take_marks(name):
    """(name without marks, marks in order) for one decoded name."""
    if not _MARK_CHAR.search(name):
        return name, ""
    marks = "".join(_MARKS.findall(name))
    if not marks:
        return name, ""
    return " ".join(_MARKS.sub("", name).split()).replace(" ,", ","), marks


def _with_marks(author, marks, convention, warnings):
    roles = {"equal": False, "corresponding": False}
    other = ""
    for mark in marks:
        role = convention.get(mark)
        if role in roles:
            roles[role] = True
        else:
            other += mark
            if role is None:
                warnings.append(
                    f"mark {mark!r} after {author.display!r} has no meaning in the "
                    "mark convention; kept as printed"
                )
    return replace(
        author,
        equal_contribution=roles["equal"],
        corresponding=roles["corresponding"],
        other_marks=other,
    )


def parse_names(value, *, marks=None):
    """A NameList for a raw (undecoded) BibTeX author or editor value.

    ``marks``: the mark convention, mark character -> "equal", "corresponding"
    or "other" (default ``DEFAULT_MARKS``): marks after a name set the author's
    flags and never stay in the name; a mark with no meaning is a warning.
    """
    result = NameList()
    if not value or not value.strip():
        return result
    convention = DEFAULT_MARKS if marks is None else marks
    names = _decoded_names(value)
    if names and names[-1].lower() == "others":
        result.et_al = True
        names = names[:-1]
    marked = [_take_marks(name) for name in names]
    names = [name for name, _marks in marked]
    authors = [_one_name(name) for name in names]
    if any(author is None for author in authors):
        result.raw = decode(value)
        result.warnings.append(
            f"author list {result.raw!r} does not follow BibTeX's rules "
            "(names separated by 'and'); kept as written"
        )
        return result
    result.authors = [
        _with_marks(author, found, convention, result.warnings) if found else author
        for author, (_name, found) in zip(authors, marked, strict=True)
        if author is not _NOBODY
    ]
    return result


_NOBODY = object()


@cache
def _one_name(name):
    """An Author for one name, None if it is prose; each spelling is split once."""
    if name and _EXTENDED.match(name):
        return _extended_name(name)
    if not name or _looks_like_prose(name):
        return None
    literal = name.startswith("{") and name.endswith("}") and _one_group(name)
    if literal:
        parts = NameParts(family=name[1:-1].replace("{", "").replace("}", ""))
    else:
        parts = split_name(name)
    if not (parts.family or parts.given):
        return _NOBODY
    return Author(parts=parts, literal=literal)


def _extended_name(name):
    """biblatex's extended name format: ``family=Hoeven, given=Jasper,
    prefix=van der, useprefix=true`` (biblatex manual, 3.4 "Name lists")."""
    parts = {}
    for item in _top_level_commas(name):
        key, _, value = item.partition("=")
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            value = value[1:-1]
        parts[key.strip().lower()] = value.replace("{", "").replace("}", "").strip()
    if not (parts.get("family") or parts.get("given")):
        return None
    return Author(
        parts=NameParts(
            given=parts.get("given", ""),
            von=parts.get("prefix", ""),
            family=parts.get("family", ""),
            suffix=parts.get("suffix", ""),
        )
    )


def _one_group(text):
    depth = 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0 and index != len(text) - 1:
                return False
    return True


@cache
def folded(text):
    """site_config.core.text.fold for parts of names, memoised: they recur
    ("Wang"), and the importer folds each work's first family name and every
    name's parts for matching."""
    return fold(text)


def forget_memos():
    """Empty the memos of this module (the importer does after each run)."""
    _decoded_name.cache_clear()
    _one_name.cache_clear()
    folded.cache_clear()
