"""Participants in as organisers have them (issue 28), against a real `roster serve`:

* xlsx files written by openpyxl (every field type, the 1900 and 1904 date systems, a bad row
  reported with its sheet row number) and by LibreOffice (`soffice --convert-to xlsx`) import;
* an import cut short by the body limit (sent in chunks, so the server finds out part-way)
  answers 413 with what it stored, and that is what is stored;
* one hostile import keeps the server's memory within bounds;
* webhook deliveries signed by the Standard Webhooks reference library (`standardwebhooks`):
  good, tampered body, wrong secret, stale timestamp, replayed id, rotated secret, 1,000 at once.
"""
import datetime
import json
import shutil
import subprocess
import uuid

import openpyxl
import pytest
import requests
from standardwebhooks import Webhook

from test_roster_api import start_server

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def server():
    """A server whose imports take at most 1 MiB, so a chunked body goes past it quickly."""
    base, session, process, directory = start_server({"ROSTER_MAX_IMPORT_MIB": "1"})
    yield base, session, process
    process.terminate()
    assert process.wait(timeout=15) == 0, "serve stops cleanly on SIGTERM"
    shutil.rmtree(directory, ignore_errors=True)


FIELDS = [
    {"code": "age", "label": "Âge", "type": "number"},
    {"code": "day", "label": "Jour", "type": "date"},
    {"code": "vegan", "label": "Végétarien", "type": "boolean"},
    {"code": "size", "label": "Taille", "type": "selectList", "options": ["S", "M", "L"]},
    {"code": "tags", "label": "Ateliers", "type": "multiselectList", "options": ["AI", "Cloud", "Data"]},
    {"code": "phone", "label": "Téléphone", "type": "phone"},
    {"code": "site", "label": "Site web", "type": "url"},
    {"code": "bio", "label": "Bio", "type": "multilineText"},
]


def new_event(server, name="Imports"):
    base, session, _ = server
    response = session.post(f"{base}/api/v1/events", json={"name": name, "fields": FIELDS})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def people(server, event):
    base, session, _ = server
    items = session.get(f"{base}/api/v1/events/{event}/participants", params={"limit": 1000}).json()["items"]
    return {item["email"]: item for item in items}


def import_file(server, event, path, content_type, **params):
    base, session, _ = server
    with open(path, "rb") as file:
        return session.post(f"{base}/api/v1/events/{event}/participants/import", params=params, data=file.read(),
                            headers={"Content-Type": content_type})


HEADER = ["Adresse e-mail", "Prénom", "Nom", "Société", "Fonction", "Présent", "Âge", "Jour", "Végétarien", "Taille", "Ateliers",
          "Téléphone", "Site web", "Bio", "Remarques"]


@pytest.mark.parametrize("epoch", ["1900", "1904"])
def test_xlsx_from_openpyxl_with_every_field_type(server, tmp_path, epoch):
    workbook = openpyxl.Workbook()
    if epoch == "1904":
        workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["ada@example.com", "Ada", "Lovelace", "Société Générale", "Mathématicienne", True, 36,
                  datetime.date(2026, 12, 1), False, "m", "AI;Data", "+33 1 23 45 67 89", "https://ada.example.com",
                  "Première ligne\nDeuxième ligne", "ignored"])
    sheet.append(["bob@example.com", "Bob", "Éclair", None, None, False, 41.5, datetime.datetime(2027, 1, 2, 0, 0), True, "L", "Cloud",
                  "0612345678", None, None, None])
    sheet.append([])
    sheet.append(["cat@example.com", "Cat", "Noir", None, None, "oui", "not a number", datetime.date(1999, 12, 31), None, "XL", None,
                  None, None, None, None])
    path = tmp_path / f"people-{epoch}.xlsx"
    workbook.save(path)
    event = new_event(server, f"openpyxl {epoch}")

    preview = import_file(server, event, path, XLSX, preview="true")
    assert preview.status_code == 200, preview.text
    assert preview.json()["total"] == 3 and preview.json()["created"] == 2 and preview.json()["rejectedCount"] == 1
    assert people(server, event) == {}, "a preview stores nothing"

    result = import_file(server, event, path, XLSX, fileName=path.name)
    assert result.status_code == 200, result.text
    answer = result.json()
    assert answer["format"] == "xlsx" and answer["created"] == 2
    assert answer["ignoredColumns"] == ["Remarques"]
    assert [column["field"] for column in answer["columns"]][:14] == [
        "email", "firstName", "lastName", "company", "jobTitle", "hasAttended", "age", "day", "vegan", "size", "tags", "phone", "site", "bio"]
    [refused] = answer["rejected"]
    assert refused["sheetRow"] == 5 and refused["row"] == 3, refused
    assert "not a number" in refused["error"] and "XL" in refused["error"]
    stored = people(server, event)
    ada, bob = stored["ada@example.com"], stored["bob@example.com"]
    assert ada["company"] == "Société Générale" and ada["jobTitle"] == "Mathématicienne" and ada["hasAttended"] is True
    assert ada["fields"] == {"age": 36, "day": "2026-12-01", "vegan": False, "size": "M", "tags": ["AI", "Data"],
                             "phone": "+33 1 23 45 67 89", "site": "https://ada.example.com", "bio": "Première ligne\nDeuxième ligne"}
    assert bob["lastName"] == "Éclair" and bob["fields"]["day"] == "2027-01-02" and bob["fields"]["age"] == 41.5
    assert bob["fields"]["vegan"] is True and bob["fields"]["phone"] == "0612345678"
    history = server[1].get(f"{server[0]}/api/v1/events/{event}/participants/imports").json()["items"]
    assert history[0]["fileName"] == path.name and history[0]["format"] == "xlsx" and history[0]["complete"] is True


