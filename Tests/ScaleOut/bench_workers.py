"""Scale-out bench (issue 23): the wall time of force-syncing 6 events of 10,000 people with one
worker process and with three, on one PostgreSQL database, the sandbox answering each Salesforce
call after 150 ms. Prints the figures; asserts nothing but that every run succeeded.

    ROSTER_BIN=… ROSTER_TEST_POSTGRES_URL=postgres://… .venv/bin/python Tests/ScaleOut/bench_workers.py [--people 10000]
"""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from test_workers import Cluster, wait_for  # noqa: E402

EVENTS = 6


def measure(workers, people, latency_ms):
    """Seconds from queueing the six runs to their end, with `workers` worker processes, and the
    API calls they spent."""
    cluster = Cluster(workers)
    try:
        session = cluster.session
        connectors = [connector for _, connector in cluster.events([f"Bench Summit {n}" for n in range(EVENTS)], people, enabled=False)]
        cluster.sandbox.control("latency", {"ms": latency_ms})
        began = time.monotonic()
        runs = [(connector, session.post(f"{connector}/sync", json={}).json()["runId"]) for connector in connectors]

        def finished():
            states = [session.get(f"{c}/runs/{r}").json() for c, r in runs]
            return states if all(s["state"] in ("succeeded", "failed") for s in states) else None
        states = wait_for("the six runs finish", finished, 3600)
        seconds = time.monotonic() - began
        assert all(s["state"] == "succeeded" and s["failed"] == 0 for s in states), states
        return seconds, sum(s["apiCalls"] for s in states)
    finally:
        cluster.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=150)
    arguments = parser.parse_args()
    results = {}
    for workers in (1, 3):
        results[workers] = measure(workers, arguments.people, arguments.latency_ms)
        seconds, calls = results[workers]
        print(f"scale_out_{workers}_worker{'s' if workers > 1 else ''}_seconds={seconds:.1f} "
              f"({EVENTS} events x {arguments.people} people, {arguments.latency_ms} ms per call, --max-events 2, {calls} API calls)", flush=True)
    print(f"scale_out_speedup_3_vs_1={results[1][0] / results[3][0]:.2f}x")


if __name__ == "__main__":
    main()
