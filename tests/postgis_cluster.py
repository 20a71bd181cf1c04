"""A throw-away PostgreSQL/PostGIS cluster of the suite's own, for the plan store's tests.

The suite starts a real server (``initdb`` in a temporary directory, its own port, its socket in
that directory) and removes it afterwards — when the session ends, at interpreter exit, and, for
a run that was killed, at the start of the next run (each cluster's directory names the pytest
process that owns it; a directory whose owner is gone is stopped and deleted).

PostgreSQL refuses to run as root. As root the cluster runs as the ``postgres`` OS user (which
Debian's package creates), or ``nobody``, in a directory that user owns; as any other user it
runs as that user.

Without the server binaries (``postgresql`` and ``postgresql-NN-postgis-3``) the tests can use a
server given in ``COMPLETE_COMMUNITY_TEST_PG`` (libpq keywords of a superuser, e.g.
``host=127.0.0.1 port=5432 user=postgres password=...``): they then work in a database of their
own on it, dropped afterwards. With neither, :func:`unavailable_reason` says why they skip.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

PREFIX = "cc-pgtest-"
ENVIRONMENT = "COMPLETE_COMMUNITY_TEST_PG"
DATABASE = "plans"
#: Login roles the tests use: two planners who edit, one who may only read.
EDITORS = ("planner_a", "planner_b")
READER = "viewer"


def server_binaries() -> Optional[Path]:
    """The newest PostgreSQL ``bin`` folder that has initdb and whose share has PostGIS."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version, reverse=True):
        version = Path(folder).parent.name
        if (Path(folder) / "initdb").exists() and glob.glob(
            f"/usr/share/postgresql/{version}/extension/postgis.control"
        ):
            return Path(folder)
    return None


def _version(folder: str) -> float:
    try:
        return float(Path(folder).parent.name)
    except ValueError:
        return 0.0


def driver_missing() -> Optional[str]:
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return "psycopg2 is not installed (Debian: python3-psycopg2)"
    return None


def unavailable_reason() -> Optional[str]:
    """Why the PostGIS tests cannot run here, or None when they can."""
    missing = driver_missing()
    if missing:
        return f"PostGIS tests skipped: {missing}"
    if server_binaries() is None and not os.environ.get(ENVIRONMENT):
        return (
            "PostGIS tests skipped: no PostgreSQL server with PostGIS here (install postgresql "
            f"and postgresql-NN-postgis-3) and {ENVIRONMENT} is not set"
        )
    return None


