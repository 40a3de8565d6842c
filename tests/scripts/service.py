"""A guichet service started for a load or fault script, and a tiny JSON client.

Standard library only: the scripts run on any machine with Python 3 and the built binary.
"""

import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

DEMO_PASSWORD = "guichet-demo-2026"
SECRET = "load-script-secret-of-at-least-32-bytes"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """`guichet serve` on a database URL; restartable, killable."""

    def __init__(self, binary, database_url, data_dir=None, port=None, extra_env=None):
        self.binary = binary
        self.database_url = database_url
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="guichet-load-data-")
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.process = None
        self.log = open(os.path.join(self.data_dir, "serve.log"), "ab")

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": self.database_url,
            "GUICHET_PORT": str(self.port),
            "GUICHET_DATA_DIR": self.data_dir,
            "GUICHET_JWT_SECRET": SECRET,
            "GUICHET_MODE": "demo",
            "GUICHET_LOGIN_LIMIT_PER_ACCOUNT": "1000",
            "GUICHET_LOGIN_LIMIT_PER_ADDRESS": "10000",
            "RUST_LOG": "warn",
        })
        env.update(self.extra_env)
        return env

    def run(self, *args, timeout=600):
        """A one-shot command of the binary on the service's database; its output."""
        done = subprocess.run([self.binary, *args], env=self.env(), capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode != 0:
            raise RuntimeError(f"guichet {' '.join(args)}: {done.stderr[-2000:]}")
        return done.stdout

    def start(self, timeout=60):
        self.process = subprocess.Popen([self.binary, "serve"], env=self.env(),
                                        stdout=self.log, stderr=self.log)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"guichet serve exited with {self.process.returncode}")
            try:
                status, _, _ = request(self.base, "GET", "/health/ready", timeout=2)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("guichet serve did not become ready")

    def kill(self):
        """SIGKILL: no shutdown, no flush, as a crash or an OOM kill."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def request(base, method, path, token=None, body=None, headers=None, timeout=30):
    """(status, headers (case-insensitive), JSON body or None). Connection failures raise
    OSError."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for name, value in (headers or {}).items():
        req.add_header(name, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            raw = response.read()
            return response.status, response.headers, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            payload = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        return error.code, error.headers, payload


def login(base, role, territory="ge"):
    email = f"{role}.{territory}@demo.guichet.example"
    status, _, body = request(base, "POST", "/api/v1/auth/token", body={
        "grant_type": "password", "email": email, "password": DEMO_PASSWORD})
    if status != 200:
        raise RuntimeError(f"login {email}: {status} {body}")
    return body["access_token"]


def fresh_database(kind):
    """A database URL for a run: a new SQLite file, or a new PostgreSQL database on the
    server of TEST_DATABASE_URL (created with psql)."""
    if kind == "sqlite":
        directory = tempfile.mkdtemp(prefix="guichet-load-db-")
        return f"sqlite://{directory}/guichet.db"
    admin = os.environ.get("TEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/postgres"
    name = f"guichet_load_{os.getpid()}_{int(time.time())}"
    admin_db = admin.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", admin_db, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
    return admin.rsplit("/", 1)[0] + "/" + name


def sql_value(database_url, query):
    """The first value of the first row, read directly (not through the service), as text;
    None when there is no row."""
    if database_url.startswith("sqlite://"):
        import sqlite3
        with sqlite3.connect(database_url[len("sqlite://"):]) as db:
            row = db.execute(query).fetchone()
            return None if row is None else str(row[0])
    out = subprocess.run(["psql", database_url, "-tAq", "-c", query],
                         check=True, capture_output=True, text=True)
    lines = out.stdout.splitlines()
    return lines[0] if lines else None


def sql_count(database_url, query):
    """One integer from the database, read directly (not through the service)."""
    return int(sql_value(database_url, query))


def drop_database(database_url):
    """Removes a database made by `fresh_database`."""
    if database_url.startswith("sqlite://"):
        import shutil
        shutil.rmtree(os.path.dirname(database_url[len("sqlite://"):]), ignore_errors=True)
        return
    server, name = database_url.rsplit("/", 1)
    subprocess.run(["psql", server + "/postgres", "-q", "-c",
                    f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=True)
