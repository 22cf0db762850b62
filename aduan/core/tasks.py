"""Queueing background tasks so that a crash never loses one.

With the database backend (the embedded default) the task row is written inside the
caller's transaction: it exists exactly when the change that caused it committed. Other
backends (Redis/RQ) cannot join the transaction, so they are enqueued after commit.
"""

from __future__ import annotations

from typing import Any

import django_tasks_db
from django.db import router, transaction
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks_db.compat import normalize_json

from aduan.core.prepared import insert_for


def enqueue_atomic(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    if isinstance(task_backends[task.backend], django_tasks_db.DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))


class DatabaseBackend(django_tasks_db.DatabaseBackend):
    """django_tasks_db's backend (the default), its task row written by a
    :class:`PreparedInsert` instead of ``objects.create()``: every submission queues a
    task, and compiling that insert cost more than writing it. The row is the library's
    own (the same columns and values); its worker and results are unchanged."""

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> Any:
        from django_tasks_db.models import DBTaskResult  # not before the app registry

        insert = insert_for(DBTaskResult._meta.label)
        row = insert.model(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        insert(row, using=router.db_for_write(insert.model))
        return row
