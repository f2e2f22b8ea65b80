"""Signal receivers that move the content version whenever public content changes.

Every model of the content apps (``site_config.registry``) counts, including
the auto-created m2m tables and models added later, so a new model cannot
silently serve stale pages. Writes that
send no signals (``bulk_create``, ``QuerySet.update``) must call
``site_config.pagecache.cache.bump_content_version()`` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from site_config.pagecache.cache import bump_content_version
from site_config.registry import content_models

# The stamp itself; bumping on its own save would loop.
NOT_CONTENT = frozenset({"site_config.contentversion"})
M2M_CHANGES = frozenset({"post_add", "post_remove", "post_clear"})


def content_saved_or_deleted(sender, *, using, **kwargs):
    bump_content_version(using=using)


def content_relation_changed(sender, *, action, using, **kwargs):
    if action in M2M_CHANGES:
        bump_content_version(using=using)


def connect():
    for model in content_models(include_auto_created=True):
        if model._meta.label_lower in NOT_CONTENT:
            continue
        uid = f"labsite-page-cache-{model._meta.label_lower}"
        post_save.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
        m2m_changed.connect(content_relation_changed, sender=model, dispatch_uid=uid)
