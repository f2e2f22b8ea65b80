"""Incremental exports after seeded random edits equal a full export.

The other export tests each make edits chosen by hand. Here a seeded sequence
of the edits an editor makes in the admin (text, flags, years, status, themes,
author order, slugs, deletions and additions, across every app) runs between
incremental exports, and the copy must then hold exactly the files a full
export writes. A dependency the export failed to record shows up as a file
that differs.
"""

import random

import pytest

from news.models import Course, NewsPost, Talk
from people.models import Person
from publications.models import Authorship, Publication
from research.models import Grant, ResearchTheme
from site_config.export.build import export_site
from site_config.models import SiteProfile
from tests.site_config.export.conftest import BASE_URL, mirror_files


def _pick(rng, queryset):
    pks = sorted(queryset.values_list("pk", flat=True))
    return queryset.model.objects.get(pk=rng.choice(pks)) if pks else None


def _append(rng, model, field):
    def edit():
        item = _pick(rng, model.objects.all())
        if item is None:
            return
        value = getattr(item, field)
        limit = model._meta.get_field(field).max_length or 1000
        setattr(item, field, f"{value} edited {rng.randint(1, 99)}"[:limit])
        item.save()

    return edit


def _toggle(rng, model, field):
    def edit():
        item = _pick(rng, model.objects.all())
        if item is not None:
            setattr(item, field, not getattr(item, field))
            item.save()

    return edit


def _shift_year(rng):
    item = _pick(rng, Publication.objects.exclude(year=None))
    if item is not None:
        item.year += rng.choice([-7, -1, 1])
        item.save()


def _change_status(rng):
    item = _pick(rng, Publication.objects.all())
    if item is not None:
        item.status = rng.choice(
            [value for value in Publication.Status.values if value != item.status]
        )
        item.save()


def _toggle_theme(rng):
    item = _pick(rng, Publication.objects.all())
    theme = _pick(rng, ResearchTheme.objects.all())
    if item is None or theme is None:
        return
    if item.themes.filter(pk=theme.pk).exists():
        item.themes.remove(theme)
    else:
        item.themes.add(theme)


def _swap_authors(rng):
    item = _pick(rng, Publication.objects.filter(authorships__position__gt=1))
    if item is None:
        return
    first, second = rng.sample(list(item.authorships.order_by("position")), 2)
    positions = first.position, second.position
    # The positions are unique per paper: one moves out of the way first.
    first.position = 10_000
    first.save()
    second.position = positions[0]
    second.save()
    first.position = positions[1]
    first.save()


def _drop_author(rng):
    authorship = _pick(rng, Authorship.objects.all())
    if authorship is not None:
        authorship.delete()


def _rename_slug(rng, model):
    def edit():
        item = _pick(rng, model.objects.all())
        if item is not None:
            item.slug = f"{item.slug}-moved-{rng.randint(1, 999)}"
            item.save()

    return edit


def _add_publication(rng):
    person = _pick(rng, Person.objects.all())
    added = Publication.objects.create(
        title=f"Added work {rng.randint(1, 9999)}", year=rng.randint(2001, 2024)
    )
    if person is not None:
        added.authorships.create(person=person, position=1)


def _delete_publication(rng):
    item = _pick(rng, Publication.objects.all())
    if item is not None:
        item.delete()


def _edits(rng):
    return [
        _append(rng, Publication, "title"),
        _append(rng, Publication, "venue"),
        _toggle(rng, Publication, "is_selected"),
        lambda: _shift_year(rng),
        lambda: _change_status(rng),
        lambda: _toggle_theme(rng),
        lambda: _swap_authors(rng),
        lambda: _drop_author(rng),
        lambda: _add_publication(rng),
        lambda: _delete_publication(rng),
        _append(rng, Person, "full_name"),
        _append(rng, Person, "interests"),
        _toggle(rng, Person, "is_member"),
        _rename_slug(rng, Person),
        _append(rng, ResearchTheme, "title"),
        _append(rng, ResearchTheme, "summary"),
        _toggle(rng, ResearchTheme, "is_active"),
        _rename_slug(rng, ResearchTheme),
        _append(rng, NewsPost, "title"),
        _toggle(rng, NewsPost, "is_pinned"),
        _append(rng, Talk, "title"),
        _append(rng, Course, "title"),
        _append(rng, Grant, "title"),
        _append(rng, SiteProfile, "tagline"),
    ]


@pytest.mark.parametrize("seed", [11, 29])
def test_random_edits_then_incremental_exports_equal_a_full_one(
    demo_site, tmp_path, seed
):
    rng = random.Random(seed)
    edits = _edits(rng)
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    for _round in range(2):
        for edit in rng.sample(edits, 6):
            edit()
        export_site(site, base_url=BASE_URL)
    fresh = tmp_path / "fresh"
    export_site(fresh, base_url=BASE_URL, full=True)
    incremental, full = mirror_files(site), mirror_files(fresh)
    assert sorted(incremental) == sorted(full)
    assert [name for name in full if incremental[name] != full[name]] == []
