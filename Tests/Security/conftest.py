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
    """A fresh SQLite database, the `roster` CLI on it, and `roster serve` on a free loopback port."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="roster-security-")
        self.database = f"sqlite://{self.directory}/roster.sqlite"
        self.process = None
        self.port = None

    def cli(self, *arguments):
        """Runs `roster ARGUMENTS --database …`; its stdout, stripped."""
        result = subprocess.run([ROSTER, *arguments, "--database", self.database],
                                capture_output=True, text=True, env=ENVIRONMENT, timeout=60)
        assert result.returncode == 0, f"roster {' '.join(arguments)} failed: {result.stderr}"
        return result.stdout.strip()

    def start(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [ROSTER, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--database", self.database,
             "--log-level", "warning", "--salesforce-hosts", "127.0.0.1:9", "--salesforce-hosts-only"], env=ENVIRONMENT)
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

    def stop(self):
        """Stops the server with SIGTERM; its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=15)
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def call(self, method, path, token=None, body=None, headers=None):
        """Sends one request, its path byte for byte as given; `body` is sent as JSON; `headers`
        are sent too (a `Host` given replaces the connection's)."""
        headers = {**({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
        payload = None
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
