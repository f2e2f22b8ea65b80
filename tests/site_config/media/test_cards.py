"""OpenGraph cards are kept in their own cache: on disk beside a local-memory
default, bounded in files, and never a failed page when the folder is not
writable."""

import hashlib
import io

import pytest
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from PIL import Image, ImageColor

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
