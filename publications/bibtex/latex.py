"""LaTeX in BibTeX values to Unicode text.

Accents and special letters become Unicode (``{\\"o}``, ``\\'{e}``, ``{\\ss}``,
``\\v{s}``, ``{\\aa}``, ``\\l{}``, ``{\\c c}``); math between ``$`` signs is kept as it
is written so the site can typeset it; case-protecting braces are removed (or kept,
for name lists, where they group words). Only values holding a backslash, a brace,
a tilde or a dash pair are decoded at all, and each distinct string is decoded once.
"""

import re
import unicodedata
from functools import cache

from site_config.markup.math import TITLE_TAGS

ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
    "t": "\u0361",
}
LETTERS = {
    "ss": "ß",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "ng": "ŋ",
    "NG": "Ŋ",
}
# Logos and abbreviations that TUGboat's classes (ltugboat.cls, "Logos" in
# tugboat.dtx) and other journals' macros define, as the text they print: a
# file written for those classes (pybtex's tugboat.bib has hundreds) would
# otherwise lose them from titles. ``\Dash`` is TUGboat's spaced em dash.
LOGOS = {
    "AllTeX": "(La)TeX", "AMS": "AMS", "AmS": "AMS", "AmSLaTeX": "AMS-LaTeX",
    "AMSLaTeX": "AMS-LaTeX", "ASCII": "ASCII", "BaSiX": "BaSiX", "CONTEXT": "ConTeXt",
    "CSTUG": "CSTUG", "CTAN": "CTAN", "DVI": "DVI", "eOmega": "e-Omega",
    "eTeX": "ε-TeX", "ExTeX": "ExTeX", "HTML": "HTML", "Java": "Java",
    "JTeX": "JTeX", "KOMAScript": "KOMA-Script", "La": "La", "LAMSTeX": "LAMS-TeX",
    "LuaLaTeX": "LuaLaTeX", "LyX": "LyX", "MathML": "MathML", "Mc": "Mc",
    "MetaPost": "MetaPost", "NTG": "NTG", "NTS": "NTS", "OMEGA": "Omega",
    "PCTeX": "PCTeX", "PDF": "PDF", "pdfLaTeX": "pdfLaTeX", "pdfTeX": "pdfTeX",
    "PiC": "PiC", "PiCTeX": "PiCTeX", "plain": "plain", "PS": "PostScript",
    "SGML": "SGML", "slBibTeX": "BibTeX", "SliTeX": "SliTeX", "slMF": "METAFONT",
    "TANGLE": "TANGLE", "TeXLive": "TeX Live", "TeXtures": "Textures",
    "TUB": "TUGboat", "tubissue": "TUGboat ", "TUG": "TUG", "UNIX": "Unix",
    "VAX": "VAX", "VorTeX": "VorTeX", "WEAVE": "WEAVE", "WEB": "WEB",
    "XeLaTeX": "XeLaTeX", "XML": "XML", "Xy": "Xy", "Xypic": "Xy-pic",
    "XyMTeX": "XyMTeX", "XYMTeX": "XyMTeX",
    "Dash": " — ", "dash": " — ", "bs": "\\", "thinspace": " ",
}  # fmt: skip
# TeX's spacing: thin, medium and thick spaces print as a space, a negative
# thin space as nothing.
SPACING = {
    ",": " ", ":": " ", ";": " ", "!": "", "enspace": " ", "enskip": " ",
    "hfill": " ", "hfil": " ",
}  # fmt: skip
SYMBOLS = {
    "textendash": "–",
    "textemdash": "—",
    "textquoteright": "’",
    "textquoteleft": "‘",
    "textquotedblleft": "“",
    "textquotedblright": "”",
    "textregistered": "®",
    "texttrademark": "™",
    "textcopyright": "©",
    "copyright": "©",
    "textdegree": "°",
    "textbullet": "•",
    "textellipsis": "…",
    "ldots": "…",
    "dots": "…",
    "textasciitilde": "~",
    "textasciicircum": "^",
    "textbackslash": "\\",
    "textunderscore": "_",
    "textbar": "|",
    "textless": "<",
    "textgreater": ">",
    "S": "§",
    "P": "¶",
    "dag": "†",
    "ddag": "‡",
    "pounds": "£",
    "euro": "€",
    "guillemotleft": "«",
    "guillemotright": "»",
    "textmu": "µ",
    "texttimes": "×",
    "textperiodcentered": "·",
    "textrightarrow": "→",
    "textasciimacron": "¯",
    "textbraceleft": "{",
    "textbraceright": "}",
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "BibTeX": "BibTeX",
    "AmSTeX": "AmSTeX",
    "AMSTeX": "AMS-TeX",
    "METAFONT": "METAFONT",
    "MF": "METAFONT",
    "MP": "MetaPost",
    "ConTeXt": "ConTeXt",
    "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX",
    "slash": "/",
    "space": " ",
    "quad": " ",
    "qquad": " ",
    "nobreakspace": "\u00a0",
    "textsuperscript": "",
    "relax": "",
    "protect": "",
    "ignorespaces": "",
    "unskip": "",
    "/": "",
    "-": "",
    "@": "",
    **LOGOS,
    **SPACING,
}
# Commands whose argument is kept and the command dropped.
STYLE_COMMANDS = {
    "emph", "textit", "textbf", "textsc", "textrm", "textsf", "texttt", "textup",
    "textsl", "textmd", "textnormal", "mbox", "hbox", "url", "uppercase", "lowercase",
    "MakeUppercase", "MakeLowercase", "text", "textsubscript", "ensuremath", "bf",
    "it", "sl", "sc", "em", "rm", "tt", "sf", "small", "large", "Large", "tiny",
    "footnotesize", "normalsize", "scriptsize", "huge", "Huge", "bfseries",
    "itshape", "scshape", "upshape", "mdseries", "rmfamily", "sffamily", "ttfamily",
    "normalfont", "cal", "mathrm", "selectlanguage", "foreignlanguage", "hyphenation",
    # Font switches of plain-TeX journals' macros (TUGboat's small caps and logo
    # font): the text after them is what prints.
    "smc", "SMC", "slc", "ssf", "sltt", "manual", "eightrm", "ninesmc",
}  # fmt: skip
# Title markup: in a title (decode(..., tags=True)) these commands become the
# inline HTML tags the site stores for al-folio's titles and shows as formatting
# (site_config.markup.math.TITLE_TAGS); encode_title writes the tags back as them.
# Italic is stored as <i> and bold as <b> whatever the file said (\emph, <em>,
# <strong>): they look the same, CSL-JSON's rich text has only <i> and <b>, and
# so every export reads back as the same stored title.
TITLE_COMMANDS = {
    "textit": "i",
    "emph": "i",
    "textbf": "b",
    "textsubscript": "sub",
    "textsuperscript": "sup",
}
_SAME_TAG = {"em": "i", "strong": "b"}
# Each tag as a command; <em> and <strong>, entered by hand, as \emph and \textbf.
_TAG_COMMANDS = {"i": "textit", "em": "emph", "b": "textbf", "strong": "textbf"}
_TAG_COMMANDS.update(sub="textsubscript", sup="textsuperscript")
_TITLE_TAG = re.compile(rf"<(/?)({'|'.join(TITLE_TAGS)})>", re.IGNORECASE)
# Sorting and indexing helpers: their argument is not meant to be printed.
DROPPED_WITH_ARGUMENT = {"noopsort", "SortNoop", "sortnoop", "index", "label"}
# Spacing and struts print nothing: their argument is a size or a strut's text.
DROPPED_WITH_ARGUMENT |= {"vspace", "phantom", "hphantom", "vphantom"}
# Horizontal space with a size for argument: a space.
SPACE_WITH_ARGUMENT = {"hspace"}
# Quotation commands (csquotes, biblatex): their argument in curly quotes.
QUOTE_COMMANDS = {"enquote", "mkbibquote"}
# Commands read by hand in _Decoder.command: a dimension (\kern-.1em), a
# character code (\char`\\, \char92) or a verbatim argument (\path|a@b.org|).
_DIMENSION_COMMANDS = {"kern", "hskip", "vskip", "raise", "lower"}
_VERBATIM_COMMANDS = {"path", "verb"}
_DIMENSION = re.compile(
    r"\s*[-+]?\s*(?:\d+\.?\d*|\.\d+)\s*(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu)"
    r"(?:\s*(?:plus|minus)\s*[-+]?(?:\d+\.?\d*|\.\d+)\s*(?:fill*|fil|em|ex|pt))*"
    # TeX reads one space after a unit as part of the dimension.
    r" ?"
)
# A number or character constant takes one optional space after it.
_CHAR_CODE = re.compile(r"\s*(?:'([0-7]+)|\"([0-9A-Fa-f]+)|([0-9]+)|`\\?(.)) ?")
ESCAPES = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}"}
_COMMAND = re.compile(r"\\([A-Za-z]+|.)")
_MARKUP = re.compile(r"[{}\\]")
_BRACE = re.compile(r"[{}]")
# Runs of text without anything to decode are copied in one piece.
_PLAIN = re.compile(r"(?:[^\\{}$~`'-]|-(?!-)|`(?!`)|'(?!'))*")
_COMMAND_OR_MATH = re.compile(r"[\\$~]")
# Values up to this length are decoded once per run (names, venues, keywords
# recur); longer ones, abstracts and most titles, seldom do, and the memo would
# keep each one's text twice until the import ends.
_MEMO_LENGTH = 200
# Deeper brace nesting than this goes to the decoder, whose own limit (recursion)
# decides what such a value becomes.
_SHALLOW = 64


