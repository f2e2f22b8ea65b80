"""The admin's import page: upload a BibTeX, CSL-JSON or RIS file, read the
dry-run report, confirm. Both the dry run and the import run as background
tasks (``publications.tasks``), each with the progress bar and report page every
import has (``admin_sources.run_page``): no file is read inside a request.

The uploaded text waits between the two steps in a private temporary file whose
random name is kept only in the editor's session, so nobody can confirm (or
read) an upload that is not theirs, and nothing is written before "Import".
Confirming queues an ``ImportRun`` (``publications.tasks``) and shows its page,
with a progress bar until the worker has run it and the report afterwards.
"""

import contextlib
import io
import secrets
import shutil
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from publications.admin_sources import ImportChoicesForm, run_page
from publications.bibtex.importer import BibtexInputError, decode_bytes
from publications.models import ImportRun
from publications.sources.formats import UnknownFormatError, detect_format
from publications.sources.history import new_run
from publications.tasks import enqueue

MAX_UPLOAD_BYTES = 60 * 1024 * 1024
SESSION_KEY = "publications_bibtex_import"
UPLOAD_DIR = Path(tempfile.gettempdir()) / "labsite-bibtex-uploads"
STALE_AFTER_SECONDS = 24 * 3600


class BibtexUploadForm(ImportChoicesForm):
    field_order = ["file", "encoding", "themes", "overwrite"]
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "BibTeX (.bib), CSL-JSON (Zotero, Pandoc) or RIS (Zotero, Mendeley, "
            "EndNote, publishers): the format is recognised by the content. "
            "A .zip of a .bib and the images and PDFs its preview and pdf fields "
            "name is read too."
        ),
    )
    encoding = forms.CharField(
        label=_("Encoding"), initial="utf-8", max_length=40, required=True
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.")
                % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and cleaned.get("encoding"):
            data, name, images = upload.read(), upload.name, {}
            if data[:4] == b"PK\x03\x04":
                data, name, images = _unzipped(data, name)
            try:
                cleaned["text"] = decode_bytes(
                    data, name=name, encoding=cleaned["encoding"]
                )
                detect_format(cleaned["text"], name=name)
            except (BibtexInputError, UnknownFormatError) as error:
                raise forms.ValidationError(str(error)) from error
            cleaned["images"] = images
        return cleaned


# What al-folio's preview and pdf fields name; each is checked again on use.
NAMED_FILE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".pdf"}
MAX_ZIP_MEMBERS = 5000


