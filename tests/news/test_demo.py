from django.core.management import call_command
from django.urls import reverse

from news.models import Course, NewsPost, Talk
from publications.models import Publication
from site_config.models import NavigationLink


def test_demo_has_news_talks_courses_and_navigation(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    assert NewsPost.objects.count() >= 5
    assert Talk.objects.count() >= 4
    assert Talk.objects.upcoming().count() >= 1
    assert Talk.objects.filter(kind=Talk.Kind.EVENT).exists()
    assert Course.objects.count() >= 2
    software = Publication.objects.filter(kind=Publication.Kind.SOFTWARE)
    assert software.count() >= 2
    assert Publication.objects.filter(kind=Publication.Kind.DATASET).count() >= 1
    assert all(p.repository_url and p.license for p in software)
    links = set(NavigationLink.objects.values_list("url", flat=True))
    assert {"/news/", "/talks/", "/teaching/", "/software/"} <= links
    home = client.get(reverse("home")).text
    assert 'id="news-heading"' in home
    assert 'id="talks-heading"' in home
    for url in ("/news/", "/talks/", "/teaching/", "/software/"):
        assert client.get(url).status_code == 200