def test_xlsx_from_libreoffice(server, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is installed by scripts/test"
    source = tmp_path / "inscrits.csv"
    source.write_text("E-mail,First name,Last name,Company,Jour,Âge,Présent\n"
                      "lo@example.com,Léa,Office,Libre SA,2026-12-03,29,TRUE\n"
                      "calc@example.com,Carl,Calc,,2026-12-04,33,FALSE\n", encoding="utf-8")
    profile = tmp_path / "profile"
    # The CSV filter's options: comma, double quotes, UTF-8 (76), from line 1, English, dates detected.
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--infilter=CSV:44,34,76,1,,1033,false,true",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=180)
    path = tmp_path / "inscrits.xlsx"
    assert path.exists()
    event = new_event(server, "LibreOffice")
    result = import_file(server, event, path, XLSX)
    assert result.status_code == 200, result.text
    assert result.json()["created"] == 2 and result.json()["rejectedCount"] == 0, result.json()
    stored = people(server, event)
    assert stored["lo@example.com"]["firstName"] == "Léa" and stored["lo@example.com"]["company"] == "Libre SA"
    assert stored["lo@example.com"]["fields"]["day"] == "2026-12-03", "LibreOffice stores the date as a number shown as a date"
    assert stored["lo@example.com"]["fields"]["age"] == 29 and stored["lo@example.com"]["hasAttended"] is True
    assert stored["calc@example.com"]["hasAttended"] is False


def test_xls_is_refused_naming_the_format(server, tmp_path):
    event = new_event(server, "xls")
    path = tmp_path / "old.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4096))
    for content_type in (XLSX, "application/vnd.ms-excel", "text/csv"):
        answer = import_file(server, event, path, content_type)
        assert answer.status_code == 415 and ".xls" in answer.json()["error"]["message"], (content_type, answer.text)


def test_an_import_past_the_body_limit_answers_what_it_stored(server):
    base, session, _ = server
    event = new_event(server, "Cut short")
    lines = ["email,firstName,lastName\n"] + [f"cut{i}@example.com,First{i},Last{i}\n" for i in range(60_000)]
    body = "".join(lines).encode()
    assert len(body) > 2 << 20

    def chunks():
        for start in range(0, len(body), 16_384):
            yield body[start:start + 16_384]
    answer = session.post(f"{base}/api/v1/events/{event}/participants/import", data=chunks(), headers={"Content-Type": "text/csv"})
    assert answer.status_code == 413, answer.text
    result = answer.json()
    assert result["error"]["code"] == "payload_too_large"
    stored = session.get(f"{base}/api/v1/events/{event}/participants", params={"limit": 1}).json()["total"]
    assert stored == result["created"] > 0 and result["stoppedAtRow"] == stored + 1, (stored, result)
    assert f"row {stored + 1}" in result["error"]["message"]
    last = session.get(f"{base}/api/v1/events/{event}/participants/imports").json()["items"][0]
    assert last["complete"] is False and last["created"] == stored and last["stoppedAtRow"] == stored + 1


def resident_mib(process):
    with open(f"/proc/{process.pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]) // 1024, int(fields["VmHWM"].split()[0]) // 1024


def test_a_hostile_import_keeps_the_memory_bounded(server):
    """500,000 rows that are all refused, in one 1 MiB JSON body (the limit of this server): the
    answer lists 1,000 and counts the rest; the server's peak memory stays within 256 MiB of idle."""
    base, session, process = server
    event = new_event(server, "Hostile")
    idle, _ = resident_mib(process)
    body = b"[" + b",".join([b"0"] * 500_000) + b"]"
    assert len(body) <= 1 << 20
    answer = session.post(f"{base}/api/v1/events/{event}/participants/import", data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text[:300]
    result = answer.json()
    assert result["rejectedCount"] == 500_000 and len(result["rejected"]) == 1000 and result["created"] == 0
    assert len(answer.content) < 200_000
    _, peak = resident_mib(process)
    assert peak - idle < 256, f"peak {peak} MiB against {idle} MiB idle"


# -- Webhooks, signed by the Standard Webhooks reference library --------------------------------

def create_webhook(server, event, **body):
    base, session, _ = server
    created = session.post(f"{base}/api/v1/events/{event}/webhooks", json={"name": "Tickets", **body})
    assert created.status_code == 201, created.text
    return created.json()


def deliver(url, secret, payload, message_id=None, at=None, body=None):
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    at = at or datetime.datetime.now(tz=datetime.timezone.utc)
    body = body if body is not None else json.dumps(payload)
    signature = Webhook(secret).sign(message_id, at, json.dumps(payload))
    return requests.post(url, data=body.encode(), headers={
        "webhook-id": message_id, "webhook-timestamp": str(int(at.timestamp())), "webhook-signature": signature,
        "Content-Type": "application/json"})


def test_webhook_deliveries_signed_by_the_reference_library(server):
    base, session, _ = server
    event = new_event(server, "Webhooks")
    source = create_webhook(server, event, preset="tito")
    url, secret = source["url"], source["secret"]
    assert secret.startswith("whsec_") and secret not in session.get(f"{base}/api/v1/events/{event}/webhooks").text

    ticket = {"_type": "ticket", "email": "tito@example.com", "first_name": "Tito", "last_name": "Ticket", "company_name": "Teamtito"}
    good = deliver(url, secret, ticket, message_id="msg_good")
    assert good.status_code == 200 and good.json()["created"] == 1, good.text
    assert people(server, event)["tito@example.com"]["company"] == "Teamtito"

    # Replayed id, even with another signed body: the first answer, nothing changed.
    replay = deliver(url, secret, dict(ticket, company_name="Changed"), message_id="msg_good")
    assert replay.status_code == 200 and replay.json() == good.json()
    assert people(server, event)["tito@example.com"]["company"] == "Teamtito"

    intruder = dict(ticket, email="mallory@example.com")
    tampered = deliver(url, secret, ticket, body=json.dumps(intruder))
    wrong = deliver(url, "whsec_" + "A" * 43 + "=", intruder)
    stale = deliver(url, secret, intruder, at=datetime.datetime.now(tz=datetime.timezone.utc) - datetime.timedelta(minutes=6))
    unsigned = requests.post(url, json=intruder)
    unknown = deliver(url.rsplit("/", 1)[0] + "/nope", secret, intruder)
    for refused in (tampered, wrong, stale, unsigned, unknown):
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_signature", refused.text
    assert "mallory@example.com" not in people(server, event)

    rotated = session.post(f"{base}/api/v1/events/{event}/webhooks/{source['id']}/rotate").json()
    assert deliver(url, rotated["secret"], dict(ticket, email="new@example.com")).status_code == 200
    assert deliver(url, secret, dict(ticket, email="old@example.com")).status_code == 200, "the previous secret works for 24 h"

    thousand = [dict(ticket, email=f"bulk{i}@example.com") for i in range(1000)]
    bulk = deliver(url, rotated["secret"], thousand)
    assert bulk.status_code == 200 and bulk.json()["created"] == 1000, bulk.text[:300]
    too_many = deliver(url, rotated["secret"], thousand + [dict(ticket, email="one-more@example.com")])
    assert too_many.status_code == 413

    deliveries = session.get(f"{base}/api/v1/events/{event}/webhooks/{source['id']}/deliveries").json()["items"]
    outcomes = [item["outcome"] for item in deliveries]
    # Unsigned or badly signed refusals are recorded at most every 10 s a source (the tampered one
    # here); a signed delivery refused for its content (1,001 participants) always is.
    assert outcomes.count("accepted") == 4 and outcomes.count("duplicate") == 1 and outcomes.count("refused") == 2, outcomes
    refusals = [item["error"] for item in deliveries if item["outcome"] == "refused"]
    assert "at most 1000" in refusals[0] and "no signature" in refusals[1], refusals
    assert session.get(f"{base}/api/v1/events/{event}").json()["participantCount"] == 1003
