"""`/news/<year>/<slug>/card.png`: the OpenGraph card of a news post without an
image of its own (see site_config/cards.py)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from news.models import NewsPost
from site_config.media.cards import card_png
from site_config.models import SiteProfile
from site_config.pagecache.public import public_page


@public_page()
@require_safe
@cache_control(max_age=86400, public=True)
def post_card(request, year, slug):
    """PNG, 1200×630: the post's title, "News" and the group's name."""
    post = get_object_or_404(NewsPost.objects.in_year(year).only("title"), slug=slug)
    return HttpResponse(
        card_png(post.title, SiteProfile.load().group_name, kicker="News"),
        content_type="image/png",
    )
