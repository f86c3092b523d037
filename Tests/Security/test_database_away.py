"""PostgreSQL stopped under a running `roster serve`, then started again (issue 34, #14).

While it is away every request that needs it answers 503 `database_unavailable` with
`Retry-After`, `/healthz` too, and the outage is one warning in the log (one notice when it ends),
never an error per request; once it is back the same requests go through and nothing acknowledged
was lost. The test runs its own PostgreSQL cluster on loopback (the Debian server that
`scripts/test` installs), so stopping it disturbs no other suite.
"""
import base64
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import Roster


def run_as_postgres(*command):
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)


class PrivatePostgres:
    """`initdb` in a temporary directory, `pg_ctl start` on a free loopback port, `stop`/`start`."""

    def __init__(self):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not binaries:
            pytest.skip("no PostgreSQL server installed (scripts/test installs it)")
        self.pg_ctl = binaries[-1]
        self.directory = tempfile.mkdtemp(prefix="roster-pg-away-")
        os.chmod(self.directory, 0o755)
        self.data = os.path.join(self.directory, "data")
        if os.getuid() == 0:
            shutil.chown(self.directory, "postgres")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        run_as_postgres(os.path.join(os.path.dirname(self.pg_ctl), "initdb"), "-D", self.data, "-U", "roster",
                        "--auth=trust", "-E", "UTF8")
        self.url = f"postgres://roster@127.0.0.1:{self.port}/postgres"
        self.start()

    def start(self):
        run_as_postgres(self.pg_ctl, "-D", self.data, "-l", os.path.join(self.directory, "server.log"), "-w",
                        "-o", f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory} -c fsync=off", "start")

    def stop(self, mode="fast"):
        run_as_postgres(self.pg_ctl, "-D", self.data, "-m", mode, "-w", "stop")

    def remove(self):
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def postgres():
    server = PrivatePostgres()
    yield server
    server.remove()


def test_database_away_answers_503_with_retry_after_and_logs_one_warning(postgres):
    roster = Roster(database=postgres.url, environment={"ROSTER_SECRET_KEY": base64.b64encode(os.urandom(32)).decode()},
                    log_level="info")
    token = roster.cli("token", "create", "--name", "admin")
    roster.start()
    try:
        event = roster.call("POST", "/api/v1/events", token, {"name": "Database away", "fields": []})
        assert event.status == 201, event.text
        participants = f"/api/v1/events/{event.json()['id']}/participants"
        assert roster.call("POST", participants, token, {"email": "before@example.com", "firstName": "A", "lastName": "B"}).status == 201

        postgres.stop()
        # Requests for 3 seconds: the outage spans several of the sync workers' polls too.
        answers, number, until = [], 0, time.monotonic() + 3
        while time.monotonic() < until:
            number += 1
            answers.append(roster.call("POST", participants, token, {"email": f"away{number}@example.com", "firstName": "A", "lastName": "B"}))
            answers.append(roster.call("GET", participants, token))
        assert all(answer.headers.get("cache-control") == "no-store" for answer in answers)
        answers.append(roster.call("GET", "/healthz"))
        for answer in answers:
            assert (answer.status, answer.code) == (503, "database_unavailable"), answer.text
            assert answer.headers.get("retry-after") == "5"

        postgres.start()
        deadline = time.monotonic() + 30
        while (after := roster.call("POST", participants, token, {"email": "after@example.com", "firstName": "A", "lastName": "B"})).status == 503:
            assert time.monotonic() < deadline, "Roster did not reconnect within 30 s of PostgreSQL's return"
            time.sleep(0.2)
        assert after.status == 201, after.text
        assert roster.call("GET", "/healthz").status == 200
        listed = roster.call("GET", participants, token).json()
        assert sorted(person["email"] for person in listed["items"]) == ["after@example.com", "before@example.com"]
    finally:
        code = roster.stop(keep=True)
    lines = roster.log_lines()
    shutil.rmtree(roster.directory, ignore_errors=True)
    assert code == 0
    assert [line for line in lines if "the database does not answer" in line and "warning" in line], "\n".join(lines[-20:])
    assert len([line for line in lines if "the database does not answer" in line]) == 1, "\n".join(lines)
    assert len([line for line in lines if "the database answers again" in line]) == 1, "\n".join(lines)
    assert not [line for line in lines if " error " in line or "request failed" in line], "\n".join(lines)
