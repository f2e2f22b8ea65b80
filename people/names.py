"""Splitting personal names by BibTeX's rules, printing them, building match keys.

Used by the people app (name variants) and by the BibTeX importer, so that
"E, Weinan", "Weinan E" and "W. E" all reduce to comparable keys.

Chinese, Japanese and Korean names are printed family name first without a
space (田中太郎, 王明泽, 박지민), as they are written in those scripts; a name
in one of them written without a comma ("田中 太郎") is read in that order,
family name first. `NameParts.display` and `printed_name` are the one home of
that rule for people, the importer and authorships.
"""

import unicodedata
from dataclasses import dataclass

from site_config.core.text import fold


def von_family(von, family):
    """The von part and the family name as printed together: with a space
    ("van der Berg"), but a particle that ends in a hyphen joins without one
    ("al-" and "Ibn Sina" make "al-Ibn Sina", as Arabic names are written)."""
    if not von or not family:
        return von or family
    return von + family if von.endswith("-") else f"{von} {family}"


@dataclass(frozen=True)
class NameParts:
    given: str = ""
    von: str = ""
    family: str = ""
    suffix: str = ""

    @property
    def display(self):
        """The name as printed: "Ada Lovelace", "Martin Luther King, Jr",
        and family name first without a space in CJK scripts ("田中太郎")."""
        family = von_family(self.von, self.family)
        if is_cjk(self.given) and is_cjk(family):
            name = family + self.given
        else:
            name = " ".join(part for part in (self.given, family) if part)
        return f"{name}, {self.suffix}" if self.suffix else name

    @property
    def key(self):
        """Full match key: family and given name, accents and case folded."""
        return name_keys(self)[0]

    @property
    def initials_key(self):
        """Family name plus the initials of the given names ("wang|m")."""
        return name_keys(self)[1]

    @property
    def is_initials_only(self):
        words = [w.strip(".") for w in self.given.replace("-", " ").split()]
        return bool(words) and all(len(w) <= 1 for w in words)


# Unicode character names of the scripts whose names read family name first,
# without a space: Han ideographs (and their iteration mark), kana, Hangul.
_CJK_NAMES = (
    "CJK UNIFIED IDEOGRAPH",
    "CJK COMPATIBILITY IDEOGRAPH",
    "IDEOGRAPHIC",
    "HIRAGANA",
    "KATAKANA",
    "HANGUL",
)


def is_cjk(text):
    """True when every letter of text is Chinese, Japanese or Korean.

    str in; False for text without letters. Spaces and punctuation ("・")
    do not count either way.
    """
    if not text or text.isascii():
        return False  # no letter of those scripts (the common case, made quick)
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(
        unicodedata.name(char, "").startswith(_CJK_NAMES) for char in letters
    )


def printed_name(printed, *, given="", family=""):
    """How a name as printed on a paper is shown, given its person's parts.

    A CJK name printed in Western order with a space ("太郎 田中", as imports
    before this rule stored it) is the person's name, shown family first
    ("田中太郎"); any other printed name is shown as printed.
    """
    if (
        " " in printed
        and is_cjk(given)
        and is_cjk(family)
        and printed.replace(" ", "") in {given + family, family + given}
    ):
        return family + given
    return printed


def _split_words(text):
    """Split on whitespace outside braces, keeping braced groups whole."""
    if "{" not in text and "}" not in text:
        return text.replace("~", " ").split()  # what the loop below gives
    words, current, depth = [], [], 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char.isspace() and depth == 0:
            if current:
                words.append("".join(current))
                current = []
        elif char == "~" and depth == 0:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        words.append("".join(current))
    return words


def _split_commas(text):
    if "{" not in text and "}" not in text:
        return [part.strip() for part in text.split(",")]  # as the loop below
    parts, current, depth = [], [], 0
    for char in text:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _is_lower(word):
    """BibTeX's von test: the first letter at brace depth 0 is lower case."""
    depth = 0
    for char in word:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char.isalpha():
            return depth == 0 and char.islower()
    return False


def _unbrace(text):
    return text.replace("{", "").replace("}", "").strip()


def split_name(text):
    """Split one name ("von Last, Jr, First", "Last, First" or "First von Last")."""
    text = " ".join(text.split())
    parts = _split_commas(text)
    if len(parts) >= 3:
        von_last, suffix, given = parts[0], parts[1], ", ".join(parts[2:])
        von, family = _split_von_last(_split_words(von_last))
        return NameParts(
            _unbrace(given), _unbrace(von), _unbrace(family), _unbrace(suffix)
        )
    if len(parts) == 2:
        von, family = _split_von_last(_split_words(parts[0]))
        return NameParts(_unbrace(parts[1]), _unbrace(von), _unbrace(family))
    words = _split_words(text)
    if not words:
        return NameParts()
    if len(words) == 1:
        return NameParts(family=_unbrace(words[0]))
    if is_cjk(text):
        # Written in its own script, a CJK name reads family name first.
        return NameParts(given=_unbrace("".join(words[1:])), family=_unbrace(words[0]))
    von_start = next((i for i, word in enumerate(words[:-1]) if _is_lower(word)), None)
    if von_start is None:
        return NameParts(_unbrace(" ".join(words[:-1])), "", _unbrace(words[-1]))
    von_end = von_start
    for i in range(von_start, len(words) - 1):
        if _is_lower(words[i]):
            von_end = i
    return NameParts(
        _unbrace(" ".join(words[:von_start])),
        _unbrace(" ".join(words[von_start : von_end + 1])),
        _unbrace(" ".join(words[von_end + 1 :])),
    )


def _split_von_last(words):
    if not words:
        return "", ""
    von_end = -1
    for i, word in enumerate(words[:-1]):
        if _is_lower(word):
            von_end = i
    return " ".join(words[: von_end + 1]), " ".join(words[von_end + 1 :])


def name_keys(parts, *, fold=fold):
    """(key, initials_key) of NameParts: "family|given" and "family|initials".

    The one way name keys are built: NameVariant.match_key, merging people and
    the importer's matching all compare these. Each part is folded
    (site_config.core.text.fold); fold may be a memoised copy of it.
    """
    family = fold(von_family(parts.von, parts.family))
    given = fold(parts.given)
    initials = "".join(word[0] for word in given.split())
    return f"{family}|{given}", f"{family}|{initials}"


def name_key(text):
    """The full match key of a name as written ("E, Weinan" -> "e|weinan")."""
    return split_name(text).key


def person_name_fields(parts):
    """(given_name, family_name) as a Person stores split NameParts.

    The von part stays with the family name ("van der Berg"), so lists sort
    by it. Person.save() uses this, and so does the importer, whose bulk
    inserts skip save().
    """
    return parts.given, von_family(parts.von, parts.family)
