"""OpenGraph cards: a 1200×630 PNG with a page's title and the group's name.

Social sites show a picture beside a shared link only when the page names one
(``og:image``); pages without an image of their own point at a card drawn here.
Drawing takes tens of milliseconds, so cards are kept in the ``cards`` cache
(settings.CACHES; the default cache when there is none) under a key that
changes with the text, and the response may be cached by browsers and proxies
for a day. A card is 25 to 70 KiB: a 10,000-publication site's cards do not
belong in each process's memory, so with the local-memory default they are
kept on disk (``CardFileCache``). 1200×630 is the size Facebook's and LinkedIn's sharing
guides recommend (1.91:1); X (Twitter) crops the same image to 2:1.
"""

import contextlib
import hashlib
import io
import random

from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from PIL import Image, ImageDraw, ImageFont

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


def card_png(title, footer, *, kicker=""):
    """PNG bytes of a card: kicker (small, top), title (wrapped), footer (bottom).

    title, footer and kicker are plain text (no markup); a title too long for
    five lines at the smallest size is cut with an ellipsis. The same text
    always gives the same bytes, from the cache after the first call.
    """
    digest = hashlib.sha256(f"{kicker}\x00{title}\x00{footer}".encode()).hexdigest()
    key = f"labsite:og-card:{digest}"
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
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    y = MARGIN
    if kicker:
        small = ImageFont.load_default(size=30)
        draw.text((MARGIN, y), kicker.upper(), fill=MUTED, font=small)
        y += 60
    # The title keeps clear of the footer rule and name at the bottom.
    font, lines = _fit(title, width, HEIGHT - MARGIN - 90 - y)
    line_height = int(font.size * 1.2)
    for line in lines:
        draw.text((MARGIN, y), line, fill=FOREGROUND, font=font)
        y += line_height
    footer_font = ImageFont.load_default(size=34)
    footer_lines = _wrap(footer, footer_font, width)[:1]
    if footer_lines:
        draw.line(
            [(MARGIN, HEIGHT - MARGIN - 70), (MARGIN + 120, HEIGHT - MARGIN - 70)],
            fill=MUTED,
            width=4,
        )
        draw.text(
            (MARGIN, HEIGHT - MARGIN - 40),
            footer_lines[0],
            fill=MUTED,
            font=footer_font,
        )
    buffer = io.BytesIO()
    # zlib's fastest level: half the time of the default, for a file a third
    # larger (about 26 KiB); an export draws one per publication.
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def _fit(text, width, height):
    """The largest font of TITLE_SIZES at which text fits width × height pixels,
    and its lines; at the smallest size the text is cut with an ellipsis."""
    for size in TITLE_SIZES:
        font = ImageFont.load_default(size=size)
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
