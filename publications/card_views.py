"""`/publications/<slug>/card.png`: the OpenGraph card of a publication that has
no preview image of its own (see site_config/cards.py)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from publications.models import Publication
from site_config.markup.plaintext import to_plain
from site_config.media.cards import card_png
from site_config.models import SiteProfile
from site_config.pagecache.public import public_page


@public_page()
@require_safe
@cache_control(max_age=86400, public=True)
def publication_card(request, slug):
    """PNG, 1200×630: the plain-text title (math as Unicode) and group name."""
    publication = get_object_or_404(
        Publication.objects.only("title", "kind"), slug=slug
    )
    png = card_png(
        to_plain(publication.title),
        SiteProfile.load().group_name,
        kicker=publication.get_kind_display(),
    )
    return HttpResponse(png, content_type="image/png")
