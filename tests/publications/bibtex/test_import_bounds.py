"""A small .bib cannot grow into a huge database or page (issue #13, finding 1).

The issue's file: a 1,000-character @string, nine doubling macros (512,000
characters) and 300 entries each with ``abstract = a9 # a8``. All 300 imported,
the database grew to 461 MB and /publications/ became a 230 MB page.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.db.models.functions import Length
from django.urls import reverse

from publications.bibtex.importer import import_bibtex
from publications.bibtex.parse import MAX_VALUE_CHARS, parse_bibtex
from publications.models import ImportRun, Publication

pytestmark = pytest.mark.django_db


def macro_bomb(entries=300):
    lines = ['@string{a0 = "' + "x" * 1000 + '"}']
    lines += [f"@string{{a{n} = a{n - 1} # a{n - 1}}}" for n in range(1, 10)]
    lines += [
        f"@article{{p{n}, title = {{Paper {n}}}, author = {{Ann Author}}, "
        f"year = 2020, abstract = a9 # a8}}"
        for n in range(entries)
    ]
    return "\n".join(lines) + "\n"


def test_the_macro_bomb_imports_nothing_big_and_says_why(client):
    text = macro_bomb()
    assert len(text) < 30_000
    report = import_bibtex(sources=[("bomb.bib", text)])
    assert report.failed == 300
    assert report.created == 0
    first = report.failures[0]
    assert first.key == "p0"
    assert "4 times the file's size" in first.message
    assert "'a9'" in first.message
    stored = Publication.objects.aggregate(n=Sum(Length("abstract")))["n"] or 0
    assert stored == 0
    response = client.get(reverse("publications:list"))
    assert response.status_code == 200
    assert len(response.content) < 200_000


def test_macros_within_the_budget_still_expand():
    journal = "Journal of Unusually Long Names in Applied Mathematics"
    text = f'@string{{jul = "{journal}"}}\n' + "".join(
        f"@article{{k{n}, title = {{T{n}}}, journal = jul}}\n" for n in range(2000)
    )
    parsed = parse_bibtex(text)
    assert not parsed.failures
    assert all(entry.fields["journal"] == journal for entry in parsed.entries)


def test_one_field_is_bounded_even_without_macros():
    text = "@article{big, title = {T}, abstract = {" + "y" * (MAX_VALUE_CHARS + 1)
    parsed = parse_bibtex(text + "}}\n@article{ok, title = {Fine}}\n")
    [failure] = parsed.failures
    assert failure.key == "big"
    assert f"{MAX_VALUE_CHARS:,} characters" in failure.message
    assert [entry.key for entry in parsed.entries] == ["ok"]


def test_the_admin_import_applies_the_same_bounds(editor_client):
    bib = SimpleUploadedFile(
        "bomb.bib", macro_bomb(5).encode(), content_type="text/x-bibtex"
    )
    response = editor_client.post(
        reverse("admin:publications_publication_import_bibtex"),
        {"file": bib, "encoding": "utf-8"},
        follow=True,
    )
    assert response.status_code == 200
    # The dry run is a background task (run at once by the tests' backend).
    assert ImportRun.objects.get(dry_run=True).failed == 5
    assert "4 times the file&#x27;s size" in response.text
    assert Publication.objects.count() == 0