class Cluster:
    """A running server and the database the tests use; :meth:`stop` removes what it made."""

    def __init__(self) -> None:
        self.base: Optional[Path] = None
        self.bin: Optional[Path] = None
        self.run_as: Optional[str] = None
        self.host = ""
        self.port = 0
        self.superuser = "postgres"
        self.superuser_password = secrets.token_hex(12)
        self.passwords: Dict[str, str] = {}
        self.external: Dict[str, str] = {}
        self.description = ""
        self._stopped = False

    # Starting ------------------------------------------------------------------------------

    def start(self) -> Cluster:
        external = os.environ.get(ENVIRONMENT)
        binaries = server_binaries()
        if binaries is None and external:
            return self._use_external(external)
        assert binaries is not None
        remove_stale_clusters()
        self.bin = binaries
        self.run_as = _run_as_user()
        self.base = Path(tempfile.mkdtemp(prefix=PREFIX, dir="/tmp"))
        (self.base / "owner").write_text(str(os.getpid()))
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.base, entry.pw_uid, entry.pw_gid)
        atexit.register(self.stop)
        password_file = self.base / "password"
        password_file.write_text(self.superuser_password + "\n")
        if self.run_as:
            os.chown(password_file, pwd.getpwnam(self.run_as).pw_uid, -1)
        self._run(
            "initdb", "-D", str(self.base / "data"), "-U", self.superuser, "-E", "UTF8",
            "--no-locale", "--no-sync", "--auth-local=trust", "--auth-host=scram-sha-256",
            f"--pwfile={password_file}",
        )  # fmt: skip
        password_file.unlink()
        self.port = _free_port()
        self.host = str(self.base)
        options = (
            f"-k {self.base} -p {self.port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40"
        )
        self._run(
            "pg_ctl", "-D", str(self.base / "data"), "-o", options,
            "-l", str(self.base / "server.log"), "-w", "-t", "60", "start",
        )  # fmt: skip
        self._prepare_database()
        version = self.query("postgres", "SELECT current_setting('server_version')")[0][0]
        postgis = self.query(
            DATABASE, "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
        )
        self.description = (
            f"own cluster: PostgreSQL {version}, PostGIS {postgis[0][0]}, port {self.port}, "
            f"socket in {self.base}, run as {self.run_as or os.getenv('USER', 'this user')}"
        )
        return self

    def _use_external(self, conninfo: str) -> Cluster:
        import psycopg2.extensions

        self.external = psycopg2.extensions.parse_dsn(conninfo)
        self.host = self.external.get("host", "")
        self.port = int(self.external.get("port", 5432))
        self.superuser = self.external.get("user", "postgres")
        self.superuser_password = self.external.get("password", "")
        atexit.register(self.stop)
        self._prepare_database()
        self.description = f"server from {ENVIRONMENT} at {self.host}:{self.port}"
        return self

    def _prepare_database(self) -> None:
        """A fresh database with PostGIS, the planners' roles (with passwords for TCP)."""
        self.execute("postgres", f"DROP DATABASE IF EXISTS {DATABASE}")
        self.execute("postgres", f"CREATE DATABASE {DATABASE}")
        self.execute(DATABASE, "CREATE EXTENSION postgis")
        for role in (*EDITORS, READER):
            self.passwords[role] = secrets.token_hex(8)
            self.execute(
                "postgres",
                f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{role}') "
                f"THEN CREATE ROLE {role} LOGIN; END IF; END $$",
            )
            self.execute("postgres", f"ALTER ROLE {role} PASSWORD '{self.passwords[role]}'")

    def _run(self, program: str, *args: str) -> None:
        assert self.bin is not None
        command = [str(self.bin / program), *args]
        result = subprocess.run(
            command,
            user=self.run_as,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=str(self.base),
        )
        if result.returncode != 0:
            log = self.base / "server.log" if self.base else None
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(
                f"{program} failed ({result.returncode}): {result.stderr.strip()}\n{tail}"
            )

    # Using -------------------------------------------------------------------------------------

    def params(self, user: Optional[str] = None, database: str = DATABASE, tcp: bool = False):
        """libpq keywords to connect as ``user`` (the superuser by default). Over the socket
        no password is needed (trust); over TCP (``tcp``) the role's password is included."""
        user = user or self.superuser
        if self.external or tcp:
            password = self.superuser_password if user == self.superuser else self.passwords[user]
            host = "127.0.0.1" if tcp and not self.external else self.host
            values = {"host": host, "port": str(self.port), "dbname": database, "user": user}
            values["password"] = password
            if self.external.get("sslmode"):
                values["sslmode"] = self.external["sslmode"]
            return values
        return {"host": self.host, "port": str(self.port), "dbname": database, "user": user}

    def connect(self, user: Optional[str] = None, database: str = DATABASE):
        import psycopg2

        connection = psycopg2.connect(**self.params(user, database))
        connection.autocommit = True
        return connection

    def execute(self, database: str, sql: str, params=None) -> None:
        connection = self.connect(None, database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        finally:
            connection.close()

    def query(self, database: str, sql: str, params=None) -> List[tuple]:
        connection = self.connect(None, database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()

    # Stopping ----------------------------------------------------------------------------------

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self.external:
            with contextlib.suppress(Exception):
                self.execute("postgres", f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            return
        if self.base is None:
            return
        _stop_and_remove(self.base, self.bin, self.run_as)


def _run_as_user() -> Optional[str]:
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root, and there is neither a postgres nor a nobody user")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop_and_remove(base: Path, binaries: Optional[Path], run_as: Optional[str]) -> None:
    data = base / "data"
    pid_file = data / "postmaster.pid"
    if pid_file.exists():
        binaries = binaries or server_binaries()
        stopped = False
        if binaries is not None:
            try:
                subprocess.run(
                    [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                     "-t", "30", "stop"],
                    user=run_as if os.geteuid() == 0 else None,
                    capture_output=True,
                    timeout=60,
                )  # fmt: skip
                stopped = not pid_file.exists()
            except (OSError, subprocess.SubprocessError):
                stopped = False
        if not stopped:
            _kill_postmaster(pid_file)
    shutil.rmtree(base, ignore_errors=True)


def _kill_postmaster(pid_file: Path) -> None:
    """The last resort for a server pg_ctl could not stop: its postmaster, by its pid."""
    try:
        pid = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        os.kill(pid, signal.SIGQUIT)
    except OSError:
        return
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.1)


def remove_stale_clusters() -> List[Path]:
    """Stop and delete clusters left by test runs that were killed (their owner is gone)."""
    removed = []
    for folder in glob.glob(f"/tmp/{PREFIX}*"):
        base = Path(folder)
        try:
            owner = int((base / "owner").read_text().strip())
        except (OSError, ValueError):
            owner = 0
        if owner and _alive(owner):
            continue
        data_owner = None
        with contextlib.suppress(KeyError, OSError):
            data_owner = pwd.getpwuid(base.stat().st_uid).pw_name
        _stop_and_remove(base, None, data_owner if data_owner != "root" else None)
        removed.append(base)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
