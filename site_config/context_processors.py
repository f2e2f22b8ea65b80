from site_config.models import NavigationLink, SiteProfile


def site_profile(request):
    """Group name, navigation and footer for base.html, in two queries per page."""
    return {
        "site_profile": SiteProfile.load(),
        "navigation_links": list(NavigationLink.objects.filter(is_visible=True)),
    }
