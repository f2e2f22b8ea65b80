"""Feeds in a static export: an incremental export renders a feed again when
anything its items show changed, though a feed reads its authors' names as
plain values rather than model rows."""

from pathlib import Path

from publications.models import Authorship
from site_config.export.build import export_site
from tests.site_config.export.conftest import BASE_URL


def feed_file(root, person):
    return Path(root) / "feeds" / "people" / f"{person.slug}.atom"


def test_a_co_authors_new_name_and_an_edited_abstract_reach_a_persons_feed(
    demo_site, tmp_path
):
    site = tmp_path / "site"
    export_site(site, base_url=BASE_URL)
    member = Authorship.objects.filter(person__is_member=True)
    mine = member.filter(publication__authorships__person__is_member=False).first()
    paper, owner = mine.publication, mine.person
    co_author = paper.authorships.exclude(person=owner).first().person
    Authorship.objects.filter(person=co_author).update(printed_name="")
    co_author.full_name = "Zeno Renamedco"
    co_author.save()
    paper.abstract = "A freshly *edited* abstract."
    paper.save()
    export_site(site, base_url=BASE_URL)
    feed = feed_file(site, owner).read_text()
    assert "Zeno Renamedco" in feed
    assert "A freshly &lt;em&gt;edited&lt;/em&gt; abstract." in feed
