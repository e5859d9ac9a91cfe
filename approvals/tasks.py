"""Celery tasks of the approval workflow. Tasks are thin: they call one service.

Memo tasks live in memo_tasks.py and are imported here so Celery's autodiscovery
(which looks for ``tasks`` modules) registers them."""

from .memo_tasks import *  # noqa: F401,F403
