"""Keep a static mirror current: each committed edit queues an incremental export.

With ``EXPORT_ON_SAVE`` on (``LABSITE_EXPORT_ON_SAVE=1``) and ``EXPORT_DIR`` set,
every save, delete or relation change of a content model queues
``refresh_mirror`` on Django's tasks framework once its transaction commits (one
task per transaction however many rows it wrote). The database backend keeps the
queue in the site's own database and ``manage.py db_worker`` runs it, so the
mirror follows an editor's save within seconds without slowing the save. Runs
that overlap wait for each other (a lock file in the mirror); a run that finds
the content stamp unchanged renders nothing.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.tasks import task

from site_config.export.build import base_url_for, export_site
from site_config.pagecache.invalidation import M2M_CHANGES, content_models


@task
def refresh_mirror():
    """Export the site incrementally into EXPORT_DIR, for the base URL its
    earlier export was made for (else EXPORT_BASE_URL), as ``export_site``
    without ``--base-url`` does (``build.base_url_for``).

    Returns the export's summary line, e.g.
    ``3 pages written, 215 unchanged, 0 removed``.
    """
    base_url, _earlier = base_url_for(settings.EXPORT_DIR)
    # One process: a save re-renders the few pages that read what it changed,
    # and the site's own web workers keep the other cores for visitors and
    # editors (``export_site --jobs`` is for full exports by hand).
    report = export_site(settings.EXPORT_DIR, base_url=base_url, jobs=1)
    return report.summary()


def enabled():
    """Whether saves re-export: EXPORT_ON_SAVE on and an EXPORT_DIR to write."""
    return bool(getattr(settings, "EXPORT_ON_SAVE", False) and settings.EXPORT_DIR)


def queue_refresh(*, using):
    """Queue one refresh when the current transaction (on using) commits."""
    if not enabled():
        return
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        refresh_mirror.enqueue()
        return
    # One task per transaction: look for the callback where it was queued (a
    # rollback drops it from run_on_commit, a commit empties the list).
    pending = getattr(connection, "_labsite_export_pending", None)
    if pending is not None:
        callback, index = pending
        queued = connection.run_on_commit
        if index < len(queued) and queued[index][1] is callback:
            return

    def enqueue():
        refresh_mirror.enqueue()

    connection._labsite_export_pending = (enqueue, len(connection.run_on_commit))
    transaction.on_commit(enqueue, using=using)


def content_saved_or_deleted(sender, *, using, **kwargs):
    queue_refresh(using=using)


def content_relation_changed(sender, *, action, using, **kwargs):
    if action in M2M_CHANGES:
        queue_refresh(using=using)


def connect():
    for model in content_models():
        uid = f"labsite-export-{model._meta.label_lower}"
        post_save.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
        post_delete.connect(content_saved_or_deleted, sender=model, dispatch_uid=uid)
        m2m_changed.connect(content_relation_changed, sender=model, dispatch_uid=uid)