# Commands the decoder knows; any other command with no argument is dropped
# whole (``dropped_commands``).
_KNOWN_COMMANDS = frozenset(
    {*ACCENTS, *LETTERS, *SYMBOLS, *STYLE_COMMANDS, *TITLE_COMMANDS}
    | DROPPED_WITH_ARGUMENT
    | QUOTE_COMMANDS
    | SPACE_WITH_ARGUMENT
    | _DIMENSION_COMMANDS
    | _VERBATIM_COMMANDS
    | {"char"}
)
# A command with letters for a name and no argument (no "{" after its spaces).
_BARE_COMMAND = re.compile(r"(?<![\\`])\\([A-Za-z]+)(?![A-Za-z]|\s*\{)")


def dropped_commands(text):
    """The names of the unknown commands that ``decode`` leaves out of text
    with nothing in their place (``\\MTeX``, ``\\AmS``: logos a document class
    defines), each once, in order; [] when there are none. Math is kept as
    written, so commands in it are not counted. An unknown command with an
    argument keeps the argument and is not counted."""
    if "\\" not in text:
        return []
    names = []
    for is_math, piece in split_math(text):
        if is_math:
            continue
        for match in _BARE_COMMAND.finditer(piece):
            name = match.group(1)
            if name not in _KNOWN_COMMANDS and name not in names:
                names.append(name)
    return names


