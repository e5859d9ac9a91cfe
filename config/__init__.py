from .celery import app as celery_app
from .runtime import tune_garbage_collector

tune_garbage_collector()

__all__ = ("celery_app",)
