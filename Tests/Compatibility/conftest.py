"""Starts (or attaches to) a Roster Salesforce sandbox for the simple-salesforce suite.

Two ways to point the suite at a sandbox:

* ``ROSTER_BIN=/path/to/roster`` — the suite runs ``roster sandbox --port P --test-control ...``
  on a free loopback port it picks, reads the ``name: value`` lines the command prints, and
  stops the process at the end;
* ``SANDBOX_URL``, ``SANDBOX_CONSUMER_KEY``, ``SANDBOX_CONSUMER_SECRET``, ``SANDBOX_USERNAME``,
  ``SANDBOX_PASSWORD`` — attach to a sandbox that is already running (the Swift test
  ``CompatibilitySuiteTests`` does this).

simple-salesforce always builds ``https://`` URLs (and ``https://login.salesforce.com`` for
logins); the sandbox serves plain HTTP on loopback, so the client gets a ``requests.Session``
that sends those URLs to the sandbox over HTTP. Nothing else about the client is changed.
"""
import os
import socket
import subprocess
import time
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests


class LoopbackSession(requests.Session):
    """Sends the client's https:// URLs (instance and login hosts) to the sandbox over http."""

    def __init__(self, base_url):
        super().__init__()
        self.base = urlsplit(base_url)

    def request(self, method, url, *args, **kwargs):
        parts = urlsplit(url)
        if parts.scheme == "https":
            url = urlunsplit(("http", self.base.netloc, parts.path, parts.query, parts.fragment))
        return super().request(method, url, *args, **kwargs)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def sandbox():
    """The sandbox's URL and credentials, as a dict."""
    if os.environ.get("SANDBOX_URL"):
        yield {
            "url": os.environ["SANDBOX_URL"],
            "consumer_key": os.environ["SANDBOX_CONSUMER_KEY"],
            "consumer_secret": os.environ["SANDBOX_CONSUMER_SECRET"],
            "username": os.environ["SANDBOX_USERNAME"],
            "password": os.environ["SANDBOX_PASSWORD"],
        }
        return
    binary = os.environ.get("ROSTER_BIN")
    if not binary:
        pytest.fail("set ROSTER_BIN (path to the roster executable) or SANDBOX_URL and its credentials")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "sandbox", "--host", "127.0.0.1", "--port", str(port), "--consumer-key", "compat-key",
         "--consumer-secret", "compat-secret", "--username", "compat@example.com", "--password", "compat-pw",
         "--test-control"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    info = {}
    deadline = time.time() + 60
    while "password" not in info and time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        name, _, value = line.strip().partition(": ")
        info[name] = value
    if "url" not in info:
        process.kill()
        pytest.fail("the sandbox did not start: " + process.stderr.read())
    yield info
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def control(sandbox):
    """Calls the sandbox's /__sandbox test-control API; resets the org before each test."""
    base = sandbox["url"]

    def call(path, body=None, method="POST"):
        response = requests.request(method, f"{base}/__sandbox/{path}", json=body if body is not None else {})
        response.raise_for_status()
        return response.json()

    call("reset")
    return call


@pytest.fixture
def sf(sandbox, control):
    """A simple-salesforce client logged in through the OAuth password grant."""
    from simple_salesforce import Salesforce

    return Salesforce(
        username=sandbox["username"], password=sandbox["password"], consumer_key=sandbox["consumer_key"],
        consumer_secret=sandbox["consumer_secret"], session=LoopbackSession(sandbox["url"]), version="62.0")
