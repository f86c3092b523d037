"""The sync engine's figures (issue 8), printed, not asserted as timings:

    ROSTER_BIN=.build/release/roster .venv/bin/python Tests/Compatibility/bench_sync.py [--sizes 10000,100000]

Runs `roster sandbox --test-control` and `roster serve`, seeds the org with the issue's mix
(of N people: 40% new, 30% existing Contacts, 20% existing Leads, 10% converted Leads), imports N
participants, connects, and prints:
  1. API calls per person of a cold forced sync (updates on);
  1b. API calls of the same cold sync when the org's triggers run out of CPU past 50 records a write;
  1c. API calls per person of the same cold sync with Contacts under their company's Account;
  2. API calls of the same sync again with nothing changed, after deleting 5 members (they come back);
  3. wall time of a cold 10,000-person sync with 150 ms latency per call, next to a per-person
     strategy (query, write, member: 3 calls a person) on the first 200 people, extrapolated;
  4. live: API calls for one new registration and one check-in, and the p95 latency from the
     API's answer to the person being synced, over 100 check-ins with 50 ms latency;
  5. peak RSS of `roster serve` over the whole run;
  6. a check-in rush (issue 29): at 1, 10 and 30 check-ins a second with 100 ms per Salesforce
     call, the calls a check-in costs and the lag from the API's answer to the person synced
     (p50, p95). `--only-rush` runs this alone.
"""
import argparse
import datetime
import os
import socket
import statistics
import subprocess
import tempfile
import time

import requests

