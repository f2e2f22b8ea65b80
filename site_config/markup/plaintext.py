"""Titles and names as plain text: what goes where no markup can (the HTML
<title>, citation_* and OpenGraph tags, JSON-LD, feeds, Cite text, search).

``to_plain(text)`` reads a stored title or name, which may hold ``$…$`` math
(kept for the page to typeset as MathML), the HTML tags al-folio's files put in
titles (``CO<sub>2</sub>``, ``<i>Quercus</i>``) and TeX left in by hand
(``\\textit{x}``, ``\\&``, ``{DNA}``), and returns readable Unicode with no
backslash, brace, dollar sign or tag: ``${\\mathit{K}}_{24}$`` reads "K₂₄",
``$O(1/\\sqrt{T})$`` reads "O(1/√T)". Math goes through latex2mathml (the
converter the pages use), and the MathML is read back as text, so a symbol
reads the same on the page and in its plain text. One home: every plain-text
place calls this function.
"""

import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache

from latex2mathml.converter import convert

from site_config.markup.math import MATH_RE

# The characters Unicode has sub- and superscript forms of, and those forms.
_SUB_FROM, _SUB_TO = "0123456789+-=()aeoxhklmnpstij", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼ"
_SUP_FROM, _SUP_TO = "0123456789+-=()nitT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵗᵀ"
_SUBSCRIPTS, _SUB_CHARS = str.maketrans(_SUB_FROM, _SUB_TO), set(_SUB_FROM)
_SUPERSCRIPTS, _SUP_CHARS = str.maketrans(_SUP_FROM, _SUP_TO), set(_SUP_FROM)
# Function application and invisible times/separator: nothing to read.
_INVISIBLE = str.maketrans("", "", "\u2061\u2062\u2063\u2064")
# The inline HTML people put in titles; any other "<word>" is text.
_TAG = re.compile(
    r"</?(?:a|abbr|b|br|cite|code|em|i|mark|q|s|small|span|strong|sub|sup|tt|u|var)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_TEX_ESCAPE = re.compile(r"\\([&%$#_{}~^\\])")
_TEX_COMMAND = re.compile(r"\\[a-zA-Z]+\*?\s*")
_TEX_SPACE = re.compile(r"\\[,;:! ]|~")
# Text without any of these has nothing to read: only its spaces are tidied.
_MARKUP = re.compile(r"[$<&\\{}~]")
# Distinct titles remembered (a list reads the same ones on every request);
# longer texts, abstracts, are converted each time rather than kept.
_CACHE_SIZE = 4096
_CACHED_LENGTH = 400


def to_plain(text):
    """text (a title, a name) as one line of readable plain text; "" for none."""
    if not text:
        return ""
    text = str(text)
    if not _MARKUP.search(text):
        # Most titles and names: an import makes a slug of every one of them.
        return " ".join(text.split())
    return _plain(text) if len(text) <= _CACHED_LENGTH else _plain.__wrapped__(text)


def math_to_plain(text):
    """text with only its ``$…$`` math made plain: Markdown read afterwards."""
    if not text or "$" not in text:
        return text or ""
    return MATH_RE.sub(
        lambda m: (
            math_as_text(m.group("display") or m.group("inline"))
            + (m.group("after") or "")
        ),
        text,
    ).replace(r"\$", "$")


@lru_cache(maxsize=_CACHE_SIZE)
def _plain(text):
    parts = []
    position = 0
    for match in MATH_RE.finditer(text):
        parts.append(_plain_prose(text[position : match.start()]))
        tex = match.group("display") or match.group("inline")
        # Punctuation MATH_RE takes along after inline math is prose again.
        parts.append(math_as_text(tex) + _plain_prose(match.group("after") or ""))
        position = match.end()
    parts.append(_plain_prose(text[position:]))
    return " ".join("".join(parts).split())


@lru_cache(maxsize=_CACHE_SIZE)
def math_as_text(tex):
    """One TeX formula (without dollars) as Unicode text.

    Memoised: the same formulas recur across titles ($O(1/\\sqrt{T})$, $\\alpha$)
    and latex2mathml takes about a millisecond for each, which an import paid
    once per title for its slugs."""
    try:
        root = ET.fromstring(convert(tex.strip()))
    except Exception:  # latex2mathml raises many kinds for malformed input
        return _plain_tex(tex)
    return _node_text(root).translate(_INVISIBLE).strip()


def _plain_prose(text):
    """Text outside math: tags read (sub/superscripts kept), TeX removed."""
    text = _tags_to_text(text)
    return _plain_tex(text)


def _plain_tex(text):
    text = text.replace(r"\$", "\x00")
    text = _TEX_SPACE.sub(" ", text)
    text = _TEX_ESCAPE.sub(lambda m: "\x01" if m.group(1) in "{}" else m.group(1), text)
    text = _TEX_COMMAND.sub("", text)
    text = text.replace("{", "").replace("}", "").replace("\\", "")
    return text.replace("\x01", "").replace("\x00", "$")


def _tags_to_text(text):
    """HTML in a title to text: <sub>2</sub> as ₂ when Unicode has it."""
    if "<" not in text:
        return html.unescape(text) if "&" in text else text

    def scripts(match):
        tag, inner = match.group(1).lower(), match.group(2)
        return _script(inner, sub=tag == "sub")

    text = re.sub(r"<(sub|sup)\b[^>]*>(.*?)</\1\s*>", scripts, text, flags=re.I | re.S)
    return html.unescape(_TAG.sub("", text))


def _script(text, *, sub):
    chars = _SUB_CHARS if sub else _SUP_CHARS
    if text and set(text) <= chars:
        return text.translate(_SUBSCRIPTS if sub else _SUPERSCRIPTS)
    mark = "_" if sub else "^"
    return f"{mark}{text}" if len(text) == 1 else f"{mark}({text})"


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _leaf(node):
    text = "".join(node.itertext())
    # Mathematical alphanumerics (𝐾, 𝐱) read as their letters.
    return "".join(
        unicodedata.normalize("NFKC", c) if 0x1D400 <= ord(c) <= 0x1D7FF else c
        for c in text
    ).replace("\u00a0", " ")


def _grouped(text):
    return text if len(text) <= 1 else f"({text})"


def _node_text(node):
    tag = _local(node.tag)
    children = list(node)
    if tag in {"mi", "mn", "mo", "mtext", "ms"}:
        text = _leaf(node)
        # Function names (sin, log, rank) stand apart from what follows.
        return f"{text} " if tag == "mi" and len(text) > 1 else text
    if tag == "mspace":
        return " "
    if tag == "annotation":
        return ""
    texts = [_node_text(child).strip() for child in children]
    if tag in {"msub", "munder"} and len(texts) == 2:
        return texts[0] + _script(texts[1], sub=True)
    if tag in {"msup", "mover"} and len(texts) == 2:
        if tag == "mover" and node.get("accent") == "true":
            return texts[0]
        return texts[0] + _script(texts[1], sub=False)
    if tag in {"msubsup", "munderover"} and len(texts) == 3:
        return texts[0] + _script(texts[1], sub=True) + _script(texts[2], sub=False)
    if tag == "msqrt":
        return "√" + _grouped("".join(texts))
    if tag == "mroot" and len(texts) == 2:
        return _script(texts[1], sub=False) + "√" + _grouped(texts[0])
    if tag == "mfrac" and len(texts) == 2:
        return f"{_grouped(texts[0])}/{_grouped(texts[1])}"
    if tag == "mtr":
        return ", ".join(texts)
    if tag == "mtable":
        return "; ".join(texts)
    return "".join(_node_text(child) for child in children)
