"""Roster's REST API and exports, driven by ordinary Python clients (requests, openpyxl).

Starts the real `roster` binary (ROSTER_BIN) on a loopback port with a fresh SQLite file.
"""
import csv
import datetime
import io
import os
import socket
import subprocess
import tempfile
import time

import openpyxl
import pytest
import requests

ROSTER = os.environ.get("ROSTER_BIN", ".build/debug/roster")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(environment=None):
    """`roster serve` on a fresh SQLite database and a free loopback port, with an admin token:
    (base URL, a requests session carrying the token, the process, the database's directory)."""
    directory = tempfile.mkdtemp(prefix="roster-compat-")
    database = f"sqlite://{directory}/roster.sqlite"
    token = subprocess.run([ROSTER, "token", "create", "--name", "compat", "--database", database],
                           check=True, capture_output=True, text=True).stdout.strip()
    port = free_port()
    # Only loopback Salesforce hosts: whatever a test saves as a login URL, nothing reaches the internet.
    process = subprocess.Popen([ROSTER, "serve", "--port", str(port), "--database", database, "--log-level", "warning",
                                "--salesforce-hosts", "127.0.0.1:9", "--salesforce-hosts-only"],
                               env=dict(os.environ, **(environment or {})))
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if time.time() > deadline or process.poll() is not None:
            process.kill()
            raise RuntimeError("roster serve did not answer /healthz")
        time.sleep(0.2)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    return base, session, process, directory


@pytest.fixture(scope="module")
def server():
    base, session, process, _ = start_server()
    yield base, session
    process.terminate()
    assert process.wait(timeout=15) == 0, "serve stops cleanly on SIGTERM"


@pytest.fixture()
def event(server):
    base, session = server
    response = session.post(f"{base}/api/v1/events", json={
        "name": "Compat Summit",
        "fields": [
            {"code": "age", "label": "Age", "type": "number"},
            {"code": "day", "label": "Day", "type": "date"},
            {"code": "vegan", "label": "Vegan", "type": "boolean"},
            {"code": "size", "label": "Size", "type": "selectList", "options": ["S", "M"]},
        ],
    })
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_xlsx_export_opens_in_openpyxl_with_typed_cells(server, event):
    base, session = server
    created = session.post(f"{base}/api/v1/events/{event}/participants", json={
        "email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace",
        "fields": {"age": 36, "day": "2026-12-01", "vegan": True, "size": "m"},
    })
    assert created.status_code == 201, created.text
    participant_id = created.json()["id"]
    session.patch(f"{base}/api/v1/events/{event}/participants/{participant_id}", json={"hasAttended": True}).raise_for_status()

    response = session.get(f"{base}/api/v1/events/{event}/participants/export", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="participants-Compat-Summit.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header, first = rows[0], dict(zip(rows[0], rows[1]))
    for column in ("salesforceSyncDate", "salesforceContactId", "salesforceLeadId", "salesforceCampaignMemberId"):
        assert column in header
    assert first["id"] == participant_id
    assert first["email"] == "ada@example.com"
    assert first["age"] == 36 and isinstance(first["age"], (int, float))
    assert first["day"] == datetime.datetime(2026, 12, 1)
    assert first["vegan"] is True
    assert first["hasAttended"] is True
    assert first["isRegistered"] is True
    assert first["size"] == "M"
    assert isinstance(first["createdAt"], datetime.datetime)
    assert first["salesforceContactId"] is None


def test_exports_are_safe_in_spreadsheets(server, event):
    """A participant named like a formula stays text in both exports (OWASP CSV injection)."""
    base, session = server
    hostile = {"firstName": '=HYPERLINK("http://x","y")', "lastName": "+1+cmd", "company": "@SUM(A1)", "jobTitle": "-2+3"}
    created = session.post(f"{base}/api/v1/events/{event}/participants",
                           json={"email": "formula@example.com", **hostile, "fields": {"age": -5}})
    assert created.status_code == 201, created.text

    text = session.get(f"{base}/api/v1/events/{event}/participants/export", params={"format": "csv"}).text
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["email"] == "formula@example.com")
    for field, value in hostile.items():
        assert row[field] == "'" + value, f"{field} would run as a formula: {row[field]!r}"
    assert row["age"] == "-5", "a plain number stays a number"

    workbook = openpyxl.load_workbook(io.BytesIO(
        session.get(f"{base}/api/v1/events/{event}/participants/export", params={"format": "xlsx"}).content))
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    line = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("email")].value == "formula@example.com")
    for field, value in hostile.items():
        cell = line[header.index(field)]
        assert cell.data_type == "s" and cell.value == value, f"{field}: {cell.data_type} {cell.value!r}"


def test_bodies_past_the_limit_answer_413_however_sent(server, event):
    """1.1 MB of JSON, with a Content-Length or in chunks (no length): the same 413 and error JSON."""
    base, session = server
    body = b'{"name": "' + b"x" * (1_100_000) + b'"}'
    sized = session.post(f"{base}/api/v1/events", data=body, headers={"Content-Type": "application/json"})
    chunked = session.post(f"{base}/api/v1/events", data=(body[i:i + 65536] for i in range(0, len(body), 65536)),
                           headers={"Content-Type": "application/json"})
    for response in (sized, chunked):
        assert response.status_code == 413, response.text[:200]
        assert response.json()["error"]["code"] == "payload_too_large"
    assert chunked.request.headers.get("Transfer-Encoding") == "chunked" and "Content-Length" not in chunked.request.headers