def _unzipped(data, name):
    """(bytes of the one .bib, its name, {image file name: bytes}) of a .zip;
    a ValidationError names what is wrong. Sizes are checked before reading, so
    a zip bomb is refused, never unpacked."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise forms.ValidationError(
            _("%(name)s is not a readable .zip file.") % {"name": name}
        ) from error
    bibs = [m for m in members if m.filename.lower().endswith(".bib")]
    if len(bibs) != 1:
        raise forms.ValidationError(
            _("The .zip must hold exactly one .bib file (it holds %(n)d).")
            % {"n": len(bibs)}
        )
    total = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or total > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The .zip unpacks to more than %(mb)d MB or %(n)d files.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024), "n": MAX_ZIP_MEMBERS}
        )
    images = {}
    for member in members:
        base = PurePosixPath(member.filename).name
        if not member.is_dir() and PurePosixPath(base).suffix.lower() in (
            NAMED_FILE_SUFFIXES
        ):
            images[base] = archive.read(member)
    return archive.read(bibs[0]), PurePosixPath(bibs[0].filename).name, images


def _pending_path(token):
    return UPLOAD_DIR / f"{token}.bib"


def _media_dir(token):
    return UPLOAD_DIR / f"{token}-media"


def _store(request, *, name, text, themes, overwrite, images):
    _discard(request)
    UPLOAD_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Uploads never confirmed or cancelled are not kept beyond a day.
    cutoff = time.time() - STALE_AFTER_SECONDS
    for stale in UPLOAD_DIR.glob("*"):
        with contextlib.suppress(OSError):
            if stale.stat().st_mtime < cutoff:
                if stale.is_dir():
                    shutil.rmtree(stale)
                else:
                    stale.unlink()
    token = secrets.token_hex(16)
    _pending_path(token).write_text(text, encoding="utf-8")
    if images:
        folder = _media_dir(token)
        folder.mkdir(mode=0o700)
        for image_name, content in images.items():
            (folder / image_name).write_bytes(content)
    request.session[SESSION_KEY] = {
        "token": token,
        "name": name,
        "themes": [theme.pk for theme in themes],
        "overwrite": overwrite,
    }


def _discard(request, *, keep_media=False):
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        _pending_path(pending["token"]).unlink(missing_ok=True)
        if not keep_media:
            shutil.rmtree(_media_dir(pending["token"]), ignore_errors=True)


def import_view(model_admin, request):
    """Step 1 (upload; the dry run is queued), the dry run's page (progress,
    then its report and the confirm buttons) and step 2 (confirm or cancel)."""
    if not (
        model_admin.has_add_permission(request)
        and model_admin.has_change_permission(request)
    ):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request)
    if request.method == "POST" and "cancel" in request.POST:
        _discard(request)
        return redirect(request.path)
    if request.method == "GET" and "preview" in request.GET:
        return _preview(model_admin, request, request.GET["preview"])
    form = BibtexUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        name = Path(data["file"].name).name
        _store(
            request,
            name=name,
            text=data["text"],
            themes=data["themes"],
            overwrite=data["overwrite"],
            images=data["images"],
        )
        pending = request.session[SESSION_KEY]
        folder = _media_dir(pending["token"])
        # The dry run is a background task like the import itself: a large
        # file is read and matched by the worker, not inside this request.
        run = new_run(
            source=ImportRun.Source.FILES,
            description=name,
            request={
                "files": [[name, data["text"]]],
                "themes": pending["themes"],
                "media_dirs": [str(folder)] if folder.is_dir() else [],
            },
            user=request.user,
            origin=ImportRun.Origin.ADMIN,
            dry_run=True,
            overwrite=data["overwrite"],
        )
        pending["preview_run"] = run.pk
        request.session.modified = True
        enqueue(run)
        return redirect(f"{request.path}?preview={run.pk}")
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": _("Import BibTeX, CSL-JSON or RIS"),
        "form": form,
        "submit_label": _("Check the file"),
    }
    return TemplateResponse(
        request, "admin/publications/publication/import_bibtex.html", context
    )


def _preview(model_admin, request, run_id):
    """The dry run's page: its progress, then its report with "Import" and
    "Cancel" while the upload it checked is this editor's pending one."""
    run = ImportRun.objects.filter(pk=int(run_id) if run_id.isdigit() else 0).first()
    pending = request.session.get(SESSION_KEY) or {}
    if run is None or pending.get("preview_run") != run.pk:
        messages.error(request, _("That upload has expired; please upload it again."))
        return redirect(request.path)
    return run_page(
        request,
        run,
        admin_site=model_admin.admin_site,
        # The progress bar comes back here, where the confirm buttons are.
        run_url=request.get_full_path(),
        confirm_url=request.path,
    )


def _confirm(model_admin, request):
    pending = request.session.get(SESSION_KEY)
    path = _pending_path(pending["token"]) if pending else None
    if path is None or not path.is_file():
        messages.error(request, _("That upload has expired; please upload it again."))
        return redirect(request.path)
    text = path.read_text(encoding="utf-8")
    folder = _media_dir(pending["token"])
    run = new_run(
        source=ImportRun.Source.FILES,
        description=pending["name"],
        request={
            "files": [[pending["name"], text]],
            "themes": pending["themes"],
            # The .zip's images wait for the background run; stale folders are
            # removed a day later like every pending upload.
            "media_dirs": [str(folder)] if folder.is_dir() else [],
        },
        user=request.user,
        origin=ImportRun.Origin.ADMIN,
        overwrite=pending["overwrite"],
    )
    _discard(request, keep_media=True)
    enqueue(run)
    return run_page(
        request,
        run,
        admin_site=model_admin.admin_site,
        changelist_url=reverse("admin:publications_publication_changelist"),
    )