def needs_decoding(text):
    """Whether text (a str) holds what the decoder reads: a command, a brace,
    a tie or a ligature (``LIGATURES``). Text without any is only tidied.

    Substring tests, not one regular expression: each is a C scan of the
    text, where the pattern's alternation was tried at every position, and
    every abstract of an import passes here.
    """
    return (
        "\\" in text
        or "{" in text
        or "}" in text
        or "~" in text
        or "--" in text
        or "``" in text
        or "''" in text
    )


class TooDeep(ValueError):
    """A value nested deeper than the decoder reads (hundreds of groups)."""


def decode(text, *, keep_braces=False, tags=False):
    """Unicode text for a BibTeX value; plain values are returned untouched.

    ``tags`` (for titles): ``\\textit{x}`` and ``\\emph{x}`` become ``<i>x</i>``,
    ``\\textbf{x}`` ``<b>x</b>``, ``\\textsubscript{x}`` and
    ``\\textsuperscript{x}`` ``<sub>`` and ``<sup>`` (``TITLE_COMMANDS``), and
    the tags already written in the value are given in lower case (``<em>`` as
    ``<i>``, ``<strong>`` as ``<b>``), so that ``decode(encode_title(t),
    tags=True)`` gives back a title stored by an import.
    """
    try:
        text = decode_strict(text, keep_braces=keep_braces, tags=tags)
    except TooDeep:
        # Hundreds of nested groups are no real markup: keep the bare text.
        text = _tidy(_MARKUP.sub("", text))
    if tags and "<" in text:
        text = _canonical_tags(text)
    return text


def _canonical_tags(text):
    def canonical(match):
        tag = match.group(2).lower()
        return f"<{match.group(1)}{_SAME_TAG.get(tag, tag)}>"

    return "".join(
        piece if is_math else _TITLE_TAG.sub(canonical, piece)
        for is_math, piece in split_math(text)
    )


