"""The memo package's wiring: task names kept for beat and queued messages, one outbox for every
e-mail (one signal, one receiver, the builders registered), and imports that run one way
(services never import tasks; the outbox never imports memos)."""

import ast
from pathlib import Path

from django.conf import settings

from approvals.outbox import kinds
from approvals.outbox.delivery import rows_ready
from approvals.outbox.models import Email
from config.celery import app as celery_app

PACKAGE = Path(__file__).resolve().parent.parent.parent / "approvals" / "memos"
OUTBOX = PACKAGE.parent / "outbox"
# The wiring and its task layer may import anything of the package; the rest may not import them.
TOP = {"hooks", "tasks", "admin", "views", "urls", "panels"}


def test_task_names_are_the_ones_beat_and_queued_messages_use():
    names = {"approvals.memo_tasks.check_memo", "approvals.tasks.deliver_email", "approvals.tasks.sweep"}
    assert names <= set(celery_app.tasks)
    assert settings.CELERY_BEAT_SCHEDULE["sweep"]["task"] == "approvals.tasks.sweep"


def test_one_signal_one_receiver_one_task_for_every_kind_of_email():
    assert rows_ready.receivers and len(rows_ready.receivers) == 1
    # Every kind is stored when written or built when sent, never both; memos and password
    # resets are built (the memo's PDF and link, the reset link, are made when sent).
    assert set(kinds.BUILDERS) == {Email.Kind.MEMO, Email.Kind.PASSWORD_RESET}


def test_the_outbox_never_imports_the_memo_package():
    for path in OUTBOX.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                module = ("." * node.level) + (node.module or "")
                assert "memos" not in module, f"{path.name}:{node.lineno} imports {module}"


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
            assert all((getattr(n, "module", None) or "").split(".")[0] == "weasyprint" for n in inner), (
                f"{path.name}: {function.name}"
            )
