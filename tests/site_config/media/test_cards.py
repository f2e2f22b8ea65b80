"""OpenGraph cards are kept in their own cache: on disk beside a local-memory
default, bounded in files, and never a failed page when the folder is not
writable."""

import hashlib
import io
import struct
import zlib

import pytest
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from PIL import Image, ImageColor, ImageDraw

from site_config.media import cards
from site_config.media.cards import HEIGHT, WIDTH, CardFileCache, card_png


@pytest.fixture
def card_folder(settings, tmp_path):
    folder = tmp_path / "cards"
    settings.CACHES = {
        **settings.CACHES,
        "cards": {
            "BACKEND": "site_config.media.cards.CardFileCache",
            "LOCATION": str(folder),
            "OPTIONS": {"MAX_ENTRIES": 100},
        },
    }
    return folder


def test_a_card_is_drawn_once_and_kept_in_the_card_cache(card_folder, monkeypatch):
    png = card_png("A title", "The Group", kicker="Article")
    assert png.startswith(b"\x89PNG")
    assert len(list(card_folder.iterdir())) == 1
    assert caches["default"].get(f"labsite:og-card:{'x' * 64}") is None

    def refuse(*args):
        raise AssertionError("drawn again")

    monkeypatch.setattr(cards, "_draw", refuse)
    assert card_png("A title", "The Group", kicker="Article") == png


def test_the_default_settings_keep_cards_on_disk_with_room_for_a_large_site():
    from site_config import settings as production

    if not production.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        pytest.skip("a shared cache holds the cards")
    config = production.CACHES["cards"]
    assert config["BACKEND"] == "site_config.media.cards.CardFileCache"
    assert config["OPTIONS"]["MAX_ENTRIES"] >= 10_000


def test_file_cache_stays_bounded_without_listing_on_every_write(tmp_path, monkeypatch):
    cache = CardFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 30}})
    listings = []
    list_files = cache._list_cache_files

    def counted():
        listings.append(1)
        return list_files()

    monkeypatch.setattr(cache, "_list_cache_files", counted)
    for number in range(200):
        cache.set(f"key-{number}", b"png" * 10)
    files = list(tmp_path.glob("*.djcache"))
    assert 0 < len(files) <= 30
    # Listed when the count reaches the limit (a third is then removed, so
    # about every tenth write here), not on each of 200 writes.
    assert len(listings) <= 200 // 9 + 1
    assert cache.get("key-199") == b"png" * 10


def test_files_written_by_another_process_are_counted_at_the_next_listing(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(cards, "RECOUNT_EVERY", 5)
    mine = CardFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20}})
    other = CardFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 20}})
    for number in range(60):
        mine.set(f"mine-{number}", b"a")
        other.set(f"other-{number}", b"b")
    assert len(list(tmp_path.glob("*.djcache"))) <= 2 * 20


