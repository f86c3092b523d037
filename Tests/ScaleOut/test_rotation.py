"""Refresh Token Rotation across workers (issue 33): with rotation on, every renewal answers a new
refresh token and presenting a used one revokes the whole connection (Salesforce Help 005316711).
Three `--role worker` processes and a web process share one connection whose access tokens last
two seconds, through a forced sync (500 ms a call), live check-ins over ten seconds and the web
process's checks at the same time: the connection never breaks.

    ROSTER_BIN=.build/debug/roster ROSTER_TEST_POSTGRES_URL=postgres://… .venv/bin/python -m pytest -q -s Tests/ScaleOut/test_rotation.py
"""
import threading
import time

import requests

from test_workers import Cluster  # first: it puts Tests/Faults on the path
from test_faults import wait_for  # noqa: E402

PEOPLE = 600
CHECK_INS = 40


def test_rotated_refresh_tokens_survive_three_workers():
    cluster = Cluster(3, sandbox_arguments=("--access-token-seconds", "2", "--refresh-token-rotation"),
                      ROSTER_SYNC_LEASE_SECONDS="10", ROSTER_PAUSED_RUN_RETRY_SECONDS="2")
    try:
        sandbox, session = cluster.sandbox, cluster.session
        [(event, connector)] = cluster.events(["Rotation Summit"], PEOPLE, enabled=True, flow="webServer")
        # Slow enough that the work outlives several two-second sessions.
        sandbox.control("latency", {"ms": 500})
        run = session.post(f"{connector}/sync", json={}).json()["runId"]
        people = session.get(f"{cluster.api}/events/{event}/participants", params={"limit": CHECK_INS}).json()["items"]
        # Meanwhile the web process asks Salesforce too (the check reads the campaign afresh), so
        # it renews the same connection as the workers.
        desk_open, checks = threading.Event(), []

        def check_while_the_desk_is_open():
            web = requests.Session()
            web.headers.update(session.headers)
            while desk_open.is_set():
                checks.append(web.post(f"{connector}/check", json={}).status_code)
                time.sleep(0.5)

        checker = threading.Thread(target=check_while_the_desk_is_open)
        desk_open.set()
        checker.start()
        for person in people:
            answer = session.patch(f"{cluster.api}/events/{event}/participants/{person['id']}", json={"hasAttended": True})
            assert answer.status_code == 200, answer.text
            time.sleep(0.25)  # check-ins arrive over ten seconds, as at a desk
        desk_open.clear()
        checker.join()
        assert checks and set(checks) == {200}, checks
        wait_for("the forced run ends", lambda: session.get(f"{connector}/runs/{run}").json()["state"] in ("succeeded", "failed", "paused"), 300)
        finished = session.get(f"{connector}/runs/{run}").json()
        assert finished["state"] == "succeeded" and finished["failed"] == 0, finished
        wait_for("the live queue drains", lambda: session.get(f"{connector}/queue").json()["pending"] == 0, 120)

        connection = session.get(connector).json()["connection"]
        assert connection["state"] == "connected", connection
        oauth = sandbox.control("oauth", method="GET")
        print(f"\nrotation: {oauth['refreshes']} refreshes, {len(checks)} checks beside the sync, {oauth['reuses']} refresh tokens presented twice")
        assert oauth["refreshes"] >= 3, "the sessions expired and were renewed"
        assert oauth["reuses"] == 0, "no worker presented a refresh token another had used"

        sandbox.control("latency", {"ms": 0})
        members = sandbox.query("SELECT Status FROM CampaignMember")
        assert len(members) == PEOPLE
        assert sum(member["Status"] == "Attended" for member in members) == CHECK_INS
    finally:
        cluster.close()
