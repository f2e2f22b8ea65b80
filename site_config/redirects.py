"""Old slugs keep answering: a changed slug redirects (301) to the new page.

Every content model (site_config.registry) with a ``slug`` field and a page
(``get_absolute_url``) is covered: when a saved row's slug changes (an editor
edits it, or ``reslug`` makes it anew) the old one is kept as an
``OldSlug``; a request that would be a 404 and whose path starts with an old
page address (``/people/old-slug/``, ``/people/old-slug/cv/``,
``/publications/old-slug/cite.bib``) is answered with a permanent redirect to
the same path under the current slug, query string kept. The middleware
works on 404 answers only, as django.contrib.redirects' fallback does, so
pages that exist pay nothing.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, pre_save
from django.http import HttpResponsePermanentRedirect

from site_config.core.text import slug_base, unique_slug
from site_config.models import OldSlug
from site_config.registry import content_models


def slugged_models():
    """Content models whose rows have a slug and a page of their own."""
    return [
        model
        for model in content_models()
        if hasattr(model, "get_absolute_url")
        and any(field.name == "slug" for field in model._meta.concrete_fields)
    ]


def remember_old_slug(sender, instance, raw=False, **kwargs):
    """pre_save: keep the stored slug when it changes; free the new one."""
    if raw:
        return
    kind = ContentType.objects.get_for_model(sender)
    if instance.pk is not None:
        before = (
            sender._default_manager.filter(pk=instance.pk)
            .values_list("slug", flat=True)
            .first()
        )
        if before == instance.slug:
            # Most saves: reads only. A write here would queue behind a long
            # import's lock on SQLite for nothing.
            return
        if before:
            OldSlug.objects.update_or_create(
                content_type=kind, slug=before, defaults={"object_id": instance.pk}
            )
    # The slug in use answers for its own row, never as someone's old one.
    taken = OldSlug.objects.filter(content_type=kind, slug=instance.slug)
    if taken.exists():
        taken.delete()


def forget_old_slugs(sender, instance, **kwargs):
    """post_delete: a deleted row's old addresses are 404s like its page."""
    OldSlug.objects.filter(
        content_type=ContentType.objects.get_for_model(sender),
        object_id=instance.pk,
    ).delete()


def connect():
    """Record old slugs for every slugged content model."""
    for model in slugged_models():
        pre_save.connect(
            remember_old_slug, sender=model, dispatch_uid=f"old_slug_{model._meta}"
        )
        post_delete.connect(
            forget_old_slugs, sender=model, dispatch_uid=f"old_slug_del_{model._meta}"
        )


def moved_to(path):
    """Where path moved, or None: path (as get_absolute_url() writes paths, script
    prefix included) under an object's old page address.

    One query for the old slugs named by path's segments, one per candidate
    object (usually one).
    """
    segments = [segment for segment in path.split("/") if segment]
    if not segments:
        return None
    kinds = {
        ContentType.objects.get_for_model(model).pk: model for model in slugged_models()
    }
    candidates = OldSlug.objects.filter(slug__in=segments, content_type__in=list(kinds))
    for old in candidates:
        model = kinds[old.content_type_id]
        target = model._default_manager.filter(pk=old.object_id).first()
        if target is None:
            continue
        new_page = target.get_absolute_url()
        old_page = _with_slug(new_page, target.slug, old.slug)
        if old_page and path.startswith(old_page):
            return new_page + path[len(old_page) :]
    return None


def old_page_addresses():
    """The old page address of every OldSlug whose object still exists, e.g.
    ``/people/old-slug/`` (script prefix included, as get_absolute_url() writes
    it), sorted. A static copy writes a redirect page at each.

    One query for the old slugs, one per kind of object that has any.
    """
    kinds = {
        ContentType.objects.get_for_model(model).pk: model for model in slugged_models()
    }
    wanted = {}
    for old in OldSlug.objects.filter(content_type__in=list(kinds)):
        wanted.setdefault(old.content_type_id, []).append(old)
    addresses = set()
    for kind, olds in wanted.items():
        model = kinds[kind]
        rows = model._default_manager.in_bulk([old.object_id for old in olds])
        for old in olds:
            target = rows.get(old.object_id)
            if target is None:
                continue
            address = _with_slug(target.get_absolute_url(), target.slug, old.slug)
            if address:
                addresses.add(address)
    return sorted(addresses)


def _with_slug(url, current, old):
    """url with its segment current replaced by old, or "" when it has none."""
    parts = url.split("/")
    if current not in parts:
        return ""
    parts[len(parts) - 1 - parts[::-1].index(current)] = old
    return "/".join(parts)


class OldSlugRedirectMiddleware:
    """Answer a 404 under an old page address with a 301 to the current one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in {"GET", "HEAD"}:
            return response
        target = moved_to(request.path)
        if target is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(target + (f"?{query}" if query else ""))


def reslug(*, dry_run=False, everything=False):
    """Make slugs anew from titles and names; returns [(model, old, new), ...].

    By default only the slugs the old slug maker gave text it could not
    spell (``item``, ``item-2``...: titles and names in non-Latin scripts);
    with everything, each slug that its title or name would no longer give.
    Each change is saved, so the old slug keeps redirecting (OldSlug).
    dry_run changes nothing and reports the same list.
    """
    changes = []
    for model in slugged_models():
        source = next((n for n in ("full_name", "title") if _has_field(model, n)), None)
        if source is None:
            continue
        for row in model._default_manager.order_by("pk"):
            text = getattr(row, source)
            if not _needs_new_slug(row.slug, text, everything=everything):
                continue
            new = unique_slug(model, text, exclude_pk=row.pk)
            if new == row.slug:
                continue
            changes.append((model, row.slug, new))
            if not dry_run:
                row.slug = new
                row.save(update_fields=["slug"])
    return changes


_FALLBACK = re.compile(r"item(-\d+)?")


def _needs_new_slug(slug, text, *, everything):
    if _FALLBACK.fullmatch(slug):
        return True
    if not everything:
        return False
    base = slug_base(text)
    return not re.fullmatch(re.escape(base) + r"(-\d+)?", slug)


def _has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)
