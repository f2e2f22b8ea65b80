"""schema.org JSON-LD about people: a member's page and the group's members.

What search engines read from a person's page (Person) and from the home page
(ResearchOrganization with its members).
"""

from django.urls import get_script_prefix

from site_config.markup.metadata import absolute as _absolute
from site_config.markup.metadata import plain_text


def person_data(person, request=None):
    """schema.org Person: name, role, affiliations, ORCID and profile links."""
    url = _absolute(request, person.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": url,
        "url": url,
        "name": person.full_name,
    }
    if person.given_name:
        data["givenName"] = person.given_name
    if person.family_name:
        data["familyName"] = person.family_name
    if person.native_name:
        data["alternateName"] = person.native_name
    data["jobTitle"] = str(person.get_role_display())
    affiliations = [
        {"@type": "Organization", "name": a.organization.name}
        | ({"url": a.organization.url} if a.organization.url else {})
        for a in person.affiliations.all()
    ]
    if affiliations:
        data["affiliation"] = affiliations
    if person.interests:
        data["knowsAbout"] = person.interests
    if person.photo:
        data["image"] = _absolute(request, person.photo.url)
    if person.orcid:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "ORCID",
            "value": person.orcid,
        }
    same_as = [
        u
        for u in (
            person.orcid_url,
            person.google_scholar_url,
            person.github_url,
            person.homepage,
        )
        if u
    ]
    if same_as:
        data["sameAs"] = same_as
    return data


def research_organization(profile, request=None, *, members=()):
    """schema.org ResearchOrganization for the home page."""
    # The home page is the site's root: under a sub-path (SCRIPT_NAME /lab, or a
    # mirror at https://example.github.io/lab/) that is the prefix, not "/".
    url = _absolute(request, get_script_prefix())
    data = {
        "@context": "https://schema.org",
        "@type": "ResearchOrganization",
        "@id": url,
        "url": url,
        "name": profile.group_name,
    }
    description = profile.tagline or plain_text(profile.introduction)
    if description:
        data["description"] = description
    if profile.logo:
        data["logo"] = _absolute(request, profile.logo.url)
    if profile.email:
        data["email"] = profile.email
    if profile.address:
        data["address"] = profile.address
    people = [
        {
            "@type": "Person",
            "name": person.full_name,
            "url": _absolute(request, person.get_absolute_url()),
        }
        for person in members
    ]
    if people:
        data["member"] = people
    return data
