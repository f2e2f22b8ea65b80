"""Files for upload and backup tests: images, PDFs, hostile files, in memory."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_LATITUDE_REF = 1


def image_bytes(fmt="JPEG", size=(40, 30), *, gps=False, color=(200, 30, 30)):
    """Encoded image bytes; with gps=True a JPEG carries camera and GPS EXIF."""
    image = Image.new("RGB", size, color)
    buffer = BytesIO()
    options = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "SpyCam"  # Make
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[GPS_LATITUDE_REF] = "N"
        gps_ifd[2] = (48.0, 51.0, 29.0)
        options["exif"] = exif.tobytes()
    if fmt == "GIF":
        image = image.convert("P")
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def pdf_bytes(pages=1):
    """A real PDF of blank pages, as pypdf writes it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=72, height=72)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def bomb_png():
    """A tiny PNG that claims 12000x12000 pixels: a decompression bomb."""
    buffer = BytesIO()
    Image.new("1", (12000, 12000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


HTML_AS_GIF = b"GIF89a<html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(root):
    return sorted(
        p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()
    )
