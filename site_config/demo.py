"""Loading the demo group (``manage.py load_demo``).

Safe to run at every start-up: rows are looked up by their natural key and only
missing ones are created, so editors' changes to demo rows survive a re-run and
nothing is duplicated. Photos are drawn with Pillow, no network needed.
"""

import datetime
import io
from collections import Counter
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from people.models import Affiliation, NameVariant, Organization, Person
from people.names import name_key
from publications.models import Authorship, Publication
from research.models import ResearchTheme
from site_config import demo_data
from site_config.demo_sections import load_sections
from site_config.models import NavigationLink, SiteProfile

PHOTO_COLOURS = [
    "#2f5d8a",
    "#7a3e65",
    "#2e6b4f",
    "#8a5a1f",
    "#4b4f8f",
    "#8c3b3b",
    "#286a72",
    "#5e5a2a",
]


@dataclass
class DemoReport:
    created: Counter = field(default_factory=Counter)
    existing: Counter = field(default_factory=Counter)
    photos: int = 0

    def count(self, label, created):
        (self.created if created else self.existing)[label] += 1

    def summary(self):
        labels = sorted(set(self.created) | set(self.existing))
        parts = [
            f"{label}: {self.created[label]} created, {self.existing[label]} present"
            for label in labels
        ]
        parts.append(f"photos drawn: {self.photos}")
        return "\n".join(parts)


def draw_initials(initials, colour, *, size=320):
    """PNG bytes of a coloured square with white initials."""
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=size // 3)
    draw.text((size / 2, size / 2), initials, fill="#ffffff", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _load_profile(report):
    profile = SiteProfile.load()
    untouched = profile.group_name == "Research Group" and not profile.introduction
    if untouched:
        for name, value in demo_data.PROFILE.items():
            setattr(profile, name, value)
        profile.save()
    report.count("site profile", untouched)
    for label, url, order in demo_data.NAVIGATION:
        _, created = NavigationLink.objects.get_or_create(
            url=url, defaults={"label": label, "order": order}
        )
        report.count("navigation links", created)


def _load_people(report, *, with_photos):
    organizations = {}
    for name, (short_name, url) in demo_data.ORGANIZATIONS.items():
        organizations[name], created = Organization.objects.get_or_create(
            name=name, defaults={"short_name": short_name, "url": url}
        )
        report.count("organizations", created)

    people = {}
    for index, (slug, spec) in enumerate(demo_data.PEOPLE.items()):
        spec = dict(spec)
        affiliations = spec.pop("affiliations", [])
        wants_photo = spec.pop("photo", False)
        spec["start_date"] = _date(spec.get("start_date"))
        spec["end_date"] = _date(spec.get("end_date"))
        person, created = Person.objects.get_or_create(slug=slug, defaults=spec)
        report.count("people", created)
        people[slug] = person
        if created:
            for position, (org, department, title) in enumerate(affiliations):
                Affiliation.objects.create(
                    person=person,
                    organization=organizations[org],
                    department=department,
                    title=title,
                    position=position,
                )
                report.count("affiliations", True)
        photo_lost = bool(person.photo) and not person.photo.storage.exists(
            person.photo.name
        )
        if with_photos and wants_photo and (created or photo_lost):
            colour = PHOTO_COLOURS[index % len(PHOTO_COLOURS)]
            person.photo.save(
                f"{slug}.png",
                ContentFile(draw_initials(person.initials, colour)),
                save=True,
            )
            report.photos += 1

    for slug, names in demo_data.NAME_VARIANTS.items():
        for name in names:
            _, created = NameVariant.objects.get_or_create(
                person=people[slug],
                match_key=name_key(name),
                defaults={"name": name},
            )
            report.count("name variants", created)
    return people


def _load_themes(report, people):
    themes = {}
    for slug, (
        title,
        parent,
        order,
        summary,
        description,
        members,
    ) in demo_data.THEMES.items():
        theme, created = ResearchTheme.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "parent": themes.get(parent),
                "order": order,
                "summary": summary,
                "description": description,
            },
        )
        report.count("research themes", created)
        if created:
            theme.people.set([people[member] for member in members])
        themes[slug] = theme
    return themes


def _load_publications(report, people, themes):
    """Create the missing papers; returns {BibTeX key: publication}."""
    publications = {}
    # Created oldest first, so each gets the number it would have by date (each
    # save appends the next number of its series; see publications.numbering).
    by_date = sorted(
        demo_data.PUBLICATIONS, key=lambda spec: (spec["year"], spec.get("month", 0))
    )
    for spec in by_date:
        spec = dict(spec)
        authors = spec.pop("authors")
        theme_slugs = spec.pop("themes")
        key = spec.pop("bibtex_key")
        publication, created = Publication.objects.get_or_create(
            bibtex_key=key, defaults=spec
        )
        report.count("publications", created)
        publications[key] = publication
        if not created:
            continue
        Authorship.objects.bulk_create(
            Authorship(
                publication=publication,
                person=people[slug],
                position=position,
                equal_contribution=equal,
                corresponding=corresponding,
            )
            for position, (slug, equal, corresponding) in enumerate(authors)
        )
        report.created["authorships"] += len(authors)
        publication.themes.set([themes[slug] for slug in theme_slugs])
    return publications


def load_demo(*, dry_run=False, with_photos=True):
    """Create whatever of the demo group is missing; returns a DemoReport."""
    report = DemoReport()
    with transaction.atomic():
        _load_profile(report)
        people = _load_people(report, with_photos=with_photos and not dry_run)
        themes = _load_themes(report, people)
        publications = _load_publications(report, people, themes)
        load_sections(
            report,
            people,
            themes,
            publications,
            with_images=with_photos and not dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    return report
