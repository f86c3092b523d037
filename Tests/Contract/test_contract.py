"""The document as strict as the server (issue 19): schemathesis runs every check of its
(`--checks all`) against a live `roster serve`, with a fixed seed and a bounded number of
examples (Tests/Contract/schemathesis.toml), and must find nothing.

    ROSTER_BIN=.build/debug/roster .venv/bin/python -m pytest -q -s Tests/Contract
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

import requests

ROSTER = os.environ.get("ROSTER_BIN", ".build/debug/roster")
HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_schemathesis_finds_nothing():
    directory = tempfile.mkdtemp(prefix="roster-contract-")
    database = f"sqlite://{directory}/roster.sqlite"
    token = subprocess.run([ROSTER, "token", "create", "--name", "contract", "--database", database],
                           capture_output=True, text=True, check=True).stdout.strip()
    port = free_port()
    # schemathesis saves login URLs of its own (https://login.salesforce.com among them) and
    # connects: only a loopback host is allowed, so nothing reaches the internet.
    server = subprocess.Popen([ROSTER, "serve", "--port", str(port), "--database", database, "--log-level", "error",
                               "--salesforce-hosts", "127.0.0.1:9", "--salesforce-hosts-only"])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                assert server.poll() is None and time.monotonic() < deadline, "roster serve did not start"
                time.sleep(0.1)
        headers = {"Authorization": f"Bearer {token}"}
        event = requests.post(f"{base}/api/v1/events", headers=headers, json={
            "name": "Contract", "fields": [{"code": "size", "label": "Size", "type": "selectList", "options": ["S", "M"]}]}).json()["id"]
        person = requests.post(f"{base}/api/v1/events/{event}/participants", headers=headers, json={
            "email": "ada@example.org", "firstName": "Ada", "lastName": "Lovelace"}).json()["id"]
        env = {**os.environ, "ROSTER_CONTRACT_TOKEN": token, "ROSTER_CONTRACT_EVENT": event, "ROSTER_CONTRACT_PARTICIPANT": person}
        schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
        result = subprocess.run([schemathesis, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run", f"{base}/openapi.yaml"],
                                env=env, capture_output=True, text=True, timeout=900, cwd=directory)  # its cache stays out of the tree
        output = result.stdout + result.stderr
        summary = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-3000:]
        print("\n" + summary)
        assert result.returncode == 0, output[-20000:]
    finally:
        server.terminate()
        server.wait(timeout=30)
