"""The test suite's settings: the real ones, with a throw-away SECRET_KEY.

pytest-django runs with DEBUG off, where config.settings refuses to start without a key; the
key is put in the environment so the processes the tests start (workers, manage.py) get it too."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")

from config.settings import *  # noqa: E402, F403
