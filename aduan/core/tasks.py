"""Queueing background tasks so that a crash never loses one.

With the database backend (the embedded default) the task row is written inside the
caller's transaction: it exists exactly when the change that caused it committed. Other
backends (Redis/RQ) cannot join the transaction, so they are enqueued after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_tasks import task_backends
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend


def enqueue_atomic(task: Task[Any, Any], *args: Any, **kwargs: Any) -> None:
    if isinstance(task_backends[task.backend], DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(lambda: task.enqueue(*args, **kwargs))
