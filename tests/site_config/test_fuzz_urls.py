"""A bounded fuzz of every public URL and its parameters: never a 5xx.

Issue #13: 24 fuzzing requests answered 500 on PostgreSQL (NUL in a filter, a
non-ASCII path through the WSGI fast path ...). Every public page, feed and
download is requested with each of its query parameters (and one it does not
know) set to odd, negative, huge, repeated, Unicode, NUL and very long values,
and with odd path segments; the admin's changelists and autocomplete too. The
same values run on SQLite and PostgreSQL (CI runs the suite on both).
"""

import random
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from publications.filters import FILTER_NAMES
from publications.models import Publication
from site_config.models import SiteProfile

pytestmark = pytest.mark.django_db

# Values sent already percent-encoded, as they would arrive on the wire; the
# rest are quoted as UTF-8.
RAW = ["%00", "%FF", "%ED%A0%80", "%C0%AF", "%", "%%", "%2500", "%0D%0A"]
VALUES = [
    "",
    " ",
    "0",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "2147483648",
    "9" * 5000,
    "1e3",
    "1.5",
    "NaN",
    "inf",
    "abc",
    "'",
    '"><script>alert(1)</script>',
    "../../etc/passwd",
    "ünïcödé",
    "中文",
    "\u202egnp.exe",
    "\U0001f600",
    "\x1b[31m",
    "a" * 10_000,
    "true",
    "2024-",
    " 2024 ",
]
UNKNOWN = "utm_source"
# Per URL other than the two with many parameters, a fixed sample of values.
SAMPLE = 8


def encoded(value):
    return value if value in RAW else quote(value, safe="")


def all_values():
    return [*RAW, *VALUES]


@pytest.fixture
def site(make_person, make_theme, make_publication):
    SiteProfile.load()
    ada = make_person("Ada Lovelace", bio="Bio with $x^2$ and [@k1]")
    theme = make_theme("Engines", description="About engines.")
    make_theme("Cards", parent=theme)
    paper = make_publication(
        "Notes", authors=[ada, "Charles Babbage"], themes=[theme], bibtex_key="k1"
    )
    make_publication(
        "A Preprint", authors=[ada], status=Publication.Status.PREPRINT, year=2025
    )
    return {"person": ada, "theme": theme, "paper": paper}


def public_urls(site):
    person, theme, paper = site["person"], site["theme"], site["paper"]
    return [
        reverse("home"),
        reverse("people:list"),
        person.get_absolute_url(),
        reverse("research:list"),
        theme.get_absolute_url(),
        paper.get_absolute_url(),
        reverse("publications:export_bibtex", args=[paper.slug]),
        reverse("publications:export_csljson", args=[paper.slug]),
        reverse("publications:export_ris", args=[paper.slug]),
        reverse("feeds:publications_rss"),
        reverse("feeds:publications_atom"),
        reverse("feeds:theme_rss", args=[theme.slug]),
        reverse("feeds:person_atom", args=[person.slug]),
        reverse("sitemap"),
        reverse("robots_txt"),
    ]


def failures_of(client, urls):
    failed = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            failed.append((response.status_code, url[:200]))
    return failed


def test_public_urls_and_parameters_never_answer_5xx(site):
    client = Client(raise_request_exception=False)
    rng = random.Random(13)
    urls = []
    listing = reverse("publications:list")
    for name in [*FILTER_NAMES, "page", UNKNOWN]:
        urls += [f"{listing}?{name}={encoded(v)}" for v in all_values()]
    search = reverse("search")
    for name in ["q", UNKNOWN]:
        urls += [f"{search}?{name}={encoded(v)}" for v in all_values()]
    # Repeated and combined parameters.
    urls += [
        f"{listing}?year=2024&year=abc&year=",
        f"{listing}?person=ada-lovelace&person=%00&theme=engines&theme=x",
        f"{listing}?" + "&".join(f"{n}={n}" for n in FILTER_NAMES * 50),
        f"{listing}?page=2&page=-1&selected=1&status=preprint&type=article",
        f"{search}?q=a&q=b&q=%00",
    ]
    for url in public_urls(site):
        for name in ["page", "year", UNKNOWN]:
            urls += [f"{url}?{name}={encoded(v)}" for v in rng.sample(VALUES, SAMPLE)]
            urls += [f"{url}?{name}={rng.choice(RAW)}"]
    for prefix in ["/people/", "/research/", "/publications/", "/feeds/people/"]:
        for value in [*RAW, *rng.sample(VALUES, SAMPLE), "a" * 3000]:
            urls.append(f"{prefix}{encoded(value)}/")
            urls.append(f"{prefix}{encoded(value)}.rss")
    assert len(urls) > 500
    assert failures_of(client, urls) == []


def test_admin_lists_and_autocomplete_never_answer_5xx(site, editor):
    client = Client(raise_request_exception=False)
    client.force_login(editor)
    rng = random.Random(13)
    urls = []
    for model in [
        "publications/publication",
        "people/person",
        "research/researchtheme",
    ]:
        changelist = f"/admin/{model}/"
        for name in ["q", "o", "p", "year", "kind__exact", "status__exact", "e"]:
            values = [*rng.sample(RAW, 3), *rng.sample(VALUES, 5)]
            urls += [f"{changelist}?{name}={encoded(v)}" for v in values]
    autocomplete = reverse("admin:autocomplete")
    for value in [*RAW, *rng.sample(VALUES, SAMPLE)]:
        urls.append(
            f"{autocomplete}?app_label=publications&model_name=authorship"
            f"&field_name=person&term={encoded(value)}"
        )
        urls.append(f"{autocomplete}?app_label={encoded(value)}&term=a")
    assert failures_of(client, urls) == []