def decode_strict(text, *, keep_braces=False, tags=False):
    """decode, but raising TooDeep where decode falls back to the bare text."""
    if not text:
        return ""
    if not needs_decoding(text):
        return _tidy(text)
    if not _COMMAND_OR_MATH.search(text):
        # Only braces and dashes (a title in {{...}}, pages 12--19): the decoder
        # would just drop or keep the braces and turn the dashes, so do that here
        # without walking the text character by character.
        text = _ligatures(text)
        if not keep_braces:
            return _tidy(text.replace("{", "").replace("}", ""))
        if braces_balanced(text, max_depth=_SHALLOW):
            return _tidy(text)
    if len(text) <= _MEMO_LENGTH:
        out = _decode_cached(text, keep_braces, tags)
    else:
        out = _decode_cached.__wrapped__(text, keep_braces, tags)
    if out is None:
        raise TooDeep(text[:40])
    return out


def _tidy(text):
    """text in NFC with its spacing collapsed: words separated by single spaces,
    none at either end (``" ".join(text.split())``)."""
    if not unicodedata.is_normalized("NFC", text):
        # Some exports write "é" as e + combining accent: store one form.
        text = unicodedata.normalize("NFC", text)
    # Every character str.split() splits at is unprintable but the space, so
    # printable text is already tidy unless spaces double or border it. Most
    # values are (every abstract passes here): no split and join.
    if (
        text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    ):
        return text
    return " ".join(text.split())


# TeX's dash and quotation ligatures of its text fonts (the TeXbook, chapter 2),
# longest first, read left to right: "-----" is "—–".
LIGATURES = {"---": "—", "--": "–", "``": "\u201c", "''": "\u201d"}
_LIGATURE_AT = re.compile("|".join(LIGATURES))


def _ligatures(text):
    """Text with TeX's ``LIGATURES`` as the characters they print."""
    if "--" in text or "``" in text or "''" in text:
        return _LIGATURE_AT.sub(lambda match: LIGATURES[match.group()], text)
    return text


def braces_balanced(text, *, max_depth=None):
    """Every brace closed in order (and, with max_depth, nested no deeper)."""
    depth = 0
    for match in _BRACE.finditer(text):
        if match.group() == "{":
            depth += 1
            if max_depth is not None and depth > max_depth:
                return False
        else:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# APS and others write accents as \ifmmode <math> \else <text> \fi: the text
# branch is what a reader sees (TeX takes it outside math mode).
_CONDITIONAL = re.compile(
    r"\\ifmmode(?![A-Za-z])(.*?)(?:\\else(?![A-Za-z])(.*?))?\\fi(?![A-Za-z])",
    re.DOTALL,
)


def text_branches(text):
    """TeX conditionals (``\\ifmmode A\\else B\\fi``) replaced by their text
    branch (B; nothing when there is no ``\\else``)."""
    if "\\if" not in text:
        return text
    return _CONDITIONAL.sub(lambda m: (m.group(2) or "").strip(), text)


@cache
def _decode_cached(text, keep_braces, tags=False):
    text = text_branches(text)
    try:
        out = _Decoder(text, keep_braces, tags).run()
    except RecursionError:
        return None
    out = unicodedata.normalize("NFC", out)
    return " ".join(out.split())


