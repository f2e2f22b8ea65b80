"""Checks for uploaded files: judged by their content, never by name or browser.

Images are also re-encoded with Pillow before they are stored: the stored file is
pixels written by Pillow (no EXIF, GPS or comments, nothing a browser could sniff
as HTML) under a generated name, so nothing the uploader chose reaches the disk.
"""

import logging
import uuid
import warnings
from contextlib import contextmanager
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_BYTES = 30 * 1024 * 1024
# Stored images are scaled down to fit this box; larger originals only cost space.
MAX_STORED_SIDE = 2400

_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
_CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


def _rewind(upload):
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass


def _too_many_pixels():
    return ValidationError(
        _("The image has too many pixels to be processed safely."),
        code="image_bomb",
    )


def _unreadable():
    return ValidationError(
        _("The file is not a readable JPEG, PNG, WebP or GIF image."),
        code="image_invalid",
    )


@contextmanager
def open_guarded(source):
    """Image.open, with Pillow's decompression-bomb warning raised as an error
    for as long as the image is open (decoding happens lazily, inside)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source) as image:
            yield image


def validate_raster_image(upload):
    """Accept only JPEG, PNG, WebP or GIF content of a sane size."""
    if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is larger than %(limit)d MB."),
            code="image_too_large",
            params={"limit": MAX_IMAGE_BYTES // (1024 * 1024)},
        )
    _rewind(upload)
    try:
        with open_guarded(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _unreadable() from None
    finally:
        _rewind(upload)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, WebP or GIF (got %(format)s)."),
            code="image_format",
            params={"format": image_format or _("an unknown format")},
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise _too_many_pixels()


def validate_pdf(upload):
    """Accept only a real PDF document of a sane size; raise ValidationError.

    upload is any file object with ``size``. It must start with ``%PDF-`` (PDF
    1.7, ISO 32000-1, 7.5.2, the header line; labsite asks for it at byte 0,
    as every PDF writer puts it) and pypdf must read its cross-reference table
    and page tree. An HTML file with ``%PDF-1.4`` in a comment is refused.
    """
    if upload.size is not None and upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The PDF is larger than %(limit)d MB."),
            code="pdf_too_large",
            params={"limit": MAX_PDF_BYTES // (1024 * 1024)},
        )
    _rewind(upload)
    try:
        if upload.read(5) != b"%PDF-":
            raise ValidationError(
                _("The file is not a PDF document."), code="pdf_invalid"
            )
        _rewind(upload)
        _open_pdf(upload)
    finally:
        _rewind(upload)


def _open_pdf(upload):
    try:
        with warnings.catch_warnings(), _quiet_pypdf():
            warnings.simplefilter("ignore")
            reader = PdfReader(upload, strict=False)
            pages = len(reader.pages)
    except Exception:
        # pypdf raises many types on broken input (PdfReadError, ValueError,
        # KeyError, RecursionError ...); each means the same for an upload.
        pages = 0
    if pages < 1:
        raise ValidationError(
            _("The file starts like a PDF but is not a readable PDF document."),
            code="pdf_unreadable",
        )


@contextmanager
def _quiet_pypdf():
    # pypdf logs each repair it makes; an uploaded file's flaws are not ours.
    pypdf_logger = logging.getLogger("pypdf")
    level = pypdf_logger.level
    pypdf_logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        pypdf_logger.setLevel(level)


def generated_name(extension):
    """A fresh file name that tells nothing about the uploader's file."""
    return f"{uuid.uuid4().hex}.{extension}"


def _encodable(image, image_format):
    if image_format == "JPEG":
        return image if image.mode in {"RGB", "L", "CMYK"} else image.convert("RGB")
    if image_format == "GIF":
        return image if image.mode in {"P", "L"} else image.convert("P")
    if image_format == "WEBP":
        return image if image.mode in {"RGB", "RGBA"} else image.convert("RGBA")
    if image.mode in {"1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"}:
        return image
    return image.convert("RGBA")


def reencode_image(upload, *, max_side=MAX_STORED_SIDE):
    """Validate upload and return a new file Pillow wrote from its pixels alone.

    Raises ValidationError (never a Pillow error) for anything that is not a
    JPEG, PNG, WebP or GIF image of a sane size. Orientation from EXIF is applied
    to the pixels first, then every piece of metadata is left behind. Animated
    GIFs keep only their first frame.
    """
    validate_raster_image(upload)
    try:
        with open_guarded(upload) as original:
            image_format = original.format
            original.seek(0)
            image = ImageOps.exif_transpose(original)
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable() from None
    finally:
        _rewind(upload)
    if max(image.size) > max_side:
        image.thumbnail((max_side, max_side))
    image = _encodable(image, image_format)
    # A new image holds the pixels and palette only, so no EXIF, XMP, ICC or text
    # chunk can ride along into the encoder.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if image.mode == "P":
        clean.putpalette(image.getpalette())
        if "transparency" in image.info:
            clean.info["transparency"] = image.info["transparency"]
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 88}}
    buffer = BytesIO()
    try:
        clean.save(buffer, format=image_format, **options.get(image_format, {}))
    except (OSError, ValueError):
        raise _unreadable() from None
    return SimpleUploadedFile(
        generated_name(_EXTENSIONS[image_format]),
        buffer.getvalue(),
        content_type=_CONTENT_TYPES[image_format],
    )


def renamed_pdf(upload):
    """Validate upload as a PDF and return it under a generated name."""
    validate_pdf(upload)
    upload.name = generated_name("pdf")
    upload.content_type = "application/pdf"
    return upload
