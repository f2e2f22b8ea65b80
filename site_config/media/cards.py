"""OpenGraph cards: a 1200×630 PNG with a page's title and the group's name.

Social sites show a picture beside a shared link only when the page names one
(``og:image``); pages without an image of their own point at a card drawn here.
Drawing takes tens of milliseconds, so cards are kept in the ``cards`` cache
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
import io
import pickle
import random
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
DRAWING = 2


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
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    y = MARGIN
    if kicker:
        draw.text(
            (MARGIN, y),
            kicker.upper(),
            fill=MUTED_LEVEL,
            font=_font(30),
        )
        y += 60
    # The title keeps clear of the footer rule and name at the bottom.
    font, lines = _fit(title, width, HEIGHT - MARGIN - 90 - y)
    line_height = int(font.size * 1.2)
    for line in lines:
        draw.text((MARGIN, y), line, fill=255, font=font)
        y += line_height
    footer_font = _font(34)
    footer_lines = _wrap(footer, footer_font, width)[:1]
    if footer_lines:
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
    image.putpalette(_PALETTE)
    buffer = io.BytesIO()
    # zlib's fastest level: a third of the time of the default (10 ms), for a
    # file a third larger; an export draws one per publication. optimize
    # (level 9) would save 9 KiB for 60 ms more.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


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
    lines[-1] = lines[-1].rstrip(" .,;:") + "…"
    return font, lines


def _wrap(text, font, width):
    """Words of text in lines no wider than width pixels; a word longer than a
    line is broken by characters (long URLs, CJK titles without spaces)."""
    lines, line = [], ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{line} {word}".strip()
        if font.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if font.getlength(line + char) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return lines


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
