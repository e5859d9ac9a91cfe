"""Every download of catalogue data and every memo page opened by a budget party's link says
``Cache-Control: private, no-store`` (proposals.downloads): the overview's XLSX and CSV, the
admin's export (its links and its list action), the memo PDF, and the reader's page and PDF."""

import pytest
from django.urls import reverse

from approvals.memos import links
from tests.factories import make_user
from tests.memo_factories import make_memo_with_one_change

pytestmark = pytest.mark.django_db


def _directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_download_of_catalogue_data_is_private_and_not_stored(client):
    memo = make_memo_with_one_change()
    catalogue = memo.process.catalogue
    client.force_login(make_user(is_staff=True, is_superuser=True))
    page = reverse("proposals:catalogue_detail", args=[catalogue.slug])
    reader = links.reader_path(memo.deliveries.get(outbox_email__email="anna@parti-a.example"))
    downloads = {
        "overview XLSX": client.get(page, {"_export": "xlsx"}),
        "overview CSV": client.get(page, {"_export": "csv"}),
        "admin export XLSX": client.get(reverse("admin:proposals_catalogue_export", args=[catalogue.pk, "xlsx"])),
        "admin export CSV": client.get(reverse("admin:proposals_catalogue_export", args=[catalogue.pk, "csv"])),
        "admin export action": client.post(
            reverse("admin:proposals_catalogue_changelist"),
            {"action": "export_xlsx", "_selected_action": [catalogue.pk]},
        ),
        "memo PDF": client.get(reverse("memos:pdf", args=[memo.pk])),
        "memo PDF download": client.get(reverse("memos:pdf", args=[memo.pk]), {"download": "1"}),
    }
    client.logout()
    downloads["reader page"] = client.get(reader)
    downloads["reader PDF"] = client.get(reader + "pdf/")
    wrong = {}
    for name, response in downloads.items():
        assert response.status_code == 200, name
        if name != "reader page":
            assert response["Content-Disposition"], name
        if not {"private", "no-store"} <= _directives(response) or "public" in _directives(response):
            wrong[name] = response.get("Cache-Control")
    assert wrong == {}
