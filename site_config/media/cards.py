"""OpenGraph cards: a 1200×630 PNG with a page's title and the group's name.

Social sites show a picture beside a shared link only when the page names one
(``og:image``); pages without an image of their own point at a card drawn here.
Drawing takes milliseconds (2 ms a card), so cards are kept in the ``cards`` cache
(settings.CACHES; the default cache when there is none) under a key that
changes with the text, and the response may be cached by browsers and proxies
for a day. A card is 8 to 40 KiB: a 10,000-publication site's cards do not
belong in each process's memory, so with the local-memory default they are
kept on disk (``CardFileCache``). 1200×630 is the size Facebook's and LinkedIn's sharing
guides recommend (1.91:1); X (Twitter) crops the same image to 2:1.
"""

import contextlib
import functools
import hashlib
import pickle
import random
import struct
import zlib
from pathlib import Path

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from PIL import Image, ImageColor, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND = "#1f5fa8"  # the site's accent colour
FOREGROUND = "#ffffff"
MUTED = "#d6e4f5"
TITLE_SIZES = (64, 56, 48, 40)
MAX_TITLE_LINES = 5
CACHE_SECONDS = 60 * 60 * 24 * 30
CACHE_ALIAS = "cards"
# CardFileCache counts its files again after this many writes, so that the
# files other processes wrote are counted too.
RECOUNT_EVERY = 500
# DejaVu Sans (Bitstream Vera licence, fonts/LICENSE-DejaVu.txt), shipped with
# the app: Latin with its accents, Greek, Cyrillic and mathematical letters.
# Pillow's built-in font drew "Schrödinger", "Zürich" or an en dash as boxes.
# (No CJK or emoji: those still draw as boxes.)
FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
# Part of a card's cache key: cards drawn by older code are drawn again.
DRAWING = 3


def card_png(title, footer, *, kicker=""):
    """PNG bytes of a card: kicker (small, top), title (wrapped), footer (bottom).

    title, footer and kicker are plain text (no markup); a title too long for
    five lines at the smallest size is cut with an ellipsis. The same text
    always gives the same bytes, from the cache after the first call.
    """
    digest = hashlib.sha256(f"{kicker}\x00{title}\x00{footer}".encode()).hexdigest()
    key = f"labsite:og-card:{DRAWING}:{digest}"
    alias = CACHE_ALIAS if CACHE_ALIAS in caches.settings else "default"
    try:
        png = caches[alias].get(key)
    except OSError:
        # A card cache folder that cannot be made or read costs a drawing,
        # never a failed page.
        png = None
    if png is None:
        png = _draw(title, footer, kicker)
        with contextlib.suppress(OSError):
            caches[alias].set(key, png, CACHE_SECONDS)
    return png


def _draw(title, footer, kicker):
    # Drawn as levels of one ramp from BACKGROUND (0) to FOREGROUND (255) and
    # saved as a palette PNG of that ramp: anti-aliased text over the
    # background blends levels as it would blend colours, and a byte a pixel
    # encodes in a quarter of the time of three (4 ms, was 16 ms), in half
    # the bytes (about 29 KiB, was 55 KiB).
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    y = MARGIN
    if kicker:
        image.paste(*_kicker(kicker))
        y += 60
    footer_stamp = _footer(footer)
    if footer_stamp:
        image.paste(*footer_stamp)
    draw = ImageDraw.Draw(image)
    # The title keeps clear of the footer rule and name at the bottom.
    font, lines = _fit(title, WIDTH - 2 * MARGIN, HEIGHT - MARGIN - 90 - y)
    line_height = int(font.size * 1.2)
    for line in lines:
        draw.text((MARGIN, y), line, fill=255, font=font)
        y += line_height
    return _png(image)


