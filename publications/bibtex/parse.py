"""Split BibTeX text into plain entries, with line numbers, tolerating real files.

Why a splitter of our own rather than bibtexparser 2.0.0b8's: measured on the 14
files of the shared corpus (12,705 entries), bibtexparser 2 reads values well but
does not account for every entry. An ``@`` inside a value (``{{GaN}}@ {{SiO2}}``)
starts a new block for it, so the Zotero file gives 7,168 blocks for 7,166 entries
and the JabRef file 913 for 911, and one stray brace in ``Thiebaux:93`` swallows 594
of the 988 entries of the old AI bibliography. Its values would still need our own
macro resolution and LaTeX decoding. This splitter anchors every entry on an
``@type{`` at the start of a line, the rule ``SOURCES.md`` counts by, so a broken
entry can only damage itself: it is reported with its line and key and the next
entry starts fresh. How fast it splits the corpus, against bibtexparser 2, is in
docs/bibtex.md.

Values are returned undecoded (LaTeX intact, outer delimiters removed); ``@string``
macros and ``#`` concatenation are resolved here, ``crossref`` is left to the caller.
"""

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from site_config.core.text import XML_FORBIDDEN, clean_text

HEADER = re.compile(r"^[ \t]*@[ \t]*([A-Za-z][\w-]*)[ \t]*([{(])", re.MULTILINE)
IGNORED_BLOCKS = {"comment", "preamble"}
NOT_ENTRIES = {"string", "comment", "preamble"}
_FIELD_NAME = re.compile(r"[ \t\r\n,]*([^\s=,{}()\"#%]+)[ \t\r\n]*=[ \t\r\n]*")
_SPACE = re.compile(r"[ \t\r\n]*")
_KEY = re.compile(r"[ \t\r\n]*([^,\s{}()]*)[ \t\r\n]*")
_BARE = re.compile(r"[^\s,#{}()\"=]+")
_BRACES = re.compile(r"[{}]")
# Most values hold no inner braces: one regex match reads them.
_FLAT_GROUP = re.compile(r"\{([^{}]*)\}")
_QUOTE_OR_BRACE = re.compile(r'[{}"]')
_FLAT_FIELD = re.compile(
    r"[ \t\r\n,]*([^\s=,{}()\"#%]+)[ \t\r\n]*=[ \t\r\n]*\{([^{}]*)\}[ \t\r\n]*"
)

MONTH_MACROS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}


# No real field comes near this (the longest abstract of the shared corpus is
# under 10,000 characters); a chain of @string macros joined with # can double at
# every step (2**60 characters from 60 lines), so expansion stops here.
MAX_VALUE_CHARS = 300_000
# What all @string macros of one file may add in all, as a multiple of the file's
# own size (with a floor for small files): one macro reused in every entry must
# not turn a 26 KB file into 461 MB of rows (issue #13, finding 1). Real files
# gain far less: journal-name macros add tens of characters per entry.
MACRO_BUDGET_FACTOR = 4
MACRO_BUDGET_FLOOR = 256 * 1024


class EntryError(ValueError):
    """An entry that cannot be read; carries the line where the trouble is."""

    def __init__(self, message, *, line, oversized=False, reason=""):
        super().__init__(message)
        self.line = line
        # For an oversized value, the first cause, kept when it poisons macros.
        self.reason = reason or message
        # Set when a value would grow past MAX_VALUE_CHARS; the field is named by
        # the reader so an @string that overflows can poison its macro.
        self.oversized = oversized
        self.field = ""


@dataclass(slots=True)
class Entry:
    """One ``@type{key, ...}`` entry as written in the file: the shape every
    reader hands to the importer (``importer.import_entries``).

    ``type``: a BibTeX/biblatex entry type in lower case (``article``,
    ``inproceedings``, ``book``, ``misc``...); ``key``: the citation key ("" when
    there is none: one is made); ``fields``: lower-case BibTeX/biblatex field
    names (``title``, ``author``, ``editor``, ``journal``, ``year``, ``date``,
    ``doi``, ``url``...) mapped to text; ``author`` and ``editor`` in BibTeX's
    name-list syntax (``Family, Given and Family, Given``, a corporate name in
    braces, ``and others`` for et al.); ``line``: where the entry starts in its
    source (1 if unknown); ``source``: the entry's text as read, kept on the
    publication and hashed to skip unchanged entries on a re-import.
    ``plain``: True when the values other than names are Unicode text, not LaTeX
    (CSL-JSON, RIS): they are then taken as written, never decoded.
    ``carries``: the model fields the entry's format can express (the reader's
    constant, e.g. ``csljson.CSL_JSON_FIELDS``), or None for BibTeX, which
    carries every managed field. A re-import never clears a field its format
    cannot express (``merge.plan_update``).
    """

    type: str
    key: str
    fields: dict
    line: int
    source: str
    warnings: list = field(default_factory=list)
    # The crossref parent's text, once resolved: part of what the entry says.
    parent_source: str = ""
    plain: bool = False
    # Lines inside the entry that start with %: commented-out fields.
    commented: list = field(default_factory=list)
    carries: frozenset | None = None
    # What another format's reader read and left out, each with its reason
    # (named in the report at -v 2, as ignored BibTeX fields are).
    ignored: list = field(default_factory=list)
    # Fields of a plain entry already in BibTeX's syntax, as author and editor
    # are (a CSL translator list): not escaped as text.
    verbatim: frozenset = frozenset()


