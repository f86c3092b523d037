"""`roster demo`, the README's run command, started as a new user would (in an empty directory)."""
import os
import json
import re
import signal
import socket
import subprocess
import tempfile
import time

import requests

ROSTER = os.environ.get("ROSTER_BIN", ".build/debug/roster")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_demo(directory, port, sandbox_port):
    # Its sandbox is the only Salesforce host allowed: nothing a test does reaches the internet.
    process = subprocess.Popen([ROSTER, "demo", "--port", str(port), "--sandbox-port", str(sandbox_port), "--salesforce-hosts-only"],
                               cwd=directory, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    deadline = time.time() + 60
    while time.time() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Stop with Ctrl-C"):
            break
    printed = "".join(lines)
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.1)
    return process, printed


def field(printed, name):
    match = re.search(rf"^\s*{re.escape(name)}:\s+(\S+)", printed, re.MULTILINE)
    assert match, f"'{name}' is not printed:\n{printed}"
    return match.group(1)


def test_demo_serves_the_demo_event_and_a_seeded_salesforce_org():
    with tempfile.TemporaryDirectory() as directory:
        port, sandbox_port = free_port(), free_port()
        process, printed = start_demo(directory, port, sandbox_port)
        try:
            token = field(printed, "api token")
            events = requests.get(f"http://127.0.0.1:{port}/api/v1/events", headers={"Authorization": f"Bearer {token}"}).json()
            demo = [e for e in events["items"] if e["name"] == "Roster Demo Summit"]
            assert demo and demo[0]["participantCount"] == 300

            key, secret = field(printed, "consumer key"), field(printed, "consumer secret")
            grant = requests.post(f"http://127.0.0.1:{sandbox_port}/services/oauth2/token",
                                  data={"grant_type": "client_credentials", "client_id": key, "client_secret": secret})
            assert grant.status_code == 200, grant.text
            access = grant.json()
            campaigns = requests.get(f"{access['instance_url']}/services/data/v62.0/query",
                                     params={"q": "SELECT Id, Name FROM Campaign WHERE Name = 'Roster Demo Summit'"},
                                     headers={"Authorization": f"Bearer {access['access_token']}"})
            assert campaigns.status_code == 200, campaigns.text
            assert campaigns.json()["totalSize"] == 1

            # The README's two curls: connect with client credentials, then a clean check.
            connect = re.search(r"^\s*(curl -X POST .*/connect)$", printed, re.MULTILINE).group(1)
            check = re.search(r"^\s*(curl -X POST .*/check)$", printed, re.MULTILINE).group(1)
            connected = json.loads(subprocess.run(connect, shell=True, capture_output=True, text=True, check=True).stdout)
            assert connected["connection"]["state"] == "connected", connected
            report = json.loads(subprocess.run(check, shell=True, capture_output=True, text=True, check=True).stdout)
            assert report["ok"] is True and report["errors"] == [] and report["warnings"] == [], report
            assert report["estimatedCallsForFullSync"] > 0 and report["apiUsage"]["used"] > 0

            # Force a sync and watch its counters, then see everyone in the sandbox's campaign.
            event = re.search(r"events/([^/]+)/connectors", connect).group(1)
            api = f"http://127.0.0.1:{port}/api/v1/events/{event}"
            auth = {"Authorization": f"Bearer {token}"}
            run_id = requests.post(f"{api}/connectors/salesforce/sync", headers=auth).json()["runId"]
            deadline = time.time() + 60
            while time.time() < deadline:
                run = requests.get(f"{api}/connectors/salesforce/runs/{run_id}", headers=auth).json()
                if run["state"] in ("succeeded", "failed", "paused"):
                    break
                time.sleep(0.1)
            assert run["state"] == "succeeded" and run["processed"] == 300 and run["failed"] == 0, run
            assert run["apiCalls"] <= 6, run
            sf = {"Authorization": f"Bearer {access['access_token']}"}
            def members():
                campaign = campaigns.json()["records"][0]["Id"]
                reply = requests.get(f"{access['instance_url']}/services/data/v62.0/query", headers=sf,
                                     params={"q": f"SELECT Id, ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = '{campaign}'"})
                return reply.json()["records"]
            assert len(members()) == 300

            # Check someone in: the campaign shows it within a second or so, with no button.
            people = requests.get(f"{api}/participants?limit=10", headers=auth).json()["items"]
            person = next(p for p in people if not p["hasAttended"])
            member_id = person["salesforce"]["campaignMemberId"]
            assert requests.patch(f"{api}/participants/{person['id']}", headers=auth, json={"hasAttended": True}).status_code == 200
            deadline = time.time() + 5
            while time.time() < deadline and next(m for m in members() if m["Id"] == member_id)["Status"] != "Attended":
                time.sleep(0.05)
            assert next(m for m in members() if m["Id"] == member_id)["Status"] == "Attended"
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
        # A second start keeps the data and does not seed twice.
        process, printed = start_demo(directory, port, sandbox_port)
        try:
            token = field(printed, "api token")
            events = requests.get(f"http://127.0.0.1:{port}/api/v1/events", headers={"Authorization": f"Bearer {token}"}).json()
            assert [e["name"] for e in events["items"]].count("Roster Demo Summit") == 1
        finally:
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=20) == 0
