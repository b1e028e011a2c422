"""A backup made while the platform runs restores into a fresh database and an empty MEDIA_ROOT,
and the platform started on them serves what was there: a member's profile and photo. Restoring
over data is refused; a folder that is not a backup is named as such."""

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from core.backups import MANIFEST, MEDIA, BackupError, _extract_media
from members import services
from tests.core import image_files
from tests.members.factories import UserFactory, listed_member

ROOT = Path(__file__).resolve().parents[2]
SERVE = """
import hashlib, json
from django.test import Client
client = Client(HTTP_HOST="localhost")
profile = client.get({profile!r})
photo = client.get({photo!r})
print(json.dumps({{
    "home": client.get("/").status_code,
    "profile": profile.status_code,
    "name_shown": {name!r} in profile.content.decode(),
    "photo": photo.status_code,
    "photo_sha256": hashlib.sha256(b"".join(photo.streaming_content)).hexdigest(),
}}))
"""


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROTECTED_MEDIA_ACCEL_PREFIX = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_database_url(tmp_path):
    """An empty database of the test's kind, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    database = connection.settings_dict
    name = f"{database['NAME']}_restored"
    admin = {"host": database["HOST"], "port": database["PORT"], "user": database["USER"]}
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def platform_on(database_url: str, media_root: Path, tmp_path: Path, *argv: str) -> str:
    """``manage.py`` run as another machine would: on that database and those uploads only."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"PYTEST_XDIST_WORKER", "CACHE_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment |= {
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "VAR_DIR": str(tmp_path / "var"),
        "PYTHONPATH": str(ROOT / "platform"),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *argv],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_restored_backup_serves_the_members_profile_and_photo(
    seeded_transactional_db, media, fresh_database_url, tmp_path
):
    profile = listed_member("Wen Jing Backup")
    services.set_photo(profile=profile, jpeg=image_files.portrait_facing_right())
    services.set_field_visibility(profile=profile, visibility={"photo": "public"})
    profile.refresh_from_db()
    photo = (Path(media) / profile.photo.name).read_bytes()

    call_command("backup", str(tmp_path / "backup"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text())
    assert manifest["media_files"] == 1

    restored_media = tmp_path / "restored-media"
    said = platform_on(
        fresh_database_url, restored_media, tmp_path, "restore", str(tmp_path / "backup")
    )
    assert "restored the backup" in said
    script = SERVE.format(
        profile=reverse("members:profile", args=[profile.handle]),
        photo=profile.photo_url,
        name="Wen Jing Backup",
    )
    served = json.loads(
        platform_on(
            fresh_database_url, restored_media, tmp_path, "shell", "-c", script
        ).splitlines()[-1]
    )
    assert served == {
        "home": 200,
        "profile": 200,
        "name_shown": True,
        "photo": 200,
        "photo_sha256": hashlib.sha256(photo).hexdigest(),
    }


def test_restoring_over_data_is_refused(seeded_transactional_db, media, tmp_path):
    UserFactory()
    call_command("backup", str(tmp_path / "backup"), stdout=open(os.devnull, "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="not empty: restore into a new, empty database"):
        call_command("restore", str(tmp_path / "backup"))


def test_a_folder_that_is_not_a_backup_is_named(db, tmp_path):
    with pytest.raises(CommandError, match=r"holds no readable manifest\.json: is it a backup"):
        call_command("restore", str(tmp_path))


def test_a_backup_never_writes_into_a_folder_with_files(db, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty: name a new folder"):
        call_command("backup", str(tmp_path))


def archive_holding(path: Path, name: str) -> None:
    with tarfile.open(path, "w") as archive:
        entry = tarfile.TarInfo(name)
        entry.size = 4
        archive.addfile(entry, io.BytesIO(b"evil"))


@pytest.mark.parametrize("damage", ["a path outside", "truncated"])
def test_a_hostile_or_broken_archive_of_uploads_is_refused_with_the_reason(
    db, settings, tmp_path, damage
):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "backup"
    backup.mkdir()
    archive = backup / MEDIA
    if damage == "a path outside":
        archive_holding(archive, "../../escaped.txt")
    else:
        archive_holding(archive, "photos/a.jpg")
        archive.write_bytes(archive.read_bytes()[:700])
    with pytest.raises(BackupError, match=r"media\.tar cannot be restored"):
        _extract_media(archive, Path(settings.MEDIA_ROOT), say=lambda line: None)
    assert not (tmp_path / "escaped.txt").exists()