@dataclass
class Failure:
    """An entry that could not be read at all; in ``ParseResult.warnings``, a
    problem the reader met at that line (the rest of the entry was read)."""

    line: int
    key: str
    message: str


@dataclass
class ParseResult:
    """A reader's output: ``entries`` (``Entry``), ``failures`` (``Failure``:
    records not read), ``warnings`` (sentences about the whole source, or
    ``Failure`` objects naming the line and key a problem is at)."""

    entries: list
    failures: list
    warnings: list
    macros: dict = field(default_factory=dict)


class _Reader:
    def __init__(self, text, macros):
        self.text = text
        self.macros = macros
        # Macros that could not be expanded within the bounds: name -> why.
        self.oversized = {}
        # Characters macros may still add to this file's values.
        self.budget = max(MACRO_BUDGET_FACTOR * len(text), MACRO_BUDGET_FLOOR)
        self._newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(self, offset):
        return bisect_right(self._newlines, offset - 1) + 1

    def read_braced(self, pos, end):
        """Text inside the group opening at pos; returns (value, position after it)."""
        depth = 0
        for match in _BRACES.finditer(self.text, pos, end):
            if match.group() == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return self.text[pos + 1 : match.start()], match.end()
        raise EntryError(
            "unbalanced braces: this value is never closed", line=self.line_of(pos)
        )

    def read_quoted(self, pos, end):
        depth = 0
        for match in _QUOTE_OR_BRACE.finditer(self.text, pos + 1, end):
            char = match.group()
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0:
                return self.text[pos + 1 : match.start()], match.end()
        raise EntryError(
            'unbalanced quotes or braces: this "..." value is never closed',
            line=self.line_of(pos),
        )

    def read_value(self, pos, end, warnings):
        """A value with its # chain resolved; returns (value, position after it)."""
        parts = []
        size = 0
        start = pos
        while True:
            pos = _SPACE.match(self.text, pos, end).end()
            if pos >= end:
                raise EntryError(
                    "value missing at end of entry", line=self.line_of(pos)
                )
            char = self.text[pos]
            if char == "{":
                flat = _FLAT_GROUP.match(self.text, pos, end)
                if flat:
                    value, pos = flat.group(1), flat.end()
                else:
                    value, pos = self.read_braced(pos, end)
            elif char == '"':
                value, pos = self.read_quoted(pos, end)
            else:
                bare = _BARE.match(self.text, pos, end)
                if bare is None:
                    raise EntryError(
                        f"unexpected {char!r} where a value should start",
                        line=self.line_of(pos),
                    )
                name = bare.group()
                pos = bare.end()
                if name.isdigit():
                    value = name
                else:
                    value = self.resolve_macro(name, warnings, pos)
            size += len(value)
            if size > MAX_VALUE_CHARS:
                raise EntryError(
                    f"value longer than {MAX_VALUE_CHARS:,} characters once its "
                    "macros and # joins are expanded; not read",
                    line=self.line_of(start),
                    oversized=True,
                )
            parts.append(value)
            pos = _SPACE.match(self.text, pos, end).end()
            if pos < end and self.text[pos] == "#":
                pos += 1
                continue
            return "".join(parts), pos

    def resolve_macro(self, name, warnings, pos):
        folded = name.lower()
        if folded in self.oversized:
            defined, reason = self.oversized[folded]
            raise EntryError(
                f"macro {name!r} (line {defined}) cannot be expanded: {reason}",
                line=self.line_of(pos),
                oversized=True,
                reason=reason,
            )
        if folded in self.macros:
            value = self.macros[folded]
            self.budget -= len(value)
            if self.budget < 0:
                raise EntryError(
                    "the file's @string macros expand to more than "
                    f"{MACRO_BUDGET_FACTOR} times the file's size in all "
                    f"(at {name!r}); not read",
                    line=self.line_of(pos),
                    oversized=True,
                )
            return value
        if folded in MONTH_MACROS:
            return MONTH_MACROS[folded]
        warnings.append(f"undefined macro {name!r} kept as its name")
        return name