def _png(image):
    """PNG bytes of image (mode "L", WIDTH × HEIGHT, levels of _PALETTE): an
    8-bit palette PNG of the ramp, one zlib stream in one IDAT chunk."""
    # Pillow's encoder deflates all 756 KB of a card (1.8 ms at zlib's
    # fastest level), though three rows in five are background only. Here
    # each run of background rows is a deflate stream made once per length
    # (_blank_rows), and only the rows with ink are deflated (1.1 ms, 23 KiB,
    # was 25 KiB). Each piece ends on a full flush, so its matches reach back
    # only into itself: the pieces join in any order.
    raw = image.tobytes()
    rows = [raw[start : start + WIDTH] for start in range(0, len(raw), WIDTH)]
    # ink[y] is 1 when row y is not background only; find() walks the runs.
    ink = bytes([row != _BLANK_ROW for row in rows])
    pieces = [b"\x78\x01"]  # zlib header: deflate, 32 KiB window
    # The Adler-32 of all the filtered rows (a, b as zlib keeps them): a run
    # of n zero bytes leaves a alone and adds n × a to b.
    a, b = 1, 0
    deflate = zlib.compressobj(1, zlib.DEFLATED, -15, 8)
    y = 0
    while y < HEIGHT:
        end = ink.find(b"\x00" if ink[y] else b"\x01", y)
        end = HEIGHT if end < 0 else end
        if ink[y]:
            # Filter type 0 (none) before each row, as Pillow writes palette
            # images: "up" on these rows took 3.0 ms for a larger file.
            data = b"\x00" + b"\x00".join(rows[y:end])
            checksum = zlib.adler32(data, b << 16 | a)
            a, b = checksum & 0xFFFF, checksum >> 16
            pieces.append(deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH))
        else:
            pieces.append(_blank_rows(end - y))
            b = (b + (end - y) * (WIDTH + 1) * a) % 65521
        y = end
    pieces.append(b"\x03\x00")  # an empty final block ends the stream
    pieces.append(struct.pack(">I", b << 16 | a))
    return _PNG_HEAD + _chunk(b"IDAT", b"".join(pieces)) + _PNG_END


@functools.cache
def _blank_rows(count):
    """Raw deflate data of count background rows (filter byte and pixels, all
    zero), ending on a flush: fewer than HEIGHT of these ever."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15, 8)
    return deflate.compress(bytes(count * (WIDTH + 1))) + deflate.flush(
        zlib.Z_FULL_FLUSH
    )


def _chunk(kind, data):
    """A PNG chunk: length, kind, data, CRC."""
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data))
    )


# A site has a few kickers (one per kind of publication, "News") and one
# footer (the group's name), drawn alike on every card: each is drawn once per
# process and pasted, 0.3 ms of a card's 3.4 ms. They never overlap the title,
# so pasting them first gives the bytes drawing them around it gave.
@functools.lru_cache(maxsize=64)
def _kicker(kicker):
    """(image, corner) to paste: kicker in capitals at the card's top left."""
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    ImageDraw.Draw(image).text(
        (MARGIN, MARGIN), kicker.upper(), fill=MUTED_LEVEL, font=_font(30)
    )
    return _cropped(image)


@functools.lru_cache(maxsize=64)
def _footer(footer):
    """(image, corner) to paste: a short rule and footer's first line at the
    card's bottom; None when footer is blank."""
    footer_font = _font(34)
    footer_lines = _wrap(footer, footer_font, WIDTH - 2 * MARGIN)[:1]
    if not footer_lines:
        return None
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    draw.line(
        [(MARGIN, HEIGHT - MARGIN - 70), (MARGIN + 120, HEIGHT - MARGIN - 70)],
        fill=MUTED_LEVEL,
        width=4,
    )
    draw.text(
        (MARGIN, HEIGHT - MARGIN - 40),
        footer_lines[0],
        fill=MUTED_LEVEL,
        font=footer_font,
    )
    return _cropped(image)


def _cropped(image):
    """(part, corner): the part of image that is not background, and where it
    goes back; everything outside it is background."""
    box = image.getbbox() or (0, 0, 1, 1)
    return image.crop(box), box[:2]


def _ramp():
    """The palette (768 values) whose level i is BACKGROUND i/255 of the way
    to FOREGROUND, and the level nearest MUTED on it."""
    background, foreground, muted = (
        ImageColor.getrgb(colour) for colour in (BACKGROUND, FOREGROUND, MUTED)
    )
    steps = [f - b for f, b in zip(foreground, background, strict=True)]
    # MUTED is not quite on the ramp: the nearest level (least squares) is
    # off by at most 5 of 255 in a channel (#d8e3f0 for #d6e4f5).
    along = sum(
        (m - b) * step for m, b, step in zip(muted, background, steps, strict=True)
    ) / sum(step * step for step in steps)
    palette = [
        round(b + level * step / 255)
        for level in range(256)
        for b, step in zip(background, steps, strict=True)
    ]
    return palette, round(along * 255)


