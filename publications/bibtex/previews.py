"""Files a .bib names by a relative path, as al-folio's entries do: the image
of ``preview`` becomes the publication's image (checked and re-encoded like
every upload), the PDF of ``pdf = {paper.pdf}`` its PDF file (checked to open
in pypdf like every PDF upload).

A file is looked for, in order, in the folders given (``--media-dir``, or the
folder of the admin's .zip), the .bib's own folder, and al-folio's
``assets/img/publication_preview/`` and ``assets/pdf/`` beside the .bib or one
level up (al-folio keeps the .bib in ``_bibliography/``; its templates link
``pdf`` to ``assets/pdf/``). A missing or unreadable file is a warning that
names it; nothing else stops.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from publications.models import Publication
from site_config.media.uploads import (
    MAX_IMAGE_BYTES,
    MAX_PDF_BYTES,
    reencode_image,
    renamed_pdf,
)

ALFOLIO_PREVIEWS = Path("assets") / "img" / "publication_preview"
ALFOLIO_PDFS = Path("assets") / "pdf"


def search_folders(source_name, media_dirs):
    """The folders searched for the files a .bib names (``Path`` list)."""
    folders = [Path(folder) for folder in media_dirs]
    bib = Path(source_name)
    if bib.is_file():
        folders.append(bib.parent)
        for site in (bib.parent, bib.parent.parent):
            folders += [site / ALFOLIO_PREVIEWS, site / ALFOLIO_PDFS]
    return folders


def find(name, folders):
    """The first existing file called ``name`` (a relative path) in folders."""
    relative = Path(name.strip().strip("{}"))
    if relative.is_absolute() or ".." in relative.parts:
        return None
    for folder in folders:
        candidate = folder / relative
        if candidate.is_file():
            return candidate
        candidate = folder / relative.name
        if candidate.is_file():
            return candidate
    return None


@dataclass(frozen=True)
class NamedFile:
    """What a field naming a file becomes: the model field it fills, how the
    file is checked (an upload in, a clean upload out or ValidationError), its
    size limit in bytes and the words the report uses for it."""

    field: str
    clean: Callable
    max_bytes: int
    called: str
    plural: str


PREVIEW = NamedFile("image", reencode_image, MAX_IMAGE_BYTES, "preview image", "images")
PDF = NamedFile("pdf", renamed_pdf, MAX_PDF_BYTES, "pdf", "files")


def attach(publication_id, name, folders, *, kind=PREVIEW, store=True):
    """Give the publication the file called ``name`` found in ``folders``:
    its image (``kind=PREVIEW``) or its PDF (``kind=PDF``).

    Returns None when done (or, with ``store=False``, when it would be done),
    else a warning naming the file and what is wrong with it. The field's text
    stays in the other fields, so the BibTeX export writes it back as it was.
    """
    path = find(name, folders)
    if path is None:
        searched = ", ".join(str(folder) for folder in folders) or "no folder"
        return (
            f"{kind.called} {name!r} not found (searched {searched}; "
            f"give --media-dir or upload a .zip with the {kind.plural})"
        )
    if path.stat().st_size > kind.max_bytes:
        return f"{kind.called} {name!r} is too large to use"
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    try:
        clean = kind.clean(upload)
    except ValidationError as error:
        return f"{kind.called} {name!r} not used: {' '.join(error.messages)}"
    if store:
        _store(publication_id, kind.field, clean)
    return None


def _store(publication_id, field_name, upload):
    # A bulk import wrote the row without save(): store the file, then the name.
    field = Publication._meta.get_field(field_name)
    publication = Publication(pk=publication_id)
    stored = field.storage.save(
        field.generate_filename(publication, upload.name), upload
    )
    Publication.objects.filter(pk=publication_id).update(**{field_name: stored})
