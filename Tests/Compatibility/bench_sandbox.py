"""Times the sandbox on the connector's hot paths; prints numbers, asserts only correctness.

    ROSTER_BIN=.build/release/roster .venv/bin/python Tests/Compatibility/bench_sandbox.py

Seeds 100,000 Contacts, then measures a 2,000-email IN query (sent in a Composite body, since
it exceeds the 16,384-byte URI cap) and a 200-record sObject Collections insert.
"""
import os
import socket
import subprocess
import time

import requests


def main():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([os.environ["ROSTER_BIN"], "sandbox", "--port", str(port), "--test-control"],
                               stdout=subprocess.PIPE, text=True)
    info = {}
    while "password" not in info:
        name, _, value = process.stdout.readline().strip().partition(": ")
        info[name] = value
    base = info["url"]
    try:
        token = requests.post(f"{base}/__sandbox/token").json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        seed = {"records": {"Contact": [{"LastName": f"P{n}", "Email": f"person{n}@example.com"} for n in range(100_000)]}}
        requests.post(f"{base}/__sandbox/seed", json=seed).raise_for_status()
        seeded = time.perf_counter() - started
        emails = ",".join(f"'PERSON{n * 50}@example.com'" for n in range(2000))
        body = {"compositeRequest": [{"method": "GET", "referenceId": "q",
                                      "url": f"/services/data/v62.0/query?q=SELECT Id, Email FROM Contact WHERE Email IN ({emails})"}]}
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            reply = requests.post(f"{base}/services/data/v62.0/composite", json=body, headers=headers).json()
            timings.append(time.perf_counter() - started)
            assert reply["compositeResponse"][0]["body"]["totalSize"] == 2000, reply
        records = [{"attributes": {"type": "Contact"}, "LastName": f"B{n}", "Email": f"b{n}@example.com"} for n in range(200)]
        started = time.perf_counter()
        results = requests.post(f"{base}/services/data/v62.0/composite/sobjects", json={"records": records}, headers=headers).json()
        inserted = time.perf_counter() - started
        assert all(result["success"] for result in results)
        print(f"seed_100k_contacts_s={seeded:.2f} in_2000_over_100k_ms(best of 5)={min(timings) * 1000:.1f} "
              f"collection_insert_200_ms={inserted * 1000:.1f}")
    finally:
        process.terminate()
        process.wait()


if __name__ == "__main__":
    main()
