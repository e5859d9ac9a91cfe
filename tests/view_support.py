"""Shared fixture of the view tests (import it into a test module to use it)."""

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Each Setup creates seven users; the default hasher makes that the slowest part of a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