def test_csv_import_of_ten_thousand_rows_in_one_request(server, event):
    base, session = server
    lines = ["email,firstName,lastName,age"] + [f"p{i}@example.com,P{i},L{i},{i}" for i in range(10_000)]
    lines.insert(5000, '"broken,row,x,1')
    started = time.time()
    response = session.post(f"{base}/api/v1/events/{event}/participants/import",
                            data="\n".join(lines).encode(), headers={"Content-Type": "text/csv"})
    elapsed = time.time() - started
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["created"] == 10_000
    assert [row["row"] for row in result["rejected"]] == [5000]
    print(f"\n10,000-row CSV import: {elapsed:.2f} s")
    page = session.get(f"{base}/api/v1/events/{event}/participants", params={"limit": 1}).json()
    assert page["total"] == 10_000

    csv = session.get(f"{base}/api/v1/events/{event}/participants/export", params={"format": "csv"})
    assert csv.status_code == 200
    assert csv.text.count("\r\n") == 10_001


def test_csv_import_read_as_it_arrives(server):
    """A CSV sent in chunks (no length) is imported as it arrives, in the encoding its bytes show:
    Windows-1252 (as Excel saves it) without being told. A UTF-8 file with a Windows-1252 byte on
    row 2,500 stops there with 422 naming the line and byte; the answer says what was stored
    before it; sending the file again, corrected, doubles nobody."""
    base, session = server
    event = session.post(f"{base}/api/v1/events", json={"name": "Streamed import"}).json()["id"]
    url = f"{base}/api/v1/events/{event}/participants/import"

    def chunks(data):
        return (data[i:i + 8192] for i in range(0, len(data), 8192))
    rows = [f"s{i}@example.com,Ren{'é' if i == 2500 else 'e'},L{i}\n" for i in range(3000)]
    latin = ("email,firstName,lastName\n" + "".join(rows)).encode("cp1252")
    detected = session.post(url, data=chunks(latin), headers={"Content-Type": "text/csv"})
    assert detected.status_code == 200, detected.text
    assert detected.json()["created"] == 3000 and detected.json()["encoding"] == "windows-1252"
    people = session.get(f"{base}/api/v1/events/{event}/participants", params={"q": "s2500@example.com"}).json()
    assert people["total"] == 1 and people["items"][0]["firstName"] == "René"

    other = session.post(f"{base}/api/v1/events", json={"name": "Mixed import"}).json()["id"]
    url = f"{base}/api/v1/events/{other}/participants/import"
    mixed = ("email,firstName,lastName\nzoe@example.com,Zoë,L\n".encode() + latin.split(b"\n", 1)[1])
    refused = session.post(url, data=chunks(mixed), headers={"Content-Type": "text/csv"})
    assert refused.status_code == 422, refused.text
    answer = refused.json()
    assert answer["error"]["code"] == "invalid_csv" and answer["error"]["details"][0]["field"] == "charset"
    assert "line 2503 is not UTF-8" in answer["error"]["message"] and "mixes two encodings" in answer["error"]["message"]
    kept = session.get(f"{base}/api/v1/events/{other}/participants", params={"limit": 1}).json()["total"]
    assert kept == 2501 and answer["created"] == kept and answer["stoppedAtRow"] == 2502, (kept, answer)
    again = session.post(url, data=chunks(mixed.replace("Zoë".encode(), b"Zoe")), headers={"Content-Type": "text/csv"})
    assert again.status_code == 200, again.text
    assert again.json()["created"] + again.json()["updated"] == 3001 and again.json()["updated"] == kept
    assert session.get(f"{base}/api/v1/events/{other}/participants", params={"limit": 1}).json()["total"] == 3001
    history = session.get(f"{base}/api/v1/events/{other}/participants/imports").json()["items"]
    assert [item["complete"] for item in history] == [True, False]


def test_error_contract_seen_by_a_plain_client(server):
    base, session = server
    for response, status in [
        (requests.get(f"{base}/api/v1/events"), 401),
        (session.get(f"{base}/api/v1/unknown"), 404),
        (session.post(f"{base}/api/v1/events", data="{", headers={"Content-Type": "application/json"}), 400),
        (session.post(f"{base}/api/v1/events", data="x", headers={"Content-Type": "text/plain"}), 415),
        (session.post(f"{base}/api/v1/events", data=b"{" + b" " * (2 << 20) + b"}", headers={"Content-Type": "application/json"}), 413),
    ]:
        assert response.status_code == status
        error = response.json()["error"]
        assert set(error) == {"code", "message", "details"}
        assert error["message"]


def test_openapi_document_is_served(server):
    base, _ = server
    document = requests.get(f"{base}/openapi.yaml")
    assert document.status_code == 200
    assert "/api/v1/events/{eventId}/participants/import" in document.text


def test_cli_exit_codes():
    usage = subprocess.run([ROSTER, "token", "create"], capture_output=True, text=True)
    assert usage.returncode == 2 and "--name" in usage.stderr
    user_error = subprocess.run([ROSTER, "migrate", "--database", "mysql://x"], capture_output=True, text=True)
    assert user_error.returncode == 1 and "sqlite://" in user_error.stderr
    helped = subprocess.run([ROSTER, "--help"], capture_output=True, text=True)
    assert helped.returncode == 0 and "serve" in helped.stdout
    with tempfile.TemporaryDirectory() as directory:
        database = f"sqlite://{directory}/r.sqlite"
        short = subprocess.run([ROSTER, "user", "create", "--email", "a@example.com", "--password-stdin", "--database", database],
                               input="short\n", capture_output=True, text=True)
        assert short.returncode == 1 and "password" in short.stderr
        made = subprocess.run([ROSTER, "user", "create", "--email", "a@example.com", "--password-stdin", "--database", database],
                              input="a long enough passphrase\n", capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        again = subprocess.run([ROSTER, "user", "create", "--email", "A@example.com", "--password-stdin", "--database", database],
                               input="a long enough passphrase\n", capture_output=True, text=True)
        assert again.returncode == 1 and "already exists" in again.stderr
