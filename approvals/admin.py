"""Admin for committees and the workflow. Memo admin is in admin_memos.py."""

from . import admin_memos  # noqa: F401
