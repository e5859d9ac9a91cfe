"""The memo package's wiring: task names kept for beat and queued messages, the outbox
connected to the delivery task, and imports that run one way (services never import tasks)."""

import ast
from pathlib import Path

from django.conf import settings

from approvals.memos import delivery
from approvals.models import MemoDelivery
from config.celery import app as celery_app

PACKAGE = Path(__file__).resolve().parent.parent / "approvals" / "memos"
# The wiring and its task layer may import anything of the package; the rest may not import them.
TOP = {"hooks", "tasks", "admin", "views", "urls", "panels"}


def test_task_names_are_the_ones_beat_and_queued_messages_use():
    names = {"approvals.memo_tasks.check_memo", "approvals.memo_tasks.deliver_memo", "approvals.memo_tasks.sweep_memos"}
    assert names <= set(celery_app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE["memo-sweep"]["task"] in names


def test_the_outbox_is_connected_to_the_delivery_task():
    assert delivery.deliveries_ready.has_listeners(MemoDelivery)


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            yield node, [node.module] if node.module else [alias.name for alias in node.names]


def test_services_never_import_the_task_layer_nor_import_inside_functions():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        if path.stem not in TOP:
            for node, modules in _imports(tree):
                assert not {m.split(".")[0] for m in modules} & TOP, f"{path.name}:{node.lineno} imports {modules}"
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            inner = [n for n in ast.walk(function) if isinstance(n, ast.Import | ast.ImportFrom)]
            # WeasyPrint (Pango) is loaded on the first PDF, not at start-up: not a cycle.
            assert all(getattr(n, "module", None) == "weasyprint" for n in inner), f"{path.name}: {function.name}"
