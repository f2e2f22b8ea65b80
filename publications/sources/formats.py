"""Which format a file is in, judged by its content, and its entries.

Names lie (a ``.txt`` RIS export, a ``.json`` that is BibTeX pasted into a web
form), so the text decides: a JSON array or object is CSL-JSON, a ``TY  -`` line
starts RIS, an ``@type{`` at the start of a line is BibTeX.
"""

import re

from publications.bibtex.parse import normalise_newlines, parse_bibtex
from publications.sources.csljson import CslJsonError, parse_csl_json
from publications.sources.ris import looks_like_ris, parse_ris

BIBTEX, CSL_JSON, RIS = "BibTeX", "CSL-JSON", "RIS"
FORMATS = (BIBTEX, CSL_JSON, RIS)
_BIBTEX_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


class UnknownFormatError(ValueError):
    """A text that is none of the formats read here."""


def detect_format(text, *, name="the file"):
    """``BIBTEX``, ``CSL_JSON`` or ``RIS`` for a text; raises UnknownFormatError.

    ``text``: the decoded file (str); ``name``: how the message names it.
    """
    # CR, CR LF and LF end a line alike (decode_bytes does the same for files).
    text = normalise_newlines(text)
    stripped = text.lstrip("\ufeff \t\n")
    if stripped.startswith(("[", "{")):
        return CSL_JSON
    if looks_like_ris(stripped):
        return RIS
    if _BIBTEX_ENTRY.search(text):
        return BIBTEX
    if not stripped:
        raise UnknownFormatError(f"{name} is empty.")
    first = stripped.splitlines()[0][:60]
    raise UnknownFormatError(
        f"{name} is not BibTeX, CSL-JSON or RIS: no @type{{ entry, JSON list or "
        f"'TY  - ' line was found (it starts with {first!r})."
    )


def parse_text(text, *, name="the file"):
    """``(format, ParseResult)`` for a text in any of the three formats.

    Raises UnknownFormatError when the format cannot be told, or when a text that
    looks like CSL-JSON is not valid JSON (with the line and column).
    """
    kind = detect_format(text, name=name)
    if kind == CSL_JSON:
        try:
            return kind, parse_csl_json(text)
        except CslJsonError as error:
            message = f"{name} is not valid CSL-JSON: {error}."
            raise UnknownFormatError(message) from error
    if kind == RIS:
        return kind, parse_ris(text)
    return kind, parse_bibtex(text)