class _Decoder:
    def __init__(self, text, keep_braces, tags=False):
        self.text = text
        self.keep_braces = keep_braces
        self.tags = tags
        self.pos = 0

    def run(self):
        return self.group(top=True)

    def group(self, *, top=False):
        """Decode until the closing brace of the current group (or the end)."""
        out = []
        text = self.text
        while self.pos < len(text):
            plain = _PLAIN.match(text, self.pos)
            if plain.end() > self.pos:
                out.append(plain.group())
                self.pos = plain.end()
                continue
            char = text[self.pos]
            if char == "}":
                self.pos += 1
                if top:
                    continue  # a stray closing brace: drop it
                return "".join(out)
            if char == "{":
                special = text.startswith("\\", self.pos + 1)
                self.pos += 1
                inner = self.group()
                # {\"o} is one letter to BibTeX, not a protected group.
                keep = self.keep_braces and not special
                out.append("{" + inner + "}" if keep else inner)
            elif char == "\\":
                out.append(self.command())
            elif char == "$":
                out.append(self.math())
            elif char == "~":
                self.pos += 1
                out.append("\u00a0")
            elif ligature := _LIGATURE_AT.match(text, self.pos):
                self.pos = ligature.end()
                out.append(LIGATURES[ligature.group()])
            else:
                out.append(char)
                self.pos += 1
        return "".join(out)

    def math(self):
        """Math is kept verbatim, delimiters included, so it stays renderable."""
        end = math_end(self.text, self.pos)
        if end == -1:
            # A lone dollar sign is just a dollar sign.
            self.pos += 1
            return "$"
        math = self.text[self.pos : end]
        self.pos = end
        return math

    def argument(self):
        """The next argument: a braced group, or a single (non-space) character."""
        text = self.text
        while self.pos < len(text) and text[self.pos] == " ":
            self.pos += 1
        if self.pos >= len(text):
            return ""
        if text[self.pos] == "{":
            self.pos += 1
            return self.group()
        if text[self.pos] == "\\":
            return self.command()
        char = text[self.pos]
        self.pos += 1
        return char

    def command(self):
        match = _COMMAND.match(self.text, self.pos)
        if match is None:  # a trailing backslash
            self.pos += 1
            return ""
        name = match.group(1)
        self.pos = match.end()
        if name in ACCENTS and (not name.isalpha() or self._argument_follows()):
            base = self.argument()
            if base == "ı":
                base = "i"
            elif base == "ȷ":
                base = "j"
            if not base:
                return ACCENTS[name]
            return base[0] + ACCENTS[name] + base[1:]
        if name.isalpha():
            self._skip_command_space()
        if self.tags and name in TITLE_COMMANDS and self.text.startswith("{", self.pos):
            inner = self.argument()
            tag = TITLE_COMMANDS[name]
            return f"<{tag}>{inner}</{tag}>" if inner.strip() else inner
        if name in LETTERS:
            self._skip_empty_group()
            return LETTERS[name]
        if name in ESCAPES:
            return ESCAPES[name]
        if name in SYMBOLS:
            self._skip_empty_group()
            return SYMBOLS[name]
        if name in _VERBATIM_COMMANDS:
            return self._verbatim()
        if name in _DIMENSION_COMMANDS:
            dimension = _DIMENSION.match(self.text, self.pos)
            if dimension:
                self.pos = dimension.end()
            return ""
        if name == "char":
            return self._character()
        if name in QUOTE_COMMANDS and self.text.startswith("{", self.pos):
            return "\u201c" + self.argument() + "\u201d"
        if name in SPACE_WITH_ARGUMENT:
            if self.text.startswith("{", self.pos):
                self.argument()
            return " "
        if name in DROPPED_WITH_ARGUMENT:
            if self.pos < len(self.text) and self.text[self.pos] == "{":
                self.argument()
            return ""
        if name in STYLE_COMMANDS:
            if self.pos < len(self.text) and self.text[self.pos] == "{":
                return self.argument()
            return ""
        if name == "\\":
            return " "
        if name == " ":
            return " "
        if not name.isalpha():
            return name
        # An unknown command: its arguments are the text worth keeping.
        if self.pos < len(self.text) and self.text[self.pos] == "{":
            return self.argument()
        return ""

    def _verbatim(self):
        """The argument of \\path or \\verb as written: between two of one
        character (``\\path|a@b.org|``) or in braces; nothing is decoded."""
        text = self.text
        if self.pos >= len(text):
            return ""
        if text[self.pos] == "*":  # \\verb*, whose spaces print as a sign
            self.pos += 1
            if self.pos >= len(text):
                return ""
        close = "}" if text[self.pos] == "{" else text[self.pos]
        end = text.find(close, self.pos + 1)
        if end == -1:
            end = len(text)
        content = text[self.pos + 1 : end]
        self.pos = end + 1
        return content

    def _character(self):
        """TeX's \\char with its code: octal ('134), hexadecimal ("5C),
        decimal (92) or a character (`\\\\ or `a), as the TeXbook, chapter 8,
        reads it. A code that is no printable character gives nothing."""
        code = _CHAR_CODE.match(self.text, self.pos)
        if code is None:
            return ""
        self.pos = code.end()
        octal, hexadecimal, decimal, character = code.groups()
        if character is not None:
            return character
        number = (
            int(octal, 8)
            if octal
            else int(hexadecimal or decimal, 16 if hexadecimal else 10)
        )
        if number > 0x10FFFF or not chr(number).isprintable():
            return ""
        return chr(number)

    def _argument_follows(self):
        """Letter accents (\\v, \\c, \\u...) need an argument: \\c c, \\v{s}."""
        return self.pos < len(self.text) and self.text[self.pos] in "{ \\"

    def _skip_command_space(self):
        # TeX skips every space after a control word, a line break included
        # (the TeXbook, chapter 8): "\\bs" at a line's end joins the next word.
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def _skip_empty_group(self):
        if self.text.startswith("{}", self.pos):
            self.pos += 2


