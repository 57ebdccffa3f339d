"""Backups of the whole site in one archive: the database and every file of the media storage.

`manage.py backup` writes the archive and `manage.py restore` puts it back. The archive is a
.tar.gz holding the database (a pg_dump custom-format dump on PostgreSQL, a copy of the file on
SQLite), the media files under media/, and manifest.json: the migration state, the row count and
a checksum of every table, and the sha256 and size of every file. A restore checks the archive
against the manifest before it changes anything, and the restored site against it afterwards.
"""

import datetime
import hashlib
import io
import json
import posixpath
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from pathlib import Path, PurePosixPath

from dbbackup.db.base import get_connector
from dbbackup.db.exceptions import CommandConnectorError
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from images.storage import STORAGE_ERRORS

ARCHIVE_FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
MANIFEST_KEYS = {"created", "engine", "database", "migrations", "tables", "media"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


# What the manifest records --------------------------------------------------------------------


def canonical(value):
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)  # Decimal, UUID, and whatever else the driver returns


def table_checksums(using=DEFAULT_DB_ALIAS):
    """Row count and sha256 of every table in the database, each row as a line of JSON.

    The tables and columns are read from the database itself, not from the models, so that a
    database the code has not migrated yet (a backup just before `migrate`) is described as it
    is. Rows are in primary-key order, and read in chunks (a server-side cursor on PostgreSQL).
    """
    connection = connections[using]
    quote = connection.ops.quote_name
    checksums = {}
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        layouts = {
            table: (
                [
                    column.name
                    for column in connection.introspection.get_table_description(cursor, table)
                ],
                connection.introspection.get_primary_key_columns(cursor, table),
            )
            for table in tables
        }
    for table, (columns, primary_key) in sorted(layouts.items()):
        digest = hashlib.sha256()
        count = 0
        with connection.chunked_cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} FROM {quote(table)} "
                f"ORDER BY {', '.join(map(quote, primary_key or columns))}"
            )
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    line = json.dumps(row, default=canonical, sort_keys=True, ensure_ascii=False)
                    digest.update(line.encode() + b"\n")
                count += len(rows)
        checksums[table] = {"rows": count, "sha256": digest.hexdigest()}
    return checksums


def migration_state(using=DEFAULT_DB_ALIAS):
    """The last migration applied in each app."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return {}
    latest = dict(recorder.migration_qs.order_by("id").values_list("app", "name"))
    return dict(sorted(latest.items()))


def unapplied_migrations(using=DEFAULT_DB_ALIAS):
    executor = MigrationExecutor(connections[using])
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def storage_files(directory=""):
    """The name of every file in the default storage (file system or S3 alike), sorted."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:  # a MEDIA_ROOT that nothing was ever uploaded to
        return
    for name in sorted(files):
        yield posixpath.join(directory, name)
    for subdirectory in sorted(directories):
        yield from storage_files(posixpath.join(directory, subdirectory))


def file_checksum(file):
    digest = hashlib.sha256()
    size = 0
    while chunk := file.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def media_checksums():
    checksums = {}
    for name in storage_files():
        with default_storage.open(name, "rb") as file:
            checksums[name] = file_checksum(file)
    return checksums


# Backup ---------------------------------------------------------------------------------------


