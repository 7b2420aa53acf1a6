"""Exports share the certificates' private storage: one setting moves both to object storage;
the download view checks who asks, then streams or leaves the file to the proxy."""

import importlib

from django.core.files.storage import storages
from django.urls import reverse

from reports import services
from reports.models import ExportJob, export_storage

from .test_reports import login


def test_an_export_is_in_the_private_storages_exports_folder(world, private_root):
    job = services.export_request(
        user=world.coordinators["cluj"], report="summary", format="xlsx", filters={}
    )
    services.export_run(job.pk)
    job.refresh_from_db()
    assert job.file.name.startswith("exports/")
    # The private alias's backend (not the same instance: a test that changes STORAGES makes
    # Django build new ones, while a model field keeps the one it was given).
    assert type(job.file.storage) is type(storages["private"])
    assert (private_root / job.file.name).is_file()


def test_export_download_with_x_accel_redirect(client, world, private_root, settings):
    settings.PRIVATE_FILES_SERVE = "x-accel-redirect"
    job = services.export_request(
        user=world.coordinators["cluj"], report="summary", format="xlsx", filters={}
    )
    services.export_run(job.pk)
    job.refresh_from_db()
    url = reverse("learning_reports:export_download", args=[job.pk])
    login(client, world.coordinators["iasi"])  # not the owner: nothing for the proxy either
    refused = client.get(url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    client.logout()
    login(client, world.coordinators["cluj"])
    response = client.get(url)
    assert response.status_code == 200 and response.content == b""
    assert response["X-Accel-Redirect"] == f"/_private/{job.file.name}"
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]


def test_the_migration_gives_existing_exports_their_folder_once(world, private_root, client):
    from django.apps import apps

    coordinator = world.coordinators["cluj"]
    job = services.export_request(user=coordinator, report="summary", format="xlsx", filters={})
    services.export_run(job.pk)
    job.refresh_from_db()
    # As an export was stored before: named relative to PRIVATE_FILES_ROOT/exports/.
    old_name = job.file.name.removeprefix("exports/")
    ExportJob.objects.filter(pk=job.pk).update(file=old_name)
    assert export_storage().exists(old_name)
    migration = importlib.import_module("reports.migrations.0002_exports_in_private_storage")

    migration.prefix_export_names(apps, None)
    migration.prefix_export_names(apps, None)  # again: nothing changes

    job.refresh_from_db()
    assert job.file.name == f"exports/{old_name}"
    login(client, coordinator)
    response = client.get(reverse("learning_reports:export_download", args=[job.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")  # the XLSX, whole