def math_end(text, start):
    """End of the math starting with the $ or $$ at start, or -1 if it never ends."""
    delimiter = "$$" if text.startswith("$$", start) else "$"
    end = start + len(delimiter)
    while True:
        end = text.find(delimiter, end)
        if end == -1:
            return -1
        if text[end - 1] != "\\":
            return end + len(delimiter)
        end += 1


def split_math(text):
    """(is_math, piece) pairs, finding math exactly as the decoder does."""
    pieces, pos, start = [], 0, 0
    while True:
        pos = text.find("$", pos)
        if pos == -1:
            break
        if pos > 0 and text[pos - 1] == "\\":
            pos += 1
            continue
        end = math_end(text, pos)
        if end == -1:
            break
        if pos > start:
            pieces.append((False, text[start:pos]))
        pieces.append((True, text[pos:end]))
        pos = start = end
    if start < len(text):
        pieces.append((False, text[start:]))
    return pieces


def strip_braces(text):
    return text.replace("{", "").replace("}", "")


_SPECIAL = re.compile(r"[\\{}&%#_$~^]")
_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def encode(text):
    """LaTeX-safe text for a BibTeX value: special characters escaped, math
    (``$...$`` with balanced braces) left as written, ``--``, ``''`` and
    ````` kept as two characters. ``decode(encode(text)) == text`` for text
    without math. The result's braces always balance: BibTeX counts ``\\{`` as
    a brace when it finds a value's end, so braces of the text that do not pair
    up (a value with "{" alone) are written as ``\\textbraceleft{}`` and
    ``\\textbraceright{}``."""
    encoded = _encoded(text, _ESCAPES)
    if braces_balanced(encoded):
        return encoded
    return _encoded(text, _UNPAIRED_ESCAPES)


def _encoded(text, escapes):
    def escape(match):
        return escapes[match.group()]

    out = []
    for is_math, piece in split_math(text):
        if is_math and braces_balanced(piece):
            out.append(piece)
        else:
            piece = _SPECIAL.sub(escape, piece)
            out.append(_LIGATURE.sub(_split_ligature, piece))
    return "".join(out)


# Pairs TeX's fonts would join into one character (a dash or a quotation mark).
_LIGATURE = re.compile(r"-(?=-)|`(?=`)|'(?=')")
_UNPAIRED_ESCAPES = {
    **_ESCAPES,
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
}


def _split_ligature(match):
    return match.group() + "{}"


def encode_title(text):
    """``encode`` for a title: the inline tags it may hold (``<i>``, ``<sub>``...,
    ``site_config.markup.math.TITLE_TAGS``) written as the LaTeX commands that
    ``decode(..., tags=True)`` reads back (``\\textit{}``, ``\\textsubscript{}``...),
    never as HTML. Outside math only; a tag left open is closed at the end and a
    closing tag with no opening one is dropped, so the braces always balance."""
    out, open_tags = [], []
    for is_math, piece in split_math(text):
        if is_math:
            out.append(encode(piece))
            continue
        position = 0
        for match in _TITLE_TAG.finditer(piece):
            out.append(encode(piece[position : match.start()]))
            position = match.end()
            tag = match.group(2).lower()
            if not match.group(1):
                open_tags.append(tag)
                out.append("\\" + _TAG_COMMANDS[tag] + "{")
            elif tag in open_tags:
                # Closes the tags opened inside it too, as a browser does.
                while open_tags:
                    out.append("}")
                    if open_tags.pop() == tag:
                        break
        out.append(encode(piece[position:]))
    out.append("}" * len(open_tags))
    return "".join(out)


def forget_memos():
    """Empty the memos of this module (the importer does after each run)."""
    _decode_cached.cache_clear()
