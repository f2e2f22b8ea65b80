import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from people.charts import coauthors
from publications.charts import year_chart
from publications.models import Publication
from site_config.media.thumbnails import responsive, thumbnail

SVG = "{http://www.w3.org/2000/svg}"


def test_year_counts_fill_gaps_in_one_query(
    make_publication, django_assert_num_queries
):
    for year in (2019, 2019, 2022):
        make_publication(f"P{year}", year=year)
    make_publication("Undated", year=None)
    with django_assert_num_queries(1):
        counts = Publication.objects.all().counts_per_year()
    assert counts == [(2019, 2), (2020, 0), (2021, 0), (2022, 1)]


def test_year_chart_geometry_scales_bars_to_counts():
    chart = year_chart([(2020, 1), (2021, 4)], title="T")
    low, high = chart.bars
    assert high.height == pytest.approx(4 * low.height)
    assert high.y + high.height == chart.baseline
    assert chart.description == "5 publications from 2020 to 2021; most in 2021 (4)."
    assert year_chart([], title="T") is None


@pytest.mark.parametrize(
    ("counts", "phrase"),
    [
        (
            [(2019, 2), (2020, 2), (2021, 2), (2022, 1)],
            "most in 2019, 2020 and 2021 (2 each)",
        ),
        ([(2020, 1), (2021, 0), (2022, 1)], "most in 2020 and 2022 (1 each)"),
        ([(2020, 3), (2021, 3)], "3 each year"),
        ([(2020, 3)], "most in 2020 (3)"),
    ],
)
def test_chart_caption_names_every_year_that_ties(counts, phrase):
    assert year_chart(counts, title="T").description.endswith(f"; {phrase}.")


def test_group_chart_is_accessible_inline_svg(make_publication):
    make_publication("A", year=2021)
    make_publication("B", year=2023)
    html = Template("{% load publications %}{% publications_chart %}").render(Context())
    svg = ET.fromstring(
        html[html.index("<svg") : html.index("</svg>") + 6].replace(
            "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
        )
    )
    assert svg.get("role") == "img"
    title_id, desc_id = svg.get("aria-labelledby").split()
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").text == (
        # Two years tie: both are named (issue 12), not the first alone.
        "2 publications from 2021 to 2023; most in 2021 and 2023 (1 each)."
    )
    bars = svg.findall(f".//{SVG}rect")
    assert [bar.find(f"{SVG}title").text for bar in bars] == [
        "2021: 1",
        "2022: 0",
        "2023: 1",
    ]


def test_person_and_theme_charts_count_their_own_publications(
    make_publication, make_person, make_theme
):
    ada = make_person("Ada Lovelace")
    theme = make_theme("Optimisation", description="See [@cited].")
    make_publication("Mine", authors=[ada], year=2020)
    make_publication("Cited", bibtex_key="cited", year=2021)
    make_publication("Tagged", themes=[theme], year=2021)
    person_html = Template(
        "{% load publications %}{% publications_chart ada %}"
    ).render(Context({"ada": ada}))
    assert "1 publication of Ada Lovelace from 2020 to 2020" in person_html
    theme_html = Template(
        "{% load publications %}{% publications_chart theme %}"
    ).render(Context({"theme": theme}))
    assert "2 publications of Optimisation from 2021 to 2021" in theme_html


def test_coauthors_counted_most_frequent_first(make_publication, make_person):
    ada, bob, cy = (make_person(n) for n in ("Ada A", "Bob B", "Cy C"))
    make_publication("1", authors=[ada, bob])
    make_publication("2", authors=[bob, ada, cy])
    make_publication("3", authors=[cy])
    rows = coauthors(ada)
    assert [(row.person.full_name, row.shared, row.share) for row in rows] == [
        ("Bob B", 2, 100),
        ("Cy C", 1, 50),
    ]
    html = Template("{% load people %}{% coauthor_chart ada %}").render(
        Context({"ada": ada})
    )
    assert html.index("Bob B") < html.index("Cy C")
    assert "2 papers" in html


def _png(width, height, color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_thumbnails_are_resized_cached_and_remade_when_source_changes(
    media, make_person
):
    person = make_person("Ada", photo=_png(800, 600))
    first = thumbnail(person.photo, 112, 112)
    assert (first.width, first.height) == (112, 112)
    path = media / first.url.removeprefix("/media/")
    assert path.is_file()
    made_at = path.stat().st_mtime_ns
    assert thumbnail(person.photo, 112, 112).url == first.url
    assert path.stat().st_mtime_ns == made_at  # served from disk, not remade
    with Image.open(path) as image:
        assert image.format == "WEBP"
        assert image.size == (112, 112)


def test_srcset_offers_double_density_and_never_upscales(media, make_person):
    person = make_person("Ada", photo=_png(150, 150))
    one, srcset = responsive(person.photo, 112, 112)
    urls = [part.split()[0] for part in srcset.split(", ")]
    assert srcset.endswith(" 2x")
    assert len(urls) == 2
    with Image.open(media / urls[1].removeprefix("/media/")) as image:
        assert image.size == (150, 150)
    html = Template(
        "{% load labsite %}<img {% thumbnail_attrs p.photo 40 40 %}>"
    ).render(Context({"p": person}))
    assert 'srcset="/media/thumbs/' in html
    assert " 2x" in html


def test_unreadable_or_missing_image_gives_no_thumbnail(media, make_person):
    person = make_person("Ada", photo=_png(50, 50))
    (media / person.photo.name).write_bytes(b"not an image")
    assert thumbnail(person.photo, 40, 40) is None
    person.photo.delete(save=False)
    assert thumbnail(person.photo, 40, 40) is None
    assert (
        Template("{% load labsite %}{% thumbnail_img p.photo 40 %}").render(
            Context({"p": person})
        )
        == ""
    )
