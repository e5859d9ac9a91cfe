"""Every process of the application (the WSGI server, a Celery worker, a management command)
runs the garbage collector's young generation at ``config.runtime``'s threshold, not at
Python's default of 700 (see ``config/runtime.py`` for why)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.runtime import YOUNG_GENERATION_THRESHOLD

ROOT = Path(__file__).resolve().parent.parent.parent


def _thresholds_after(code):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport gc; print(*gc.get_threshold())"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return tuple(int(n) for n in out.split()[-3:])


def test_python_default_is_what_the_application_changes():
    assert _thresholds_after("pass")[0] == 700 != YOUNG_GENERATION_THRESHOLD


@pytest.mark.parametrize(
    "entry",
    [
        "import config.wsgi",  # gunicorn and runserver (WSGI_APPLICATION)
        "from config.celery import app",  # celery -A config worker
        "import django; django.setup()",  # manage.py and the tests
    ],
)
def test_each_entry_point_runs_the_young_generation_less_often(entry):
    default = _thresholds_after("pass")
    assert _thresholds_after(entry) == (YOUNG_GENERATION_THRESHOLD, *default[1:])
