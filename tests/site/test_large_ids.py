"""Ids of a thousand and more: the pages' anchors and the admin's hidden inputs carry them as
plain digits. With the Danish thousands separator on, ``{{ p.pk }}`` renders 12.345, so a link
to #forslag-12345 found nothing and an admin action's confirmation posted an id that matched no
row; a test database's small ids never showed it."""

import pytest
from django.apps import apps
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.urls import reverse

from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db

FIRST_ID = 123_456


def start_ids_at(first_id):
    """Make every table of the apps hand out ids from ``first_id`` on (SQLite or PostgreSQL)."""
    models = [*apps.get_app_config("proposals").get_models(), *apps.get_app_config("approvals").get_models()]
    models.append(apps.get_model("auth", "User"))
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
                (sequence,) = cursor.fetchone()
                if sequence:
                    cursor.execute("SELECT setval(%s, %s, false)", [sequence, first_id])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first_id - 1])


@pytest.fixture
def s():
    start_ids_at(FIRST_ID)
    setup = Setup()
    assert setup.proposals[0].pk >= FIRST_ID
    return setup


def test_hmu_page_anchors_and_links_use_plain_ids(client, s):
    s.to_hmu_review()
    client.force_login(s.hmu_user)
    html = client.get(reverse("approvals:hmu_review", args=[s.catalogue.slug])).content.decode()
    for proposal in s.proposals:
        assert f'id="forslag-{proposal.pk}"' in html
        assert f'href="#forslag-{proposal.pk}"' in html


def test_response_page_anchors_use_plain_ids(client, s):
    s.to_hearing()
    client.force_login(s.lmu1_user)
    html = client.get(reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])).content.decode()
    for proposal in s.proposals:
        assert f'id="forslag-{proposal.pk}"' in html


def test_admin_action_confirmation_carries_plain_ids_and_performs(client, s):
    s.admin.is_superuser = True
    s.admin.save()
    client.force_login(s.admin)
    s.to_hearing()
    url = reverse("admin:approvals_catalogueprocess_changelist")
    data = {"action": "start_hmu_review_action", ACTION_CHECKBOX_NAME: [str(s.process.pk)]}
    page = client.post(url, data).content.decode()
    assert f'name="{ACTION_CHECKBOX_NAME}" value="{s.process.pk}"' in page
    client.post(url, {**data, "apply": "1", "reason": "HMU-mødet er flyttet"})
    assert s.reload().state == "hmu_review"
