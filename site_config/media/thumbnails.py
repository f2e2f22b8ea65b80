"""Resized copies of uploaded photos and theme images, made once and kept on disk.

A page asks for an image at the size its layout shows (and twice that for sharp
screens); the copy is written under MEDIA_ROOT/thumbs/ the first time and served
as a plain media file afterwards. A copy older than its source is made again, so
replacing a photo shows the new one.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from PIL import Image, ImageOps, UnidentifiedImageError

from site_config.media.uploads import MAX_IMAGE_PIXELS, open_guarded

logger = logging.getLogger(__name__)

THUMBS_DIR = "thumbs"
QUALITY = 82
DENSITIES = (1, 2)


@dataclass(frozen=True)
class Thumbnail:
    url: str
    width: int
    height: int


def _source_path(field_file):
    # Only images on local disk are thumbnailed; a remote storage (S3 and the
    # like) has no path, and its images are served at full size.
    if not isinstance(field_file.storage, FileSystemStorage):
        return None
    try:
        return Path(field_file.path)
    except ValueError:
        return None


def _thumbnail_stem(source_name):
    digest = hashlib.sha256(source_name.encode()).hexdigest()[:16]
    return f"{THUMBS_DIR}/{digest[:2]}/{digest}"


def delete_thumbnails(storage, source_name):
    """Remove every size made of a source image that is being deleted."""
    if not isinstance(storage, FileSystemStorage) or not source_name:
        return
    stem = Path(settings.MEDIA_ROOT) / _thumbnail_stem(source_name)
    for made in stem.parent.glob(f"{stem.name}-*.webp"):
        made.unlink(missing_ok=True)


def thumbnail(field_file, width, height=None):
    """A resized copy of field_file at most width wide (cropped to width x height
    when height is given); None when there is no readable source image."""
    if not field_file:
        return None
    source = _source_path(field_file)
    if source is None or not source.is_file():
        return None
    size = f"{width}x{height}" if height else f"{width}w"
    name = f"{_thumbnail_stem(field_file.name)}-{size}.webp"
    target = Path(settings.MEDIA_ROOT) / name
    try:
        fresh = target.is_file() and target.stat().st_mtime >= source.stat().st_mtime
        if fresh:
            with Image.open(target) as made:
                made_width, made_height = made.size
        else:
            made_width, made_height = _make(source, target, width, height)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError) as error:
        logger.warning("No thumbnail for %s: %s", field_file.name, error)
        return None
    return Thumbnail(
        url=f"{settings.MEDIA_URL}{name}", width=made_width, height=made_height
    )


def _make(source, target, width, height):
    with open_guarded(source) as image:
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise Image.DecompressionBombError("too many pixels")
        image = ImageOps.exif_transpose(image)
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
        if height:
            image = ImageOps.fit(
                image, _no_upscale(image, width, height), Image.Resampling.LANCZOS
            )
        else:
            image.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{secrets.token_hex(4)}.part")
        image.save(partial, "WEBP", quality=QUALITY, method=4)
        # Renamed into place so a concurrent request never reads half a file.
        partial.replace(target)
        return image.size


def _has_alpha(image):
    return image.mode in {"RGBA", "LA", "PA"} or (
        image.mode == "P" and "transparency" in image.info
    )


def _no_upscale(image, width, height):
    scale = min(1.0, image.width / width, image.height / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def responsive(field_file, width, height=None):
    """(1x thumbnail, "url 1x, url 2x" srcset) or (None, "") without an image."""
    made = [
        (d, thumbnail(field_file, width * d, height and height * d)) for d in DENSITIES
    ]
    made = [(density, thumb) for density, thumb in made if thumb is not None]
    if not made:
        return None, ""
    srcset = ", ".join(f"{thumb.url} {density}x" for density, thumb in made)
    return made[0][1], srcset
