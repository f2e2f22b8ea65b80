"""Small text helpers shared by the apps: name keys and unique slugs."""

import re
import unicodedata

from django.utils.text import slugify


def fold(text):
    """Lower-case ASCII-ish form of text for matching: accents and punctuation gone."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("ß", "ss").replace("ł", "l").replace("Ł", "l")
    stripped = stripped.replace("ø", "o").replace("Ø", "o").replace("æ", "ae")
    return re.sub(r"[^\w]+", " ", stripped.casefold()).strip()


def unique_slug(model, text, *, max_length=120, exclude_pk=None, taken=None):
    """A slug for text that no other row of model (and nothing in taken) uses."""
    base = slugify(fold(text))[: max_length - 8].strip("-") or "item"
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