def test_an_unwritable_card_folder_still_gives_the_card(settings, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    settings.CACHES = {
        **settings.CACHES,
        "cards": {
            "BACKEND": "site_config.media.cards.CardFileCache",
            "LOCATION": str(blocker / "cards"),
        },
    }
    assert card_png("A title", "The Group").startswith(b"\x89PNG")


def _colour_counts(png):
    """{(r, g, b): pixels} of a PNG, and the image as opened."""
    image = Image.open(io.BytesIO(png))
    counts = image.convert("RGB").getcolors(maxcolors=WIDTH * HEIGHT)
    return {colour: count for count, colour in counts}, image


def test_a_card_is_a_palette_png_in_the_card_colours(card_folder):
    colours, image = _colour_counts(
        card_png("A title long enough to wrap " * 3, "The Group", kicker="Article")
    )
    assert image.format == "PNG"
    assert image.mode == "P"
    assert image.size == (WIDTH, HEIGHT)
    background = ImageColor.getrgb(cards.BACKGROUND)
    foreground = ImageColor.getrgb(cards.FOREGROUND)
    # Mostly background, the title's strokes in white, the kicker, rule and
    # footer within 5 of 255 of the muted colour in each channel.
    assert max(colours, key=colours.get) == background
    assert colours[foreground] > 1000
    muted = ImageColor.getrgb(cards.MUTED)
    near_muted = sum(
        count
        for colour, count in colours.items()
        if max(abs(a - b) for a, b in zip(colour, muted, strict=True)) <= 5
    )
    assert near_muted > 500
    # Every other colour is an anti-aliased edge between background and
    # white: on the line between them.
    for colour in colours:
        shares = [
            (c - b) / (f - b)
            for c, b, f in zip(colour, background, foreground, strict=True)
        ]
        assert max(shares) - min(shares) < 0.03, colour


def test_the_card_cache_keeps_the_png_as_it_is_and_reads_older_files(tmp_path):
    cache = CardFileCache(str(tmp_path), {})
    png = card_png("A title", "The Group")
    cache.set("card", png)
    (written,) = tmp_path.glob("*.djcache")
    # Stored, not compressed again: the file holds the PNG's bytes whole.
    assert png in written.read_bytes()
    assert cache.get("card") == png
    # A file Django's own FileBasedCache wrote (compressed) still reads.
    FileBasedCache(str(tmp_path), {}).set("older", png)
    assert cache.get("older") == png


@pytest.mark.parametrize("text", ["é", "ü", "—", "ℝ", "Ж", "λ"])
def test_accents_dashes_and_greek_are_drawn_not_boxed(text):
    """A character the font lacks draws as its missing-glyph box; the titles
    and group names of a research site ("Schrödinger", "Zürich") must not."""
    missing = "\u0378"  # unassigned: every font draws its missing-glyph box
    assert cards._draw(text, "", "") != cards._draw(missing, "", "")
    assert cards._draw("x", text, "") != cards._draw("x", missing, "")


def test_cards_drawn_by_older_code_are_not_served(card_folder):
    png = card_png("Schrödinger", "Zürich")
    digest = hashlib.sha256("\x00Schrödinger\x00Zürich".encode()).hexdigest()
    assert caches[cards.CACHE_ALIAS].get(f"labsite:og-card:{digest}") is None
    assert (
        caches[cards.CACHE_ALIAS].get(f"labsite:og-card:{cards.DRAWING}:{digest}")
        == png
    )


TITLES = [
    "A short title",
    "Transformers learning regularisation generalisation laws (0)",
    "Schrödinger bridges for Zürich’s AVATAR–WAVE data: To Ta Ye, "
    "λ-calculus over ℝ and Жуковский flows " * 2,
    "https://example.org/" + "very-long-path-segment-" * 12 + " and words after it",
    "Multi-scale modelling of protein folding kinetics under crowded "
    "cellular conditions with coarse-grained molecular dynamics",
]


@pytest.mark.parametrize("title", TITLES)
@pytest.mark.parametrize("size", cards.TITLE_SIZES)
def test_wrapped_lines_fit_the_width_and_break_no_earlier_than_needed(title, size):
    """Lines are laid out from word widths summed, not measured whole: each
    line as FreeType lays it out must still fit, and the next line's first
    word must not have fitted on it."""
    font = cards._font(size)
    width = WIDTH - 2 * cards.MARGIN
    lines = cards._wrap(title, font, width)
    # Every character kept, in order (a broken word loses no letter).
    assert "".join(lines).replace(" ", "") == "".join(title.split())
    for line, following in zip(lines, [*lines[1:], None], strict=True):
        assert font.getlength(line) <= width, line
        if following and " " not in following and font.getlength(following) > width:
            continue
        if following:
            first = following.split(" ")[0]
            assert font.getlength(f"{line} {first}") > width, (line, first)


def test_a_word_longer_than_a_line_is_broken_by_characters():
    font = cards._font(cards.TITLE_SIZES[0])
    width = WIDTH - 2 * cards.MARGIN
    word = "x" * 100
    lines = cards._wrap(f"see {word} here", font, width)
    assert lines[0] == "see"
    assert "".join(lines[1:]).replace(" here", "") == word
    assert len(lines) >= 3
    assert all(font.getlength(line) <= width for line in lines)


def test_an_overlong_title_is_cut_with_an_ellipsis_at_the_smallest_size():
    title = "Word " * 400
    font, lines = cards._fit(title, WIDTH - 2 * cards.MARGIN, 400)
    assert font.size == cards.TITLE_SIZES[-1]
    assert len(lines) == min(cards.MAX_TITLE_LINES, 400 // int(font.size * 1.2))
    assert lines[-1].endswith("Word…")
    # The ellipsis too stays within the text's width, on a last line that
    # was full without it.
    assert all(font.getlength(line) <= WIDTH - 2 * cards.MARGIN for line in lines)
    font, lines = cards._fit("x" * 1000, WIDTH - 2 * cards.MARGIN, 400)
    assert lines[-1].endswith("x…")
    assert all(font.getlength(line) <= WIDTH - 2 * cards.MARGIN for line in lines)


def test_a_title_takes_the_largest_size_it_fits_at():
    width = WIDTH - 2 * cards.MARGIN
    font, lines = cards._fit("A short title", width, 400)
    assert (font.size, lines) == (cards.TITLE_SIZES[0], ["A short title"])
    # Six lines at 64 px fit 400 pixels five times: one size down.
    title = " ".join(["Generalisation"] * 12)
    font, lines = cards._fit(title, width, 400)
    assert font.size < cards.TITLE_SIZES[0]
    assert not lines[-1].endswith("…")


def test_the_kicker_and_footer_are_drawn_as_before_when_pasted():
    """Kicker and footer are drawn once and pasted: the card is the one
    drawing all three in place gives."""
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    draw = ImageDraw.Draw(image)
    draw.text(
        (cards.MARGIN, cards.MARGIN),
        "ARTICLE",
        fill=cards.MUTED_LEVEL,
        font=cards._font(30),
    )
    font, lines = cards._fit("A title", WIDTH - 2 * cards.MARGIN, 300)
    draw.text((cards.MARGIN, cards.MARGIN + 60), lines[0], fill=255, font=font)
    bottom = HEIGHT - cards.MARGIN
    draw.line(
        [(cards.MARGIN, bottom - 70), (cards.MARGIN + 120, bottom - 70)],
        fill=cards.MUTED_LEVEL,
        width=4,
    )
    draw.text(
        (cards.MARGIN, bottom - 40),
        "The Group",
        fill=cards.MUTED_LEVEL,
        font=cards._font(34),
    )
    drawn = Image.open(io.BytesIO(cards._draw("A title", "The Group", "Article")))
    assert drawn.tobytes() == image.tobytes()


def _ink_at(*rows):
    image = Image.new("L", (WIDTH, HEIGHT), 0)
    for y in rows:
        image.paste(255, (y % 97, y, y % 97 + 40, y + 1))
    return image


@pytest.mark.parametrize(
    "image",
    [
        Image.new("L", (WIDTH, HEIGHT), 0),
        _ink_at(0, HEIGHT - 1),
        _ink_at(*range(0, HEIGHT, 3)),
        _ink_at(*range(100, 400)),
        Image.effect_noise((WIDTH, HEIGHT), 64),
    ],
    ids=["blank", "first-and-last-rows", "every-third-row", "a-band", "noise"],
)
def test_a_card_png_holds_the_drawn_levels_in_a_valid_zlib_stream(image):
    """Background rows are deflated once per run length and joined with the
    rows that have ink: the stream, its checksum and the pixels must hold."""
    png = cards._png(image)
    chunks, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind, data = png[at + 4 : at + 8], png[at + 8 : at + 8 + length]
        assert struct.unpack(">I", png[at + 8 + length : at + 12 + length]) == (
            zlib.crc32(kind + data),
        )
        chunks[kind] = data
        at += 12 + length
    assert list(chunks) == [b"IHDR", b"PLTE", b"IDAT", b"IEND"]
    raw = image.tobytes()
    # zlib checks the Adler-32 at the stream's end.
    assert zlib.decompress(chunks[b"IDAT"]) == b"".join(
        b"\x00" + raw[y * WIDTH : (y + 1) * WIDTH] for y in range(HEIGHT)
    )
    decoded = Image.open(io.BytesIO(png))
    assert (decoded.mode, decoded.size) == ("P", (WIDTH, HEIGHT))
    assert decoded.tobytes() == raw
    assert decoded.getpalette() == cards._PALETTE
