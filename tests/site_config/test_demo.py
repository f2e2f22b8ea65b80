import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from people.models import Person
from publications.models import Publication
from research.models import ResearchTheme
from site_config import demo_data
from site_config.models import SiteProfile

CONTENT_APPS = ["people", "research", "publications", "news", "site_config"]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _row_counts():
    return {
        model._meta.label: model.objects.count()
        for app in CONTENT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _load(*args):
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_demo_builds_the_seed_page_structure(db, media):
    _load()
    # 12 papers as on the seed page, and 3 software packages and datasets.
    assert Publication.objects.published().count() == 15
    assert Publication.objects.preprints().count() == 4
    pi = Person.objects.get(role=Person.Role.PI)
    assert pi.native_name == "文书岚"
    assert Person.objects.listed_collaborators().count() == 4
    three = Person.objects.with_affiliations().get(slug="bertrand-okafor")
    assert [a.organization.name for a in three.affiliations.all()] == [
        "Eastmoor University",
        "Northbridge University",
        "Halcyon Institute for Computation",
    ]
    assert Person.objects.alumni().exclude(current_position="").count() == 2
    optimization = ResearchTheme.objects.get(slug="optimization")
    assert optimization.path_title == "Deep Learning Theory > Optimization"
    assert "[@renwick2020landscape;" in optimization.description
    assert Publication.objects.filter(authorships__equal_contribution=True).exists()
    assert Publication.objects.exclude(note="").exists()
    assert SiteProfile.load().group_name == demo_data.PROFILE["group_name"]


def test_every_cited_key_is_a_demo_publication(db, media):
    _load()
    keys = set(Publication.objects.values_list("bibtex_key", flat=True))
    for theme in ResearchTheme.objects.all():
        for key in re.findall(r"@([\w-]+)", theme.description):
            assert key in keys, f"{theme.slug} cites unknown key {key}"


def test_demo_does_not_credit_real_people_from_the_seed(db, media):
    _load()
    names = " ".join(Person.objects.values_list("full_name", flat=True))
    for real in ["Weinan", "Chao Ma", "Lei Wu", "Weijie"]:
        assert real not in names


def test_running_the_demo_twice_creates_nothing_new(db, media):
    first = _load()
    counts = _row_counts()
    files = sorted(p.name for p in (media / "people").iterdir())
    second = _load()
    assert _row_counts() == counts
    assert sorted(p.name for p in (media / "people").iterdir()) == files
    assert "161 new rows" in first
    assert "0 new rows" in second


def test_demo_keeps_editor_changes_on_rerun(db, media):
    _load()
    Person.objects.filter(slug="shulan-wen").update(interests="Edited by hand")
    _load()
    assert Person.objects.get(slug="shulan-wen").interests == "Edited by hand"


def test_demo_photos_are_real_images_saved_through_the_field(db, media):
    _load()
    pi = Person.objects.get(slug="shulan-wen")
    with Image.open(pi.photo.path) as image:
        assert image.format == "PNG"
        assert image.size == (320, 320)
    assert Person.objects.exclude(photo="").count() == 11


def test_lost_photo_files_are_drawn_again(db, media):
    _load()
    pi = Person.objects.get(slug="shulan-wen")
    (media / pi.photo.name).unlink()
    out = _load("-v", "1")
    assert "photos drawn: 1" in out
    assert (media / Person.objects.get(slug="shulan-wen").photo.name).exists()


def test_dry_run_changes_nothing(db, media):
    out = _load("--dry-run")
    assert "Would load the demo group: 161 new rows." in out
    assert Person.objects.count() == 0
    assert not (media / "people").exists()


def test_demo_pages_all_answer(client, db, media):
    _load()
    urls = [reverse(n) for n in ["home", "research:list", "people:list"]]
    urls.append(reverse("publications:list"))
    urls += [p.get_absolute_url() for p in Person.objects.all()]
    urls += [t.get_absolute_url() for t in ResearchTheme.objects.all()]
    urls += [p.get_absolute_url() for p in Publication.objects.all()]
    for url in urls:
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("home")).text
    assert "Shulan Wen" in home
    assert "文书岚" in home
    assert "ICML 2025" in home
