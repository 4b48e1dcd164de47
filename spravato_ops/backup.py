"""Back up and restore the whole database: PostgreSQL with pg_dump and pg_restore, a SQLite
file with SQLite's online backup API (consistent while the service writes)."""
import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupFailed(RuntimeError):
    """A backup or restore that did not complete; the message says why."""


def backup(url, path):
    """Write the database at `url` to the file `path` (PostgreSQL: pg_dump's custom format)."""
    url = make_url(url)
    if _is_sqlite(url):
        _sqlite_copy(_sqlite_file(url), path)
    else:
        _run_pg("pg_dump", url, "--format=custom", f"--file={path}")


def restore(url, path):
    """Replace everything in the database at `url` with the backup in `path`.

    PostgreSQL: one transaction (pg_restore --clean --single-transaction), so a failed
    restore leaves the database as it was. Stop the web and scheduler processes first:
    their open transactions would hold the tables being replaced.
    """
    url = make_url(url)
    if _is_sqlite(url):
        target = _sqlite_file(url)
        if Path(path).resolve() == Path(target).resolve():
            raise BackupFailed("The backup file is the database itself.")
        _sqlite_copy(path, target)
    else:
        _run_pg("pg_restore", url, "--clean", "--if-exists", "--single-transaction",
                "--no-owner", "--no-privileges", str(path))


def _is_sqlite(url):
    return url.get_backend_name() == "sqlite"


def _sqlite_file(url):
    if not url.database or url.database == ":memory:":
        raise BackupFailed("An in-memory SQLite database has no file to back up or restore.")
    return url.database


def _sqlite_copy(source, target):
    """Copy page by page with the online backup API; refuse a source that is no database."""
    try:
        with closing(sqlite3.connect(Path(source).resolve().as_uri() + "?mode=ro",
                                     uri=True)) as reader:
            reader.execute("PRAGMA quick_check").fetchall()
            with closing(sqlite3.connect(target)) as writer:
                reader.backup(writer)
    except sqlite3.Error as exc:
        raise BackupFailed(f"{source}: {exc}") from None


def _run_pg(program, url, *arguments):
    """Run pg_dump or pg_restore on the URL's database; the password goes in PGPASSWORD,
    never on the command line (where `ps` would show it)."""
    conninfo = URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query).render_as_string()
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    try:
        done = subprocess.run([program, *arguments, f"--dbname={conninfo}"], env=environment,
                              capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupFailed(f"{program} is not installed (Debian: apt-get install "
                           "postgresql-client, of the server's major version or newer)") from None
    if done.returncode != 0:
        raise BackupFailed(f"{program} failed ({done.returncode}): {done.stderr.strip()}")