ROSTER = os.environ.get("ROSTER_BIN", ".build/release/roster")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Bench:
    def __init__(self, directory):
        self.directory = directory
        sandbox_port, self.port = free_port(), free_port()
        self.sandbox = subprocess.Popen([ROSTER, "sandbox", "--port", str(sandbox_port), "--test-control"],
                                        stdout=subprocess.PIPE, text=True)
        info = {}
        while "password" not in info:
            name, _, value = self.sandbox.stdout.readline().strip().partition(": ")
            info[name] = value
        self.sf = info["url"]
        self.key, self.secret = info["consumer_key"], info["consumer_secret"]
        database = f"sqlite://{directory}/bench.sqlite"
        self.token = subprocess.run([ROSTER, "token", "create", "--name", "bench", "--database", database],
                                    capture_output=True, text=True, check=True).stdout.strip()
        self.server = subprocess.Popen([ROSTER, "serve", "--port", str(self.port), "--database", database, "--log-level", "error",
                                        "--salesforce-hosts", f"127.0.0.1:{sandbox_port}", "--salesforce-hosts-only"])
        self.api = f"http://127.0.0.1:{self.port}/api/v1"
        self.headers = {"Authorization": f"Bearer {self.token}"}
        for _ in range(200):
            try:
                requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)

    def close(self):
        rss = self.peak_rss()
        for process in (self.server, self.sandbox):
            process.terminate()
            process.wait()
        return rss

    def peak_rss(self):
        with open(f"/proc/{self.server.pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
        return 0

    def calls(self):
        return int(requests.get(f"{self.sf}/__sandbox/calls").json()["apiCalls"])

    def sf_token(self):
        return requests.post(f"{self.sf}/__sandbox/token").json()["access_token"]

    def query(self, soql):
        headers = {"Authorization": f"Bearer {self.sf_token()}"}
        url, records = f"{self.sf}/services/data/v62.0/query", []
        reply = requests.get(url, params={"q": soql}, headers=headers).json()
        records += reply["records"]
        while not reply["done"]:
            reply = requests.get(self.sf + reply["nextRecordsUrl"], headers=headers).json()
            records += reply["records"]
        return records

    def event(self, size, name, lead_creation=True):
        """Seeds the org with the mix and Roster with `size` participants; answers the event id."""
        requests.post(f"{self.sf}/__sandbox/reset").raise_for_status()
        contacts = int(size * 0.3)
        leads = int(size * 0.2)
        converted = int(size * 0.1)
        seed = {
            "campaigns": [{"Name": name, "IsActive": True, "statuses": [{"label": "Registered", "default": True}, {"label": "Attended", "responded": True}]}],
            "records": {
                "Contact": [{"LastName": f"C{n}", "Email": f"person{n}@example.org"} for n in range(contacts)],
                "Lead": [{"LastName": f"L{n}", "Company": "Acme", "Email": f"person{n}@example.org"}
                         for n in range(contacts, contacts + leads + converted)],
            },
        }
        requests.post(f"{self.sf}/__sandbox/seed", json=seed).raise_for_status()
        to_convert = [f"person{n}@example.org" for n in range(contacts + leads, contacts + leads + converted)]
        ids = {r["Email"]: r["Id"] for r in self.query("SELECT Id, Email FROM Lead")}
        for email in to_convert:
            requests.post(f"{self.sf}/__sandbox/leads/{ids[email]}/convert").raise_for_status()
        event = requests.post(f"{self.api}/events", headers=self.headers, json={"name": name}).json()["id"]
        csv = "email,firstName,lastName,company,hasAttended\n" + "".join(
            f"person{n}@example.org,First{n},Last{n},Company {n % 50},{'true' if n % 4 == 0 else 'false'}\n" for n in range(size))
        reply = requests.post(f"{self.api}/events/{event}/participants/import", headers={**self.headers, "Content-Type": "text/csv"},
                              data=csv.encode()).json()
        assert reply["created"] == size, reply
        connector = f"{self.api}/events/{event}/connectors/salesforce"
        saved = requests.put(connector, headers=self.headers, json={
            "enabled": False, "loginUrl": self.sf, "consumerKey": self.key, "consumerSecret": self.secret,
            "campaignName": name, "registeredStatus": "Registered", "attendedStatus": "Attended",
            "allowLeadCreation": lead_creation, "allowUpdate": True})
        assert saved.status_code == 200, saved.text
        reply = requests.post(f"{connector}/connect", headers=self.headers, json={"flow": "clientCredentials"})
        assert reply.status_code == 200, reply.text
        return event

    def force(self, event):
        connector = f"{self.api}/events/{event}/connectors/salesforce"
        before, started = self.calls(), time.perf_counter()
        run_id = requests.post(f"{connector}/sync", headers=self.headers, json={}).json()["runId"]
        while True:
            run = requests.get(f"{connector}/runs/{run_id}", headers=self.headers).json()
            if run["state"] in ("succeeded", "failed", "paused"):
                break
            time.sleep(0.05)
        return run, self.calls() - before, time.perf_counter() - started

    def campaign_members(self, name):
        campaign = self.query(f"SELECT Id FROM Campaign WHERE Name = '{name}'")[0]["Id"]
        return self.query(f"SELECT Id, ContactId, LeadId, Status FROM CampaignMember WHERE CampaignId = '{campaign}'")


def cold_and_warm(bench, size):
    name = f"Bench {size}"
    event = bench.event(size, name)
    run, calls, seconds = bench.force(event)
    bench.cold_calls = calls
    members = bench.campaign_members(name)
    print(f"1. cold forced sync of {size}: {calls} API calls = {calls / size:.4f} per person; {seconds:.1f} s; "
          f"created {run['created']} updated {run['updated']} linked {run['linked']} failed {run['failed']}; members {len(members)}")
    for member in members[:5]:
        requests.delete(f"{bench.sf}/__sandbox/records/{member['Id']}").raise_for_status()
    run, calls, seconds = bench.force(event)
    print(f"2. same sync again, nothing changed, 5 members deleted first: {calls} API calls; {seconds:.1f} s; "
          f"members back: {len(bench.campaign_members(name))}/{size}")
    return event


def contacts_with_accounts(bench, size):
    """The cold sync with Contacts instead of Leads, each new one under its company's Account."""
    name = f"Bench accounts {size}"
    event = bench.event(size, name, lead_creation=False)
    run, calls, seconds = bench.force(event)
    accounts = bench.query("SELECT Id FROM Account")
    print(f"1c. cold forced sync of {size}, new people as Contacts under their company's Account: {calls} API calls = "
          f"{calls / size:.4f} per person (goal <= 0.003); {seconds:.1f} s; failed {run['failed']}; Accounts {len(accounts)}")


def cpu_limited(bench, size, unlimited_calls):
    """The same cold sync against an org whose triggers run out of CPU past 50 records a write."""
    name = f"Bench CPU {size}"
    event = bench.event(size, name)
    for object_name in ("Contact", "Lead", "CampaignMember"):
        requests.post(f"{bench.sf}/__sandbox/cpu-limit", json={"object": object_name, "records": 50}).raise_for_status()
    run, calls, seconds = bench.force(event)
    for object_name in ("Contact", "Lead", "CampaignMember"):
        requests.post(f"{bench.sf}/__sandbox/cpu-limit", json={"object": object_name}).raise_for_status()
    members = bench.campaign_members(name)
    print(f"1b. cold forced sync of {size}, triggers out of CPU past 50 records: {calls} API calls "
          f"({calls / unlimited_calls:.1f}x the unlimited run, goal <= 4x); {seconds:.1f} s; failed {run['failed']}; "
          f"members {len(members)}; batch sizes {run.get('batchSizes')}")


def latency_comparison(bench, size=10_000, sample=200):
    name = "Bench latency"
    event = bench.event(size, name)
    requests.post(f"{bench.sf}/__sandbox/latency", json={"ms": 150}).raise_for_status()
    run, calls, seconds = bench.force(event)
    # The per-person strategy: for each person, a query, a create or update, a member create.
    token = bench.sf_token()
    headers = {"Authorization": f"Bearer {token}"}
    campaign = bench.query(f"SELECT Id FROM Campaign WHERE Name = '{name}'")[0]["Id"]
    base = f"{bench.sf}/services/data/v62.0"
    started = time.perf_counter()
    for n in range(sample):
        email = f"pp{n}@example.org"
        requests.get(f"{base}/query", params={"q": f"SELECT Id FROM Contact WHERE Email = '{email}'"}, headers=headers)
        created = requests.post(f"{base}/sobjects/Lead", json={"LastName": f"P{n}", "Company": "Acme", "Email": email}, headers=headers).json()
        requests.post(f"{base}/sobjects/CampaignMember", json={"CampaignId": campaign, "LeadId": created["id"], "Status": "Registered"}, headers=headers)
    per_person = (time.perf_counter() - started) / sample * size
    requests.post(f"{bench.sf}/__sandbox/latency", json={"ms": 0}).raise_for_status()
    print(f"3. cold sync of {size} with 150 ms per call: {seconds:.1f} s ({calls} calls); per-person strategy on {sample} people, "
          f"extrapolated: {per_person:.0f} s; Roster is {per_person / seconds:.0f}x faster")


def live(bench):
    name = "Bench live"
    event = bench.event(100, name)
    connector = f"{bench.api}/events/{event}/connectors/salesforce"
    bench.force(event)
    requests.put(connector, headers=bench.headers, json={"enabled": True}).raise_for_status()
    time.sleep(2)  # let the live sync drain the import's changes first (nothing to send: all synced)

    def synced_after(participant, since):
        deadline = time.perf_counter() + 10
        while time.perf_counter() < deadline:
            person = requests.get(f"{bench.api}/events/{event}/participants/{participant}", headers=bench.headers).json()
            synced = person["salesforce"]["syncedAt"]
            if synced and synced > since:
                return True
            time.sleep(0.005)
        return False

    before = bench.calls()
    reply = requests.post(f"{bench.api}/events/{event}/participants", headers=bench.headers,
                          json={"email": "walkin@example.org", "firstName": "Walk", "lastName": "In"})
    person = reply.json()
    assert synced_after(person["id"], "")
    registration_calls = bench.calls() - before
    people = requests.get(f"{bench.api}/events/{event}/participants?limit=100", headers=bench.headers).json()["items"]
    absent = [p for p in people if not p["hasAttended"] and p["salesforce"]["syncedAt"]]
    before = bench.calls()
    target = absent[0]
    reply = requests.patch(f"{bench.api}/events/{event}/participants/{target['id']}", headers=bench.headers, json={"hasAttended": True}).json()
    assert synced_after(target["id"], target["salesforce"]["syncedAt"])
    checkin_calls = bench.calls() - before

    requests.post(f"{bench.sf}/__sandbox/latency", json={"ms": 50}).raise_for_status()
    latencies = []
    for person in absent[1:101]:
        started = time.perf_counter()
        reply = requests.patch(f"{bench.api}/events/{event}/participants/{person['id']}", headers=bench.headers, json={"hasAttended": True})
        answered = time.perf_counter()
        assert reply.status_code == 200
        assert synced_after(person["id"], person["salesforce"]["syncedAt"])
        latencies.append(time.perf_counter() - answered)
    requests.post(f"{bench.sf}/__sandbox/latency", json={"ms": 0}).raise_for_status()
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies)
    print(f"4. live: {registration_calls} API calls for a new registration, {checkin_calls} for a check-in; "
          f"API answer → synced, 50 ms latency, {len(latencies)} check-ins: p50 {statistics.median(latencies) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")


