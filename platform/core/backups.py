"""A backup is a folder: the database (``database.dump``, pg_dump's custom format, or
``database.sqlite3``), the uploaded files (``media.tar``) and ``manifest.json`` saying what it
holds. ``restore`` puts one back into an empty database and an empty ``MEDIA_ROOT``.

PostgreSQL is dumped by its own tools (pg_dump, pg_restore: a consistent snapshot while the
platform keeps running); SQLite by its online backup API. Uploads are written after the
database, so a file uploaded in between is in the archive without its row (harmless), never the
reverse.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

DUMP = "database.dump"
SQLITE = "database.sqlite3"
MEDIA = "media.tar"
MANIFEST = "manifest.json"

Say = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


def back_up(folder: Path, *, say: Say) -> dict:
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: name a new folder for the backup.")
    folder.mkdir(parents=True, exist_ok=True)
    database = _dump_database(folder, say)
    files = _archive_media(folder, say)
    manifest = {
        "created_at": timezone.now().isoformat(),
        "database": database,
        "vendor": connection.vendor,
        "media_files": files,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def restore(folder: Path, *, say: Say) -> dict:
    manifest = _manifest_of(folder)
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            f"This backup holds a {manifest['vendor']} database; DATABASE_URL names a "
            f"{connection.vendor} one."
        )
    if connection.introspection.table_names():
        raise BackupError("The database is not empty: restore into a new, empty database.")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"MEDIA_ROOT ({media_root}) is not empty: restore into an empty one.")
    _restore_database(folder / manifest["database"], say)
    _extract_media(folder / MEDIA, media_root, say)
    return manifest


def _manifest_of(folder: Path) -> dict:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable {MANIFEST}: is it a backup?") from error


# --- The database ---------------------------------------------------------------------------------


def _dump_database(folder: Path, say: Say) -> str:
    if connection.vendor == "postgresql":
        say("dumping the database with pg_dump…")
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={folder / DUMP}",
            ]
        )
        say(f"database: {_size(folder / DUMP)}")
        return DUMP
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        _copy_sqlite(connection.connection, folder / SQLITE, say)
        return SQLITE
    raise BackupError(f"Backups of {connection.vendor} databases are not supported.")


def _restore_database(path: Path, say: Say) -> None:
    if connection.vendor == "postgresql":
        say("restoring the database with pg_restore…")
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={_dbname()}",
                str(path),
            ]
        )
        return
    connection.ensure_connection()
    with sqlite3.connect(path) as source:
        _copy_sqlite(source, None, say, into=connection.connection)


def _copy_sqlite(source, path: Path | None, say: Say, *, into=None) -> None:
    """SQLite's online backup, page by page, with a progress bar."""
    target = into or sqlite3.connect(path)
    pages = source.execute("PRAGMA page_count").fetchone()[0]
    with tqdm(total=pages, desc="database", unit="page", disable=None) as bar:
        source.backup(
            target, pages=256, progress=lambda _, left, total: bar.update(total - left - bar.n)
        )
    if into is None:
        target.close()
    say(f"database: {pages:,} pages")


def _run(command: list[str]) -> None:
    """A PostgreSQL client tool, connected as Django is (password through the environment)."""
    database = connection.settings_dict
    environment = os.environ | {
        "PGHOST": str(database["HOST"] or ""),
        "PGPORT": str(database["PORT"] or ""),
        "PGUSER": str(database["USER"] or ""),
        "PGPASSWORD": str(database["PASSWORD"] or ""),
        "PGDATABASE": _dbname(),
    }
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: apt-get install postgresql-client")
    result = subprocess.run(command, env=environment, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _dbname() -> str:
    return str(connection.settings_dict["NAME"])


# --- Uploaded files -------------------------------------------------------------------------------


def _archive_media(folder: Path, say: Say) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    files = (
        sorted(path for path in media_root.rglob("*") if path.is_file())
        if media_root.exists()
        else []
    )
    with tarfile.open(folder / MEDIA, "w") as archive:
        for path in tqdm(files, desc="uploaded files", unit="file", disable=None):
            archive.add(path, arcname=str(path.relative_to(media_root)))
    say(f"uploaded files: {len(files):,} ({_size(folder / MEDIA)})")
    return len(files)


def _extract_media(archive_path: Path, media_root: Path, say: Say) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    try:
        with tarfile.open(archive_path) as archive:
            members = archive.getmembers()
            for member in tqdm(members, desc="uploaded files", unit="file", disable=None):
                archive.extract(member, media_root, filter="data")  # no paths outside, no devices
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{archive_path.name} cannot be restored: {error}") from error
    say(f"uploaded files: {len(members):,}")


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1_000_000:.1f} MB"
