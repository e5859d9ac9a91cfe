"""Celery tasks for memos (notater) after sign-off."""
