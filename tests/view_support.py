"""Shared fixture of the view tests (import it into a test module to use it)."""

import pytest


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Each Setup creates seven users; the default hasher makes that the slowest part of a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def change_form_data(response):
    """What the browser would post back for an admin change page as it was shown."""
    data = {}

    def add(form):
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            add(form)
    return data
