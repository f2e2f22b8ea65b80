"""Checks for uploaded files: judged by their content, never by name or browser."""

import warnings

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_PDF_BYTES = 30 * 1024 * 1024


def _rewind(upload):
    try:
        upload.seek(0)
    except (AttributeError, OSError, ValueError):
        pass


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
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The image has too many pixels to be processed safely."),
            code="image_bomb",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("The file is not a readable JPEG, PNG, WebP or GIF image."),
            code="image_invalid",
        ) from None
    finally:
        _rewind(upload)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("Images must be JPEG, PNG, WebP or GIF (got %(format)s)."),
            code="image_format",
            params={"format": image_format or _("an unknown format")},
        )
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image has too many pixels to be processed safely."),
            code="image_bomb",
        )


def validate_pdf(upload):
    """Accept only files that start like a PDF and are not too large."""
    if upload.size is not None and upload.size > MAX_PDF_BYTES:
        raise ValidationError(
            _("The PDF is larger than %(limit)d MB."),
            code="pdf_too_large",
            params={"limit": MAX_PDF_BYTES // (1024 * 1024)},
        )
    _rewind(upload)
    head = upload.read(1024)
    _rewind(upload)
    if b"%PDF-" not in head:
        raise ValidationError(_("The file is not a PDF document."), code="pdf_invalid")