def _closing(opener):
    return "}" if opener == "{" else ")"


def parse_bibtex(text):
    """Split text into entries; never raises for bad input, reports it instead.

    The text is first cleaned as stored text is (``site_config.core.text.clean_text``:
    no NUL or other character XML forbids, NFC), each line that lost a character
    reported, so one control character cannot fail an entry or a whole batch.
    """
    entries, failures, warnings = [], [], []
    # Every newline convention reads the same: CRLF (Windows), CR (classic Mac
    # OS, some JabRef files) and any mix of them become LF.
    text = _cleaned(text.replace("\r\n", "\n").replace("\r", "\n"), warnings)
    macros = {}
    reader = _Reader(text, macros)
    headers = list(HEADER.finditer(text))
    for index, header in enumerate(headers):
        kind = header.group(1).lower()
        start = header.start()
        end = headers[index + 1].start() if index + 1 < len(headers) else len(text)
        line = reader.line_of(header.start() + len(header.group()) - 1)
        if kind in IGNORED_BLOCKS:
            continue
        body_start = header.end()
        if kind == "string":
            _read_string(reader, header, body_start, end, line, warnings)
            continue
        key_match = _KEY.match(text, body_start, end)
        key = key_match.group(1)
        pos = key_match.end()
        if "=" in key or (pos < end and text[pos] == "="):
            # No key at all: "@article{title = ..." starts with the first field.
            key, pos = "", body_start
        entry_warnings, commented = [], []
        try:
            fields, close = _read_fields(
                reader, pos, end, _closing(header.group(2)), entry_warnings, commented
            )
        except EntryError as error:
            failures.append(Failure(line=error.line, key=key, message=str(error)))
            continue
        source_end = close if close is not None else end
        if close is None:
            entry_warnings.append("entry is not closed; read up to the next entry")
        entries.append(
            Entry(
                type=kind,
                key=key,
                fields=fields,
                line=line,
                source=text[start:source_end].strip(),
                warnings=entry_warnings,
                commented=commented,
            )
        )
    if not headers and text.strip():
        failures.append(
            Failure(
                line=1,
                key="",
                message="no BibTeX entry found: no line starts with @type{key, "
                "(is this a BibTeX file?)",
            )
        )
    return ParseResult(
        entries=entries, failures=failures, warnings=warnings, macros=macros
    )


# Lines named one by one in the warnings; a file full of them gets a count.
_CLEANED_LINES_NAMED = 20


def _cleaned(text, warnings):
    if XML_FORBIDDEN.search(text):
        lines = [
            (number, XML_FORBIDDEN.findall(line))
            for number, line in enumerate(text.split("\n"), start=1)
            if XML_FORBIDDEN.search(line)
        ]
        for number, found in lines[:_CLEANED_LINES_NAMED]:
            codes = ", ".join(sorted({f"U+{ord(ch):04X}" for ch in found}))
            warnings.append(
                f"line {number}: removed {len(found)} control or invalid "
                f"character(s) ({codes})"
            )
        if len(lines) > _CLEANED_LINES_NAMED:
            warnings.append(
                f"control or invalid characters removed on "
                f"{len(lines) - _CLEANED_LINES_NAMED} more lines"
            )
    return clean_text(text)


