"""Dates go through Django's named formats and the active language (config/formats)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from approvals.memos.document import memo_date
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2026, 12, 1)


def catalogue_page(client, language):
    s = Setup()
    s.process.hearing_deadline = DEADLINE
    s.process.save(update_fields=["hearing_deadline"])
    client.force_login(s.admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language  # the footer's language switch
    return client.get(reverse("approvals:catalogue", args=[s.catalogue.slug])).content.decode()


def test_the_english_interface_shows_an_english_date(client):
    html = catalogue_page(client, "en")
    assert "1 December 2026" in html
    assert "1. December 2026" not in html and "1. december 2026" not in html


def test_the_danish_interface_shows_a_danish_date(client):
    html = catalogue_page(client, "da")
    assert "1. december 2026" in html


@pytest.mark.parametrize(
    "language, expected",
    [
        ("da", ("1. december 2026", "1. december 2026 14:30", "01.12.2026")),
        ("en", ("1 December 2026", "1 December 2026 14:30", "01/12/2026")),
    ],
)
def test_the_named_formats_per_language(language, expected):
    moment = datetime.datetime(2026, 12, 1, 14, 30)
    with translation.override(language):
        shown = (date_format(DEADLINE, "DATE_FORMAT"), date_format(moment, "DATETIME_FORMAT"))
        shown += (date_format(DEADLINE, "SHORT_DATE_FORMAT"),)
    assert shown == expected


def test_a_memo_date_follows_the_language_of_the_text_around_it():
    # The PDF and the e-mails are rendered in Danish; a memo's page in English is English text,
    # and a Danish date inside it was the mix issue 23 found.
    with translation.override("da"):
        assert memo_date(DEADLINE) == "1. december 2026"
    with translation.override("en"):
        assert memo_date(DEADLINE) == "1 December 2026"
