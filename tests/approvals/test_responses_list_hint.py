"""The responses list says whose responses the reader sees: an administrator without a committee
is not told "you see your own committee's response"."""

import pytest
from django.urls import reverse

from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db
OWN = "Du ser dit eget udvalgs svar og de andre udvalgs indsendte svar."
ALL = "Som administrator ser du alle hørte udvalgs svar, også dem, der endnu ikke er indsendt."
SUBMITTED = "Du ser udvalgenes indsendte svar."


def hint_for(client, s, user):
    client.force_login(user)
    html = client.get(reverse("approvals:responses", args=[s.catalogue.slug])).content.decode()
    return [text for text in (OWN, ALL, SUBMITTED) if text in html]


def test_each_reader_is_told_what_they_see(client):
    s = Setup().to_hearing()
    assert hint_for(client, s, s.admin) == [ALL]
    assert hint_for(client, s, s.lmu1_user) == [OWN]
    assert hint_for(client, s, s.hmu_user) == [SUBMITTED]