def _read_fields(reader, pos, end, closing, warnings, commented=None):
    text = reader.text
    fields = {}
    commented = [] if commented is None else commented
    while True:
        flat = _FLAT_FIELD.match(text, pos, end)
        if flat is not None and not (flat.end() < end and text[flat.end()] == "#"):
            # The common "name = {value}," in one match; the same as the long way
            # below, which handles everything else (quotes, macros, #, nesting).
            name, value, pos = flat.group(1).lower(), flat.group(2), flat.end()
            if len(value) > MAX_VALUE_CHARS:
                raise EntryError(
                    f"value of {name!r} longer than {MAX_VALUE_CHARS:,} characters;"
                    " not read",
                    line=reader.line_of(flat.start(2)),
                )
            if name in fields:
                warnings.append(f"field {name!r} given twice; the first value is kept")
            else:
                fields[name] = value
            if pos < end and text[pos] not in ",}" + closing:
                snippet = text[pos : pos + 30].split("\n")[0]
                raise EntryError(
                    f"expected ',' after the {name!r} field but found {snippet!r}",
                    line=reader.line_of(pos),
                )
            continue
        pos = _SPACE.match(text, pos, end).end()
        while pos < end and text[pos] in ",%":
            if text[pos] == "%":
                # A line starting with % inside an entry is a commented-out field
                # (people keep "% url = {...}" for later): skipped, and listed.
                stop = text.find("\n", pos, end)
                stop = end if stop < 0 else stop
                commented.append(text[pos:stop].strip())
                pos = stop
            else:
                pos += 1
            pos = _SPACE.match(text, pos, end).end()
        if pos >= end:
            return fields, None
        if text[pos] == closing:
            return fields, pos + 1
        name_match = _FIELD_NAME.match(text, pos, end)
        if name_match is None:
            snippet = text[pos : pos + 30].split("\n")[0]
            raise EntryError(
                f"expected 'name = value' but found {snippet!r}",
                line=reader.line_of(pos),
            )
        name = name_match.group(1).lower()
        try:
            value, pos = reader.read_value(name_match.end(), end, warnings)
        except EntryError as error:
            error.field = name
            raise
        if name in fields:
            warnings.append(f"field {name!r} given twice; the first value is kept")
        else:
            fields[name] = value
        pos = _SPACE.match(text, pos, end).end()
        if pos < end and text[pos] not in ",}" + closing:
            snippet = text[pos : pos + 30].split("\n")[0]
            raise EntryError(
                f"expected ',' after the {name!r} field but found {snippet!r}",
                line=reader.line_of(pos),
            )


def _read_string(reader, header, pos, end, line, warnings):
    string_warnings = []
    try:
        fields, close = _read_fields(
            reader, pos, end, _closing(header.group(2)), string_warnings
        )
    except EntryError as error:
        if error.oversized and error.field:
            # Entries that use it then fail with their own line, instead of
            # silently reading the macro's name as its value.
            reader.oversized[error.field] = (line, error.reason)
            reader.macros.pop(error.field, None)
        # A Failure-shaped note, so the report names the line as every other
        # problem (file:line: reason), not as line 0 of the file.
        warnings.append(Failure(error.line, "", f"@string not understood ({error})"))
        return
    for name, value in fields.items():
        reader.macros[name] = value
        reader.oversized.pop(name, None)
    if close is None:
        # As for an entry: what follows up to the next @ was read as its value.
        string_warnings.append("@string is not closed; read up to the next entry")
    warnings.extend(Failure(line, "", message) for message in string_warnings)


class BibtexInputError(ValueError):
    """A whole file cannot be read (missing, undecodable): nothing was imported."""


def read_source(path, *, encoding="utf-8"):
    """The text of a .bib file, or a BibtexInputError saying what is wrong."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise BibtexInputError(f"Cannot read {path}: {error.strerror}.") from error
    return decode_bytes(data, name=str(path), encoding=encoding)


# Byte order marks (Unicode 15, 23.8): a file that starts with one is in that
# encoding whatever was asked (EndNote on Windows writes UTF-16 with a BOM).
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


# File signatures ("magic numbers") of what people pick by mistake.
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"PK\x03\x04", "a zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office (OLE) document"),
)


def _refuse_binary(data, *, name, encoding):
    """Raise BibtexInputError for bytes that are no text file at all: a known
    signature, or a NUL byte early on where the encoding has none (UTF-16
    and UTF-32 text, which has them, is left to decode)."""
    what = next((kind for magic, kind in _SIGNATURES if data.startswith(magic)), "")
    if not what and "16" not in encoding and "32" not in encoding:
        what = "a binary file" if b"\x00" in data[:8192] else ""
    if what:
        raise BibtexInputError(
            f"{name} is {what}, not a bibliography: give a BibTeX (.bib), "
            "CSL-JSON (.json) or RIS (.ris) text file."
        )


def normalise_newlines(text):
    """Text with CR LF and a lone CR (classic Mac OS exports) as LF."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data, *, name, encoding="utf-8"):
    """The text of a source file's bytes, for every reader (BibTeX, CSL-JSON, RIS).

    ``encoding`` is used unless the data starts with a UTF-8 or UTF-16 byte order
    mark, which decides; the mark is dropped and line ends become LF. Raises
    BibtexInputError naming the file, byte and line that cannot be decoded.
    """
    for bom, found in _BOMS:
        if data.startswith(bom):
            data, encoding = data[len(bom) :], found
            break
    else:
        _refuse_binary(data, name=name, encoding=encoding)
    try:
        text = data.decode(encoding)
    except LookupError as error:
        raise BibtexInputError(f"Unknown encoding {encoding!r}.") from error
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise BibtexInputError(
            f"{name} is not valid {encoding}: byte {error.start} (line {line}) "
            f"cannot be decoded. Give its encoding, e.g. --encoding latin-1."
        ) from error
    return normalise_newlines(text.removeprefix("\ufeff"))
