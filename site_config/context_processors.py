from site_config.core.links import is_safe_link
from site_config.models import NavigationLink, SiteProfile


def profile_for(request):
    """The site profile, read once per request however many callers ask."""
    profile = getattr(request, "_labsite_profile", None)
    if profile is None:
        profile = SiteProfile.load()
        request._labsite_profile = profile
    return profile


def site_profile(request):
    """Group name, navigation and footer for base.html, in two queries per page.

    A link stored before targets were checked (or written around the admin) and
    not safe by ``is_safe_link`` is left out rather than rendered.
    """
    links = NavigationLink.objects.filter(is_visible=True)
    return {
        "site_profile": profile_for(request),
        "navigation_links": [link for link in links if is_safe_link(link.url)],
    }
