"""The background-task setup: the database backend queues work, `db_worker` runs it."""

from django.core.management import call_command
from django.tasks import TaskResultStatus, task, task_backends
from django.test import override_settings

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


@task
def add_numbers(a, b):
    """A task small enough to prove the queue; returns ``a + b``."""
    return a + b


def test_production_default_is_the_database_backend():
    from site_config import settings as production

    assert production.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_tests_run_tasks_immediately():
    result = add_numbers.enqueue(2, 3)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5


@override_settings(TASKS=DATABASE_TASKS)
def test_database_backend_queues_until_the_worker_runs_it(transactional_db):
    assert type(task_backends["default"]).__name__ == "DatabaseBackend"
    result = add_numbers.enqueue(20, 22)
    assert result.status == TaskResultStatus.READY
    call_command("db_worker", batch=True, startup_delay=False, reload=False)
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 42
