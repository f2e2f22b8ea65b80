"""Text folding, slugs and cleaning: the one home of each rule, for every app.

`fold` is how names, titles and keys are compared (people's name keys, the
importer's matching, site search and the publications list's text filter, in
Python and, through `site_config.core.lookups`, in SQL); `fold_spans` finds
where folded words occur in the original text (search snippets mark them);
`slug_base` is how a title or a name in any script becomes a URL slug, and
`unique_slug` / `unique_slugs` make it unique for one row or for a batch.
"""

import re
import unicodedata

from anyascii import anyascii
from django.db import models

from site_config.markup.plaintext import to_plain

_NON_WORD = re.compile(r"[^\w]+")


def fold(text):
    """Lower-case form of text for matching: accents and punctuation gone.

    str (or None) in, str out: words separated by single spaces, no
    leading or trailing space ("Erdős, Pál" -> "erdos pal"). ASCII text skips
    the Unicode decomposition, which would leave it as it is: the importer
    folds every title and name of a file.
    """
    text = text or ""
    if text.isascii():
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("ł", "l").replace("Ł", "l")
    stripped = stripped.replace("ø", "o").replace("Ø", "o").replace("æ", "ae")
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


MAX_QUERY_LENGTH = 200
MAX_QUERY_WORDS = 8
_QUERY_WORD = re.compile(r"[\w][\w.+'’-]*")


def words_of(query):
    """The words a visitor typed, each once, at most MAX_QUERY_WORDS.

    str (or None) in, [str, ...] out in typed order; quotes and operators are
    dropped, words repeated in another case or accent (fold) are kept once,
    and only the first MAX_QUERY_LENGTH characters are read. Site search and
    the publications list's text filter read queries with it.
    """
    words, seen = [], set()
    for word in _QUERY_WORD.findall((query or "")[:MAX_QUERY_LENGTH]):
        key = fold(word)
        if key and key not in seen:
            seen.add(key)
            words.append(word)
    return words[:MAX_QUERY_WORDS]


def _fold_char(char):
    """One character folded as `fold` folds it, without its word splitting."""
    if char.isascii():
        return char.lower()
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("ł", "l").replace("Ł", "l")
    stripped = stripped.replace("ø", "o").replace("Ø", "o").replace("æ", "ae")
    return stripped.casefold()


def fold_spans(text, words):
    """[(start, end), ...] of text where any of words occurs, folded.

    Accents and case are ignored as `fold` ignores them ("Lahner" is found in
    "Lähner"); the spans index the original text, sorted, not overlapping,
    longest word first where two start together. Used to mark search hits.
    """
    folded, origin = [], []
    for index, char in enumerate(text or ""):
        piece = _fold_char(char)
        folded.append(piece)
        origin.extend([index] * len(piece))
    haystack = "".join(folded)
    needles = sorted(
        {"".join(map(_fold_char, w)) for w in words if w}, key=len, reverse=True
    )
    spans, position = [], 0
    while needles and position < len(haystack):
        found = [
            (at, -len(n)) for n in needles if (at := haystack.find(n, position)) >= 0
        ]
        if not found:
            break
        at, negative_length = min(found)
        end = at - negative_length
        spans.append((origin[at], origin[end - 1] + 1))
        position = end
    return spans


# Characters that stand for a syllable or a word, not a letter: each one's
# transliteration is a word of its own in a slug.
_SYLLABIC = ("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HANGUL SYLLABLE")


def transliterate(text):
    """text in Latin letters: ASCII out for any script (anyascii).

    "Обзор методов" -> "Obzor metodov", "深度学习" -> "Shen Du Xue Xi",
    "박지민" -> "Bag Ji Min": each Chinese character and Hangul syllable is its
    own word, so a slug reads "shen-du-xue-xi" rather than one long run.
    anyascii (ISC licence, no dependencies, maintained) covers every script,
    CJK included; docs/architecture.md says why it was chosen.
    """
    if text.isascii():
        return text
    # Only the non-ASCII characters are looked at: a title is mostly ASCII.
    return _NON_ASCII.sub(_transliterated, text)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _transliterated(match):
    char = match.group()
    if unicodedata.name(char, "").startswith(_SYLLABIC):
        return f" {anyascii(char)} "
    return anyascii(char)


def slug_base(text, *, max_length=120):
    """The slug text gives before any "-2" suffix: folded, ASCII, hyphenated.

    Any script is transliterated (`transliterate`), so a title in Chinese,
    Japanese or Russian gives a slug of its own words, whatever order rows
    are made in. Math and inline tags are read as plain text first
    (site_config.markup.plaintext), so ``CO<sub>2</sub>`` gives "co2", not
    "co-sub-2-sub". Leaves room for the suffix within max_length; "item" only
    when nothing is left (a title of symbols only).
    """
    # Transliterated before folding: fold's decomposition would split a
    # Hangul syllable into letters that anyascii reads one by one. fold then
    # leaves lower-case ASCII words and single spaces, which Django's slugify
    # would only join with hyphens: done here, as an import does it for every
    # title and new co-author.
    words = fold(transliterate(to_plain(text)))
    return words.replace(" ", "-").strip("-_")[: max_length - 8].strip("-") or "item"


def unique_slug(model, text, *, max_length=120, exclude_pk=None, taken=None):
    """A slug for text that no other row of model (and nothing in taken) uses."""
    base = slug_base(text, max_length=max_length)
    candidate = base
    counter = 2
    existing = model._default_manager.filter(slug__startswith=base)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    used = set(existing.values_list("slug", flat=True)) | set(taken or ())
    while candidate in used:
        candidate = f"{base}-{counter}"
        counter += 1
    return candidate


def unique_slugs(model, *, max_length=120):
    """A function text -> slug, unique against model's rows and each other.

    For bulk inserts, which skip ``save()``: the rows' slugs are read once and
    every slug made is remembered.
    """
    taken = set(model._default_manager.values_list("slug", flat=True))

    def make(text):
        base = slug_base(text, max_length=max_length)
        candidate, counter = base, 2
        while candidate in taken:
            candidate = f"{base}-{counter}"
            counter += 1
        taken.add(candidate)
        return candidate

    return make


# Characters XML 1.0 cannot hold (its Char production, section 2.2): C0 controls
# other than tab, newline and carriage return (NUL among them), lone surrogates
# and the two non-characters U+FFFE and U+FFFF. Feeds and sitemaps are XML, and
# PostgreSQL refuses NUL in text, so stored text never holds them.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text):
    """text without the characters XML 1.0 forbids, in Unicode NFC.

    Takes and returns str (anything else is returned unchanged). NFC (Unicode
    Standard Annex #15) makes "é" typed as e + combining accent equal the one
    precomposed character, so searches, keys and slugs see one spelling.
    """
    if not isinstance(text, str):
        return text
    if XML_FORBIDDEN.search(text):
        text = XML_FORBIDDEN.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text


def clean_text_fields(instance):
    """Apply ``clean_text`` to every text column of a model instance, in place.

    Every CharField and TextField (slugs, emails, URLs and Markdown fields are
    such fields) is cleaned; returns the names of the fields that changed.
    """
    changed = []
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.CharField | models.TextField):
            continue
        value = getattr(instance, field.attname)
        cleaned = clean_text(value)
        if cleaned is not value and cleaned != value:
            setattr(instance, field.attname, cleaned)
            changed.append(field.name)
    return changed
