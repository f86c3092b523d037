"""Scale-out on PostgreSQL (issue 23): one `roster serve --role web` and three `--role worker`
processes on one database share the sync work and survive each other.

    ROSTER_BIN=.build/debug/roster ROSTER_TEST_POSTGRES_URL=postgres://… .venv/bin/python -m pytest -q -s Tests/ScaleOut

Six events of 1,500 people are imported through the web process and force-synced (the sandbox
answers each call after 300 ms) while check-ins arrive; one worker is killed with SIGKILL once
the runs are under way, another is stopped with SIGTERM. Then Salesforce is read directly:
exactly one Contact or Lead and one campaign member per person, `Attended` for those who checked
in; every worker still running synced part of the people (its /metrics says how many).
"""
import base64
import glob
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Faults"))
from test_faults import ROSTER, Sandbox, free_port, wait_for  # noqa: E402  (the sandbox's start-up is shared)

EVENTS = 6
PEOPLE = 1_500
CHECK_INS = 50  # per event, while the runs go
WORKERS = 3


def create_database():
    """A new database on the test server, dropped afterwards."""
    admin = os.environ.get("ROSTER_TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("ROSTER_TEST_POSTGRES_URL is not set (scripts/test sets it)")
    psql = sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))[-1]
    name = f"roster_scaleout_{uuid.uuid4().hex[:8]}"
    subprocess.run(["runuser", "-u", "postgres", "--", psql, admin, "-c", f"CREATE DATABASE {name}"] if os.getuid() == 0
                   else [psql, admin, "-c", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return admin.rsplit("/", 1)[0] + "/" + name, lambda: subprocess.run(
        [psql, admin, "-c", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)


class Process:
    """One `roster serve` with its role."""

    def __init__(self, role, database, sandbox, environment):
        self.role, self.port, self.database, self.environment = role, free_port(), database, environment
        self.url = f"http://127.0.0.1:{self.port}"
        arguments = [ROSTER, "serve", "--role", role, "--port", str(self.port), "--database", database, "--log-level", "error",
                     "--salesforce-hosts", sandbox.url.removeprefix("http://"), "--salesforce-hosts-only"]
        if role == "worker":
            arguments += ["--max-events", "2"]
        self.process = subprocess.Popen(arguments, env=environment)

    def wait_healthy(self):
        def healthy():
            try:
                return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except requests.ConnectionError:
                assert self.process.poll() is None, f"roster serve --role {self.role} exited at start"
                return False
        wait_for(f"the {self.role} on {self.port} answers /healthz", healthy, 60)

    def synced(self):
        """People this process synced in forced runs, from its /metrics: every person synced
        (roster_sync_participants_total) less those the live sync sent."""
        text = requests.get(f"{self.url}/metrics", timeout=5).text

        def value(pattern):
            found = re.search(pattern, text, re.MULTILINE)
            return int(found.group(1)) if found else 0
        return value(r'^roster_sync_participants_total\{outcome="synced"\} (\d+)') - value(r'^roster_sync_live_participants_total (\d+)')

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)


class Cluster:
    """A new PostgreSQL database, the sandbox, one `--role web` and `workers` `--role worker`
    processes sharing a secret key, and an API token; `close()` stops and drops everything."""

    def __init__(self, workers, sandbox_arguments=(), **environment):
        self.database, self.drop = create_database()
        self.sandbox = Sandbox(*sandbox_arguments)
        self.environment = {**os.environ, "ROSTER_SECRET_KEY": base64.b64encode(os.urandom(32)).decode(), **environment}
        token = subprocess.run([ROSTER, "token", "create", "--name", "scaleout", "--database", self.database],
                               capture_output=True, text=True, check=True, env=self.environment).stdout.strip()
        self.web = Process("web", self.database, self.sandbox, self.environment)
        self.workers = [self.worker() for _ in range(workers)]
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.api = f"{self.web.url}/api/v1"
        for process in [self.web, *self.workers]:
            process.wait_healthy()

    def worker(self):
        return Process("worker", self.database, self.sandbox, self.environment)

    def events(self, names, people, enabled, flow="clientCredentials"):
        """An event per campaign name, `people` imported into each, connected to the sandbox:
        [(event id, connector URL)]."""
        self.sandbox.control("seed", {"campaigns": [{"Name": name, "IsActive": True, "statuses": [
            {"label": "Registered", "default": True}, {"label": "Attended", "responded": True}]} for name in names]})
        made = []
        for n, name in enumerate(names):
            event = self.session.post(f"{self.api}/events", json={"name": name}).json()["id"]
            csv = "email,firstName,lastName,company\n" + "".join(f"e{n}p{i}@example.org,F{i},L{i},Company {i % 30}\n" for i in range(people))
            imported = self.session.post(f"{self.api}/events/{event}/participants/import", data=csv.encode(),
                                         headers={"Content-Type": "text/csv"}).json()
            assert imported["created"] == people, imported
            connector = f"{self.api}/events/{event}/connectors/salesforce"
            self.session.put(connector, json={
                "enabled": enabled, "loginUrl": self.sandbox.url, "consumerKey": self.sandbox.key, "consumerSecret": self.sandbox.secret,
                "campaignName": name, "registeredStatus": "Registered", "attendedStatus": "Attended",
                "allowLeadCreation": True, "allowUpdate": True}).raise_for_status()
            if flow == "clientCredentials":
                assert self.session.post(f"{connector}/connect", json={"flow": "clientCredentials"}).status_code == 200
            else:
                self.log_in(connector)
            made.append((event, connector))
        return made

    def log_in(self, connector):
        """The web-server flow as a person's browser goes through it: Roster's authorize URL, the
        org's login page, the callback with the code."""
        started = self.session.post(f"{connector}/connect", json={"flow": "webServer"})
        assert started.status_code == 200, started.text
        authorize = started.json()["authorizeUrl"]
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
        login = requests.post(f"{self.sandbox.url}/services/oauth2/authorize", allow_redirects=False,
                              data={**query, "username": self.sandbox.username, "pw": self.sandbox.password})
        assert login.status_code == 302, login.text[:300]
        callback = requests.get(login.headers["Location"])
        assert callback.status_code == 200, callback.text[:300]
        assert self.session.get(connector).json()["connection"]["state"] == "connected"

    def close(self, *others):
        for process in [self.web, *self.workers, *others]:
            process.stop()
        self.sandbox.process.terminate()
        self.sandbox.process.wait()
        self.drop()


def test_web_and_workers_share_the_sync_and_survive_each_other():
    started = time.monotonic()
    cluster = Cluster(WORKERS, ROSTER_SYNC_LEASE_SECONDS="10", ROSTER_PAUSED_RUN_RETRY_SECONDS="2")
    try:
        run_scenario(cluster, started)
    finally:
        cluster.close()


def run_scenario(cluster, started):
    sandbox, workers, session, api = cluster.sandbox, cluster.workers, cluster.session, cluster.api
    assert requests.get(f"{workers[0].url}/api/v1/events", headers=session.headers).status_code == 404, "workers answer no API"
    campaigns = [f"Scale Summit {n}" for n in range(EVENTS)]
    events = cluster.events(campaigns, PEOPLE, enabled=True)
    # Slow enough that the kill lands while the runs go, whatever the machine's load: each run is
    # one batch of a few calls, so at a second a call it outlasts the check-ins below.
    sandbox.control("latency", {"ms": 1000})

    runs = [(connector, session.post(f"{connector}/sync", json={}).json()["runId"]) for _, connector in events]

    def states():
        return [session.get(f"{connector}/runs/{run}").json() for connector, run in runs]
    wait_for("every worker holds a run", lambda: sum(r["state"] == "running" for r in states()) >= WORKERS, 60)

    # Check-ins arrive while the runs go.
    checked_in = {}
    for event, _ in events:
        page = session.get(f"{api}/events/{event}/participants", params={"limit": CHECK_INS}).json()["items"]
        checked_in[event] = {p["email"] for p in page}

        def check_in(person, event=event):
            reply = session.patch(f"{api}/events/{event}/participants/{person['id']}", json={"hasAttended": True})
            assert reply.status_code == 200, reply.text
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(check_in, page))

    # One worker dies without a word once the runs are under way: its events wait for its lease
    # to expire (10 s here), then the others take them from where it stopped.
    killed, stopped, survivor = workers
    killed.stop(signal.SIGKILL)
    at_kill = states()
    sandbox.control("latency", {"ms": 300})  # the rest of the runs at the usual pace
    print(f"\nkilled a worker with SIGKILL at {sum(r['processed'] for r in at_kill)} of {EVENTS * PEOPLE} processed")
    assert sum(r["state"] == "running" for r in at_kill) >= 2, "killed while runs were going"
    # Another is stopped with SIGTERM: it ends its batch, hands its events over at once and exits.
    wait_for("the second worker has synced some", lambda: stopped.synced() > 0, 120)
    shares = {"worker 2": stopped.synced()}
    began = time.monotonic()
    stopped.stop(signal.SIGTERM)
    print(f"stopped a worker with SIGTERM: exited in {time.monotonic() - began:.1f} s")
    replacement = cluster.worker()
    cluster.workers.append(replacement)
    replacement.wait_healthy()

    finished = wait_for("every run finishes", lambda: (lambda rs: rs if all(r["state"] in ("succeeded", "failed") for r in rs) else None)(states()), 600)
    assert all(r["state"] == "succeeded" and r["failed"] == 0 for r in finished), finished
    for event, connector in events:
        wait_for("the live queue drains", lambda connector=connector: session.get(f"{connector}/queue").json()["pending"] == 0, 120)

    # Salesforce holds each person once, in the campaign once, with the right status.
    sandbox.control("latency", {"ms": 0})
    for (event, _), name in zip(events, campaigns):
        campaign = sandbox.query(f"SELECT Id FROM Campaign WHERE Name = '{name}'")[0]["Id"]
        members = sandbox.query(f"SELECT ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = '{campaign}'")
        people = [m["ContactId"] or m["LeadId"] for m in members]
        assert len(members) == PEOPLE and len(set(people)) == PEOPLE, f"{name}: {len(members)} members, {len(set(people))} people"
        attended = sum(m["Status"] == "Attended" for m in members)
        assert attended == len(checked_in[event]), f"{name}: {attended} Attended"
    emails = [r["Email"] for r in sandbox.query("SELECT Email FROM Lead") + sandbox.query("SELECT Email FROM Contact")]
    assert len(emails) == len(set(emails)) == EVENTS * PEOPLE, "one record per person"

    shares |= {"worker 3": survivor.synced(), "replacement": replacement.synced()}
    print(f"people synced in forced runs by each worker not killed: {shares}; "
          f"API calls: {sandbox.control('calls', method='GET')['apiCalls']}; time: {time.monotonic() - started:.0f} s")
    assert shares["worker 2"] > 0 and shares["worker 3"] > 0, f"every surviving worker synced part of the people: {shares}"