class HashingReader:
    """Reads a file for tarfile and keeps the sha256 of what was read."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk


def write_archive(path):
    """Write the backup to `path` and return its manifest."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    # The archive holds every account's password hash and every session: owner-only.
    partial.unlink(missing_ok=True)
    partial.touch(mode=0o600)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            database_file = Path(scratch) / DATABASE_FILES[connections[DEFAULT_DB_ALIAS].vendor]
            tables, migrations = dump_database(database_file)
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                archive.add(database_file, arcname=database_file.name)
                try:
                    media = {name: add_storage_file(archive, name) for name in storage_files()}
                except STORAGE_ERRORS as error:
                    raise BackupError(f"The media storage could not be read: {error}") from error
                with database_file.open("rb") as dump:
                    database = {"file": database_file.name, **file_checksum(dump)}
                manifest = {
                    "format": ARCHIVE_FORMAT,
                    "created": timezone.now().isoformat(),
                    "engine": connections[DEFAULT_DB_ALIAS].vendor,
                    "database": database,
                    "migrations": migrations,
                    "tables": tables,
                    "media": media,
                }
                add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def dump_database(target):
    """Copy the database to `target` and return the checksums and migration state of that copy.

    Both come from one snapshot of the database: on PostgreSQL pg_dump reads the snapshot of the
    transaction that computes the checksums, on SQLite the copy is made inside that transaction.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    if connection.in_atomic_block:
        raise BackupError("A backup cannot run inside a database transaction.")
    connector = get_connector(DEFAULT_DB_ALIAS)
    with transaction.atomic(using=DEFAULT_DB_ALIAS):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                (snapshot,) = cursor.fetchone()
            connector.dump_suffix = f"--no-owner --no-privileges --snapshot={snapshot}"
        tables, migrations = table_checksums(), migration_state()
        try:
            dump = connector.create_dump()
        except CommandConnectorError as error:
            raise BackupError(str(error)) from error
    with dump, target.open("wb") as copy:
        shutil.copyfileobj(dump, copy)
    return tables, migrations


def add_storage_file(archive, name):
    with default_storage.open(name, "rb") as file:
        info = tarfile.TarInfo(f"{MEDIA}/{name}")
        info.size = file.size
        info.mtime = int(time.time())
        info.mode = 0o600
        reader = HashingReader(file)
        archive.addfile(info, reader)
    return {"sha256": reader.digest.hexdigest(), "size": info.size}


def add_bytes(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(time.time())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(content))


# Restore --------------------------------------------------------------------------------------


def unpack(path, directory):
    """Extract the archive into `directory` and check it against its manifest; change nothing."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            archive.extractall(directory, filter="data")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"{path} is not a readable backup archive ({error}).") from error
    directory = Path(directory)
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{path} holds no {MANIFEST}: it was not made by `manage.py backup`."
        ) from None
    except ValueError as error:
        raise BackupError(f"The {MANIFEST} in {path} is damaged ({error}).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != ARCHIVE_FORMAT:
        raise BackupError(f"{path} is a backup in a format this version cannot read.")
    if missing := MANIFEST_KEYS - manifest.keys():
        raise BackupError(f"The {MANIFEST} in {path} lacks {', '.join(sorted(missing))}.")

    vendor = connections[DEFAULT_DB_ALIAS].vendor
    if manifest["engine"] != vendor:
        raise BackupError(
            f"This backup is of a {ENGINE_NAMES.get(manifest['engine'], manifest['engine'])} "
            f"database and this site uses {ENGINE_NAMES.get(vendor, vendor)}: a backup can only "
            "be restored into the same database engine."
        )
    if unknown := unknown_migrations(manifest["migrations"]):
        raise BackupError(
            "This backup was made by a newer version of the site: this one does not have the "
            f"migrations {', '.join(unknown)}. Restore it with the version that made it."
        )

    problems = []
    database = manifest["database"]
    if checksum_of(directory / database["file"]) != without_file(database):
        problems.append(f"the database dump {database['file']}")
    media = directory / MEDIA
    for name, expected in manifest["media"].items():
        if not is_plain_relative(name) or checksum_of(media / name) != expected:
            problems.append(name)
    listed = set(manifest["media"])
    unlisted = [
        file.relative_to(media).as_posix()
        for file in sorted(media.rglob("*"))
        if file.is_file() and file.relative_to(media).as_posix() not in listed
    ]
    problems += [f"{name} (not in the manifest)" for name in unlisted]
    if problems:
        raise BackupError(
            f"{path} is damaged; nothing was changed. These do not match the manifest: "
            + ", ".join(problems)
        )
    return manifest


def restore_archive(unpacked, manifest):
    """Replace the database and the media storage with the unpacked backup, then check them."""
    unpacked = Path(unpacked)
    restore_database(unpacked / manifest["database"]["file"])
    try:
        restore_media(unpacked / MEDIA, manifest["media"])
    except STORAGE_ERRORS as error:
        raise BackupError(
            f"The database was restored, but not all media files: {error}. "
            "Run the restore again once the storage answers."
        ) from error
    cache.clear()  # cached pages and imagekit's knowledge of renditions describe the old data

    differences = [
        f"table {table}" + ("" if table in manifest["tables"] else " (not in the backup)")
        for table in diff(manifest["tables"], table_checksums())
    ]
    differences += [f"file {name}" for name in diff(manifest["media"], media_checksums())]
    if differences:
        raise BackupError(
            "The restore finished but the site differs from the backup in: "
            + ", ".join(differences)
        )


def restore_database(dump):
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        raise BackupError("A restore cannot run inside a database transaction.")
    if connection.vendor == "postgresql":
        # pg_restore drops and recreates every table; this connection must not hold them.
        connection.close()
        connector = get_connector(DEFAULT_DB_ALIAS)
        connector.pg_options = "--no-owner --no-privileges"  # besides --clean, --single-transaction
        try:
            with dump.open("rb") as content:
                connector.restore_dump(content)
        except CommandConnectorError as error:
            raise BackupError(str(error)) from error
    else:
        # SQLite's backup API, in the other direction, rather than dbbackup's copy over the file:
        # it takes the database's locks, so other open connections see the old or the new data,
        # never a half-copied file, and it works for the in-memory databases of the tests.
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()


def restore_media(unpacked_media, files):
    for name in storage_files():
        if name not in files:
            default_storage.delete(name)
    for name in files:
        default_storage.delete(name)
        with (unpacked_media / name).open("rb") as content:
            saved = default_storage.save(name, File(content, name=name))
        if saved != name:
            raise BackupError(f"The storage saved {name} as {saved}; the restore is incomplete.")


# Small helpers --------------------------------------------------------------------------------


def checksum_of(path):
    try:
        with open(path, "rb") as file:
            return file_checksum(file)
    except (FileNotFoundError, IsADirectoryError):
        return None


def without_file(entry):
    return {key: value for key, value in entry.items() if key != "file"}


def is_plain_relative(name):
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def diff(expected, actual):
    """The keys whose values differ between two dicts (or that only one of them has)."""
    return [
        key
        for key in sorted(expected.keys() | actual.keys())
        if expected.get(key) != actual.get(key)
    ]


def unknown_migrations(backup_state):
    """The migrations the backup's database has and this code does not, in apps the code has."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    apps_here = {app for app, _ in graph.nodes}
    return [
        f"{app}.{name}"
        for app, name in backup_state.items()
        if app in apps_here and (app, name) not in graph.nodes
    ]