def rush(bench, rates=((1, 20), (10, 300), (30, 600)), latency_ms=100):
    """A check-in rush (issue 29): at each rate (check-ins a second), the API calls a check-in
    costs and the lag from the check-in's answer to the person synced (Roster stamps `syncedAt`
    once Salesforce answered), with `latency_ms` per Salesforce call."""
    name = "Bench rush"
    event = bench.event(sum(count for _, count in rates) * 2, name)
    connector = f"{bench.api}/events/{event}/connectors/salesforce"
    bench.force(event)
    requests.put(connector, headers=bench.headers, json={"enabled": True}).raise_for_status()
    time.sleep(2)  # the import's changes drain first (nothing to send: all synced)
    people = []
    cursor = None
    while True:
        page = requests.get(f"{bench.api}/events/{event}/participants", headers=bench.headers,
                            params={"limit": 1000, **({"cursor": cursor} if cursor else {})}).json()
        people += [p for p in page["items"] if not p["hasAttended"] and p["salesforce"]["syncedAt"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    requests.post(f"{bench.sf}/__sandbox/latency", json={"ms": latency_ms}).raise_for_status()
    session = requests.Session()
    session.headers.update(bench.headers)
    for rate, count in rates:
        chosen, people = people[:count], people[count:]
        before = bench.calls()
        answered = {}
        start = time.perf_counter()
        for index, person in enumerate(chosen):
            delay = start + index / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            reply = session.patch(f"{bench.api}/events/{event}/participants/{person['id']}", json={"hasAttended": True})
            assert reply.status_code == 200, reply.text
            answered[person["id"]] = time.time()
        deadline = time.perf_counter() + 60
        lags = {}
        while len(lags) < len(chosen) and time.perf_counter() < deadline:
            time.sleep(0.2)
            for person in chosen:
                if person["id"] in lags:
                    continue
                synced = session.get(f"{bench.api}/events/{event}/participants/{person['id']}").json()["salesforce"]["syncedAt"]
                if synced and synced > person["salesforce"]["syncedAt"]:
                    stamp = datetime.datetime.fromisoformat(synced.replace("Z", "+00:00")).timestamp()
                    lags[person["id"]] = stamp - answered[person["id"]]
        calls = bench.calls() - before
        values = sorted(lags.values())
        p95 = statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)
        print(f"6. check-in rush at {rate}/s ({len(chosen)} check-ins, {latency_ms} ms a call): {calls / len(chosen):.3f} calls a check-in; "
              f"lag answer → synced p50 {statistics.median(values):.2f} s, p95 {p95:.2f} s; {len(chosen) - len(values)} not synced within 60 s")
    requests.post(f"{bench.sf}/__sandbox/latency", json={"ms": 0}).raise_for_status()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--only-rush", action="store_true", help="only the check-in rush figures")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        bench = Bench(directory)
        try:
            if options.only_rush:
                rush(bench)
                return
            for size in [int(s) for s in options.sizes.split(",")]:
                cold_and_warm(bench, size)
                cpu_limited(bench, size, bench.cold_calls)
                contacts_with_accounts(bench, size)
            if not options.skip_latency:
                latency_comparison(bench)
            live(bench)
            rush(bench)
        finally:
            rss = bench.close()
        print(f"5. peak RSS of roster serve over the whole run (imports included): {rss:.0f} MiB")


if __name__ == "__main__":
    main()
