"""Background tasks of the publications app (Django's tasks framework).

The admin queues imports here; the database backend keeps the queue, and
``manage.py db_worker`` runs them (see docs/deployment.md).
"""

import logging

from django.tasks import task

from publications.models import ImportRun
from publications.sources.history import IMPORT_ERRORS, execute

logger = logging.getLogger(__name__)


@task
def run_import(run_id):
    """Run the queued ImportRun ``run_id`` (an int); returns its final state.

    A bad request, an unreachable service or another import holding the lock
    (``history.IMPORT_ERRORS``) is kept on the run (state "failed", its message
    in ``error``) for the admin to show, not raised.
    """
    run = ImportRun.objects.get(pk=run_id)
    try:
        execute(run)
    except IMPORT_ERRORS as error:
        logger.warning("import %s failed: %s", run_id, error)
    run.refresh_from_db()
    return run.state


def enqueue(run):
    """Queue an ImportRun for the worker; keeps the task id on it."""
    result = run_import.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])
    run.refresh_from_db()
    return run