_PALETTE, MUTED_LEVEL = _ramp()
_BLANK_ROW = bytes(WIDTH)
# Signature, header (8-bit, palette, no interlace) and the ramp as palette.
_PNG_HEAD = (
    b"\x89PNG\r\n\x1a\n"
    + _chunk(b"IHDR", struct.pack(">IIBBBBB", WIDTH, HEIGHT, 8, 3, 0, 0, 0))
    + _chunk(b"PLTE", bytes(_PALETTE))
)
_PNG_END = _chunk(b"IEND", b"")


@functools.cache
def _font(size):
    """FONT at size pixels, loaded once per size and process."""
    return ImageFont.truetype(str(FONT), size)


def _fit(text, width, height):
    """The largest font of TITLE_SIZES at which text fits width × height pixels,
    and its lines; at the smallest size the text is cut with an ellipsis."""
    for size in TITLE_SIZES:
        font = _font(size)
        lines = _wrap(text, font, width)
        room = max(1, min(MAX_TITLE_LINES, height // int(size * 1.2)))
        if len(lines) <= room:
            return font, lines
    lines = lines[:room]
    last = lines[-1].rstrip(" .,;:")
    # A full last line had no room for the ellipsis: it ran into the margin.
    while " " in last and font.getlength(last + "…") > width:
        last = last.rsplit(" ", 1)[0].rstrip(" .,;:")
    while len(last) > 1 and font.getlength(last + "…") > width:
        last = last[:-1]
    lines[-1] = last + "…"
    return font, lines


def _wrap(text, font, width):
    """Words of text in lines no wider than width pixels; a word longer than a
    line is broken by characters (long URLs, CJK titles without spaces)."""
    # A line's width is the sum of its words' and spaces' widths, each
    # measured once per size and process (_length): measuring each growing
    # line again for every word, at up to four sizes, was 25 FreeType
    # layouts a card (0.45 ms). The sum is exact in this font (measured for
    # every character U+0021 to U+27FF at each size) except for a mark that
    # starts a word (Devanagari vowel signs...), which sits on the space when
    # drawn: the sum is then wider than the line, so a line may break a word
    # early, never run past width.
    space = _length(font, " ")
    lines, line, used = [], "", 0.0
    for word in text.split():
        length = _length(font, word)
        if line and used + space + length <= width:
            line, used = f"{line} {word}", used + space + length
            continue
        if line:
            lines.append(line)
        if length <= width:
            line, used = word, length
            continue
        line = ""
        for char in word:
            if font.getlength(line + char) > width:
                lines.append(line)
                line = ""
            line += char
        used = font.getlength(line)
    if line:
        lines.append(line)
    return lines


@functools.lru_cache(maxsize=16_384)
def _length(font, word):
    """font's width of word in pixels (a fraction), kept for the next card: a
    site's titles share most of their words."""
    return font.getlength(word)


class CardFileCache(FileBasedCache):
    """Django's file cache, counting its files once rather than on each write.

    FileBasedCache lists its folder on every ``set`` to decide whether to cull
    (OPTIONS["MAX_ENTRIES"], a random third of the files when reached): a full
    export of a 10,000-publication site writes 10,000 cards, and each listing
    of 10,000 files costs milliseconds. Here the folder is listed on the first
    write, then every RECOUNT_EVERY writes or when this process's count
    reaches MAX_ENTRIES; between listings each write adds one. Other
    processes' writes are counted at the next listing, so with N processes
    writing the folder holds at most about N × MAX_ENTRIES files.
    """

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._count = None
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if (
            self._count is not None
            and self._count < self._max_entries
            and self._writes % RECOUNT_EVERY
        ):
            self._count += 1
            return
        files = self._list_cache_files()
        if len(files) >= self._max_entries:
            # As FileBasedCache culls: a random 1/CULL_FREQUENCY of the files.
            doomed = random.sample(files, len(files) // self._cull_frequency)
            for name in doomed:
                self._delete(name)
            files = set(files).difference(doomed)
        # _count: the files there once this write is done.
        self._count = len(files) + 1

    def _write_content(self, file, timeout, value):
        # As FileBasedCache writes, but zlib stores the pickled PNG without
        # compressing it again (level 0): the PNG is compressed already, and
        # the default level cost 1 ms a card to save a tenth of the file.
        # FileBasedCache's reading decompresses either.
        file.write(
            pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol)
        )
        file.write(zlib.compress(pickle.dumps(value, self.pickle_protocol), 0))
