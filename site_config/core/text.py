"""Text folding, slugs and cleaning: the one home of each rule, for every app.

`fold` is how names, titles and keys are compared (people's name keys, the
importer's matching); `slug_base` is how a title or a name becomes a URL slug,
and `unique_slug` / `unique_slugs` make it unique for one row or for a batch.
"""

import re
import unicodedata

from django.db import models
from django.utils.text import slugify

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


def slug_base(text, *, max_length=120):
    """The slug text gives before any "-2" suffix: folded, ASCII, hyphenated.

    Leaves room for the suffix within max_length; "item" when nothing is left
    (a title of symbols only).
    """
    return slugify(fold(text))[: max_length - 8].strip("-") or "item"


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
