"""Runs the real `roster` binary (ROSTER_BIN, default .build/debug/roster) for the access suite.

Requests go through `http.client` straight to 127.0.0.1: it sends a path exactly as written
(`requests` folds a leading `//` into `/`) and never uses a proxy from the environment.
"""
import functools
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

ROSTER = os.environ.get("ROSTER_BIN") or str(Path(__file__).resolve().parents[2] / ".build/debug/roster")
# The server and the CLI see none of the caller's ROSTER_* settings (a metrics token, a database…).
ENVIRONMENT = {name: value for name, value in os.environ.items() if not name.startswith("ROSTER_")}


class Answer:
    """An HTTP answer: its status, its text, and the `error.code` of an error body."""

    def __init__(self, status, text, headers=None):
        self.status, self.text = status, text
        self.headers = {name.lower(): value for name, value in (headers or [])}

    def json(self):
        return json.loads(self.text)

    @property
    def code(self):
        try:
            return self.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            return None


class Roster:
    """A database (a fresh SQLite file unless `database` names one), the `roster` CLI on it, and
    `roster serve` on a free loopback port; its log goes to `self.log` (a file) when `log_level`
    is given, else to the suite's stderr at `warning`. `salesforce_hosts` are the hosts Roster may
    reach (by default a closed port); `environment` adds ROSTER_* settings."""

    def __init__(self, database=None, environment=None, log_level=None, salesforce_hosts="127.0.0.1:9"):
        self.directory = tempfile.mkdtemp(prefix="roster-security-")
        self.database = database or f"sqlite://{self.directory}/roster.sqlite"
        self.environment = {**ENVIRONMENT, **(environment or {})}
        self.log_level, self.salesforce_hosts = log_level, salesforce_hosts
        self.log = os.path.join(self.directory, "roster.log")
        self.process = None
        self.port = None

    def cli(self, *arguments, stdin=None, check=True):
        """Runs `roster ARGUMENTS --database …` (with `stdin` as its input); its stdout, stripped,
        or with `check=False` the finished process."""
        result = subprocess.run([ROSTER, *arguments, "--database", self.database], input=stdin,
                                capture_output=True, text=True, env=self.environment, timeout=60)
        if not check:
            return result
        assert result.returncode == 0, f"roster {' '.join(arguments)} failed: {result.stderr}"
        return result.stdout.strip()

    def log_lines(self):
        """What the server logged so far (with `log_level`)."""
        with open(self.log, encoding="utf-8", errors="replace") as log:
            return log.read().splitlines()

    def start(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        output = open(self.log, "ab") if self.log_level else None
        self.process = subprocess.Popen(
            [ROSTER, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database", self.database,
             "--log-level", self.log_level or "warning", "--salesforce-hosts", self.salesforce_hosts, "--salesforce-hosts-only"],
            env=self.environment, stdout=output, stderr=output)
        deadline = time.time() + 60
        while True:
            try:
                if self.call("GET", "/healthz").status == 200:
                    return
            except OSError:
                pass
            if time.time() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"`{ROSTER} serve` did not answer GET /healthz")
            time.sleep(0.2)

    def stop(self, keep=False):
        """Stops the server with SIGTERM; its exit code. Its directory (database, log) is removed
        unless `keep`."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        finally:
            if not keep:
                shutil.rmtree(self.directory, ignore_errors=True)

    def call(self, method, path, token=None, body=None, headers=None, raw=None):
        """Sends one request, its path byte for byte as given; `body` is sent as JSON, `raw` (bytes)
        as given; `headers` are sent too (a `Host` given replaces the connection's)."""
        headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        payload = raw
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host="Host" in headers, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name, value)
            if payload is not None:
                connection.putheader("Content-Length", str(len(payload)))
            connection.endheaders(payload)
            response = connection.getresponse()
            return Answer(response.status, response.read().decode("utf-8", "replace"), response.getheaders())
        finally:
            connection.close()


@functools.cache
def served_openapi():
    """The OpenAPI document as `roster serve` serves it, read at collection time from a throwaway
    server so that the routes can be pytest parameters."""
    if not os.access(ROSTER, os.X_OK):
        raise pytest.UsageError(f"no roster binary at {ROSTER} (build it, or set ROSTER_BIN)")
    server = Roster()
    server.start()
    try:
        answer = server.call("GET", "/openapi.yaml")
        assert answer.status == 200, answer.text
        return answer.text
    finally:
        server.stop()


@pytest.fixture(scope="module")
def roster():
    """One server with an unscoped `admin` token (made by the CLI before it starts) and two events,
    `roster.events["A"]` and `roster.events["B"]`."""
    server = Roster()
    server.tokens = {"admin": server.cli("token", "create", "--name", "admin")}
    server.start()
    try:
        server.events = {}
        for key in "AB":
            created = server.call("POST", "/api/v1/events", server.tokens["admin"], {"name": f"Event {key}", "fields": []})
            assert created.status == 201, created.text
            server.events[key] = created.json()["id"]
        yield server
    finally:
        code = server.stop()
    assert code == 0, "roster serve stops cleanly on SIGTERM"
