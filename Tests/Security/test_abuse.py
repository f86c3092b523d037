"""The security review's findings (issue 34), each tried again on a real `roster serve` with a real
Salesforce sandbox (`roster sandbox --test-control`), both on loopback.

* #2 a 20 KB form posted to `/signin`, `/signout` or `/language` is 413, and logs no error;
* #3 a new consumer secret revokes the old connection's tokens at Salesforce (the sandbox counts);
* #4 a password past 71 bytes is refused at creation and by `roster user set-password`; a longer
  one sharing a password's bytes never signs in; a new password ends the old one's sessions;
* #5 a run's results as CSV (every email of the run) are an export: 403 for registrars and viewers;
* #7 a Salesforce login another session's callback reaches is neither finished nor used up;
* #8 a login whose settings changed before its callback is refused, the code never exchanged;
* #9 a control character is refused in every text field of every route that stores text.

#1 is `test_slow_clients.py`, #6 and #10 `test_access.py`, #14 `test_database_away.py`; #11-13 are
unit tests (`swift test`).
"""
import copy
import re
import shutil
import subprocess
import time
import urllib.parse

import pytest
import requests
import yaml

from conftest import ROSTER, Roster, served_openapi

ADMIN = "admin@example.com"
PASSWORD = "a long passphrase"
ROLES = ("admin", "organiser", "registrar", "viewer")
# Never a legitimate character of any text Roster stores: a line break (a header or CSV injected)
# and an escape (a terminal's colours), together.
CONTROL = "line\r\nSet-Cookie: a=b\x1b[31m"


class Sandbox:
    """`roster sandbox --test-control` on a free loopback port."""

    def __init__(self):
        self.process = subprocess.Popen([ROSTER, "sandbox", "--host", "127.0.0.1", "--port", "0", "--test-control"],
                                        stdout=subprocess.PIPE, text=True)
        info = {}
        while "password" not in info:
            line = self.process.stdout.readline()
            assert line, "the sandbox did not start"
            name, _, value = line.strip().partition(": ")
            info[name] = value
        self.url, self.key, self.secret = info["url"], info["consumer_key"], info["consumer_secret"]
        self.username, self.password = info["username"], info["password"]

    def oauth(self):
        return requests.get(f"{self.url}/__sandbox/oauth").json()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def sandbox():
    server = Sandbox()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def roster(sandbox):
    server = Roster(log_level="info", salesforce_hosts=urllib.parse.urlsplit(sandbox.url).netloc)
    server.tokens = {"admin": server.cli("token", "create", "--name", "admin")}
    server.start()
    try:
        yield server
    finally:
        code = server.stop(keep=True)
        errors = [line for line in server.log_lines() if " error " in line or " critical " in line]
        shutil.rmtree(server.directory, ignore_errors=True)
        assert code == 0
        assert not errors, "\n".join(errors)


def new_event(roster, name):
    created = roster.call("POST", "/api/v1/events", roster.tokens["admin"], {"name": name, "fields": [
        {"code": "note", "label": "Note", "type": "text"}, {"code": "diet", "label": "Diet", "type": "selectList", "options": ["None", "Vegan"]}]})
    assert created.status == 201, created.text
    return created.json()["id"]


def role_tokens(roster, event):
    """A token per role, limited to `event`."""
    return {role: roster.cli("token", "create", "--name", f"{role} of {event}", "--role", role, "--event", event) for role in ROLES}


def connector_settings(sandbox, **changes):
    return {"enabled": True, "loginUrl": sandbox.url, "consumerKey": sandbox.key, "consumerSecret": sandbox.secret,
            "campaignName": "Abuse Summit", "registeredStatus": "Registered", "attendedStatus": "Attended", **changes}


def connect(roster, sandbox, event):
    base = f"/api/v1/events/{event}/connectors/salesforce"
    assert roster.call("PUT", base, roster.tokens["admin"], connector_settings(sandbox)).status == 200
    connected = roster.call("POST", f"{base}/connect", roster.tokens["admin"], {"flow": "clientCredentials"})
    assert connected.status == 200 and connected.json()["connection"]["state"] == "connected", connected.text
    campaign = roster.call("POST", f"{base}/campaign", roster.tokens["admin"])
    assert campaign.status == 201 or campaign.code == "campaign_exists", campaign.text
    return base


def create_user(roster, email, password, *access):
    """`roster user create`; the finished process (its code, stdout and stderr)."""
    return roster.cli("user", "create", "--email", email, "--password-stdin", *access, stdin=password, check=False)


class Browser:
    """A person's browser on the back office: cookies, the sign-in form, the session's CSRF token."""

    def __init__(self, roster):
        self.base = f"http://127.0.0.1:{roster.port}"
        self.session = requests.Session()
        self.session.trust_env = False

    def sign_in(self, email, password):
        """Posts the sign-in form; whether a session was opened."""
        page = self.session.get(f"{self.base}/")
        token = re.search(r'name="_csrf" value="([^"]+)"', page.text)[1]
        answer = self.session.post(f"{self.base}/signin", data={"_csrf": token, "email": email, "password": password}, allow_redirects=False)
        return answer.status_code in (302, 303) and "roster_session" in self.session.cookies

    def csrf(self, path):
        return re.search(r'<meta name="csrf-token" content="([^"]+)"', self.session.get(f"{self.base}{path}").text)[1]

    def begin_salesforce_login(self, event):
        """Starts the web-server flow from the event's connector page; the authorize URL."""
        token = self.csrf(f"/events/{event}/salesforce")
        started = self.session.post(f"{self.base}/api/v1/events/{event}/connectors/salesforce/connect", json={"flow": "webServer"},
                                    headers={"X-CSRF-Token": token})
        assert started.status_code == 200, started.text
        return started.json()["authorizeUrl"]


def log_in_at_salesforce(sandbox, authorize):
    """The org's login form, as the person fills it in: the callback path Salesforce redirects to."""
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize).query))
    login = requests.post(f"{sandbox.url}/services/oauth2/authorize", allow_redirects=False,
                          data={**query, "username": sandbox.username, "pw": sandbox.password})
    assert login.status_code == 302, login.text[:300]
    parts = urllib.parse.urlsplit(login.headers["Location"])
    return f"{parts.path}?{parts.query}"


# --- #2 -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/signin", "/signout", "/language"])
def test_a_big_form_is_413_without_signing_in(roster, path):
    body = "a=" + "x" * 20_000
    answer = roster.call("POST", path, headers={"Content-Type": "application/x-www-form-urlencoded"}, raw=body.encode())
    assert answer.status == 413, answer.text[:300]
    # No error in the log: the module's fixture checks the whole log when the server stops.


# --- #3 -----------------------------------------------------------------------------------------

def test_a_new_consumer_secret_revokes_the_old_tokens_at_salesforce(roster, sandbox):
    event = new_event(roster, "Rotated secret")
    base = connect(roster, sandbox, event)
    before = sandbox.oauth()["revocations"]
    changed = roster.call("PUT", base, roster.tokens["admin"], {"consumerSecret": "rotated-secret"})
    assert changed.status == 200, changed.text
    assert changed.json()["connection"]["state"] == "disconnected"
    assert sandbox.oauth()["revocations"] == before + 1
    # The same secret saved again is no change: nothing more is revoked.
    assert roster.call("PUT", base, roster.tokens["admin"], {"consumerSecret": "rotated-secret"}).status == 200
    assert sandbox.oauth()["revocations"] == before + 1


# --- #4 -----------------------------------------------------------------------------------------

def test_passwords_past_71_bytes_are_refused_and_never_matched_by_a_longer_one(roster):
    refused = create_user(roster, "long@example.com", "A" * 72 + "secret-suffix-1")
    assert refused.returncode != 0 and "71 bytes" in refused.stderr, refused.stderr
    assert create_user(roster, "accented@example.com", "é" * 36).returncode != 0, "72 bytes in 36 characters"
    longest = "A" * 71
    assert create_user(roster, "longest@example.com", longest, "--role", "viewer").returncode == 0
    assert not Browser(roster).sign_in("longest@example.com", longest + "totally-different")
    assert not Browser(roster).sign_in("longest@example.com", "A" * 70)
    assert Browser(roster).sign_in("longest@example.com", longest)
    # A new password follows the same rules, and ends the sessions opened with the old one.
    signed_in = Browser(roster)
    assert signed_in.sign_in("longest@example.com", longest)
    too_long = roster.cli("user", "set-password", "--email", "longest@example.com", "--password-stdin", stdin="B" * 72, check=False)
    assert too_long.returncode != 0 and "71 bytes" in too_long.stderr, too_long.stderr
    roster.cli("user", "set-password", "--email", "longest@example.com", "--password-stdin", stdin="a second passphrase")
    assert signed_in.session.get(f"{signed_in.base}/events", allow_redirects=False).status_code == 302
    assert not Browser(roster).sign_in("longest@example.com", longest)
    assert Browser(roster).sign_in("longest@example.com", "a second passphrase")


# --- #5 -----------------------------------------------------------------------------------------

def test_a_runs_results_as_csv_are_an_export(roster, sandbox):
    event = new_event(roster, "Run results")
    base = connect(roster, sandbox, event)
    tokens = role_tokens(roster, event)
    registered = roster.call("POST", f"/api/v1/events/{event}/participants", tokens["registrar"],
                             {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"})
    assert registered.status == 201, registered.text
    run = roster.call("POST", f"{base}/sync", tokens["organiser"], {"dryRun": True})
    assert run.status == 202, run.text
    run_id = run.json()["runId"]
    deadline = time.monotonic() + 60
    while roster.call("GET", f"{base}/runs/{run_id}", tokens["viewer"]).json()["state"] not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, "the dry run did not finish"
        time.sleep(0.2)
    results = f"{base}/runs/{run_id}/results"
    for role, status in {"admin": 200, "organiser": 200, "registrar": 403, "viewer": 403}.items():
        answer = roster.call("GET", f"{results}?format=csv", tokens[role])
        assert answer.status == status, f"{role}: {answer.status} {answer.text[:200]}"
        assert ("ada@example.com" in answer.text) == (status == 200)
    assert roster.call("GET", results, tokens["viewer"]).status == 200, "viewers read a run's results on screen"


# --- #7 and #8 ----------------------------------------------------------------------------------

def test_a_salesforce_login_is_its_own_users_and_its_own_apps(roster, sandbox):
    event = new_event(roster, "Two sessions")
    base = f"/api/v1/events/{event}/connectors/salesforce"
    assert roster.call("PUT", base, roster.tokens["admin"], connector_settings(sandbox)).status == 200
    for email in ("alice@example.com", "bob@example.com"):
        assert create_user(roster, email, PASSWORD, "--role", "organiser", "--event", event).returncode == 0
    alice, bob = Browser(roster), Browser(roster)
    assert alice.sign_in("alice@example.com", PASSWORD) and bob.sign_in("bob@example.com", PASSWORD)

    # #7: Bob's browser reaches Alice's callback first: refused, and Alice's login is still hers.
    exchanges = sandbox.oauth()["codeExchanges"]
    callback = log_in_at_salesforce(sandbox, alice.begin_salesforce_login(event))
    foreign = bob.session.get(f"{bob.base}{callback}")
    assert foreign.status_code == 400 and "already used" in foreign.text
    assert sandbox.oauth()["codeExchanges"] == exchanges, "Bob's callback sent the code to Salesforce"
    own = alice.session.get(f"{alice.base}{callback}")
    assert own.status_code == 200, own.text[:300]
    assert roster.call("GET", base, roster.tokens["admin"]).json()["connection"]["state"] == "connected"

    # #8: the secret changes between Alice's login and its callback: refused before any exchange.
    callback = log_in_at_salesforce(sandbox, alice.begin_salesforce_login(event))
    assert roster.call("PUT", base, roster.tokens["admin"], {"consumerSecret": "changed-meanwhile"}).status == 200
    exchanges = sandbox.oauth()["codeExchanges"]
    refused = alice.session.get(f"{alice.base}{callback}")
    assert refused.status_code == 400 and "changed after this Salesforce login began" in refused.text, refused.text[:300]
    assert sandbox.oauth()["codeExchanges"] == exchanges
    assert roster.call("GET", base, roster.tokens["admin"]).json()["connection"]["state"] == "disconnected"


# --- #9 -----------------------------------------------------------------------------------------

# Every operation with a JSON body: a body it takes, and the JSON pointers of each text in it that
# Roster stores. Operations whose texts are not stored (an enum, a mapping checked and dropped)
# list none; `test_every_json_write_is_in_the_table` keeps the table whole.
WRITES = {
    "createEvent": ({"name": "Event", "fields": [{"code": "note", "label": "Note", "type": "text"},
                                                {"code": "diet", "label": "Diet", "type": "selectList", "options": ["None", "Vegan"]}]},
                    ["/name", "/fields/0/label", "/fields/1/options/1"]),
    "updateEvent": ({"name": "Control characters", "timeZone": "Europe/Paris",
                     "fields": [{"code": "note", "label": "Note", "type": "text"},
                                {"code": "diet", "label": "Diet", "type": "selectList", "options": ["None", "Vegan"]}]},
                    ["/name", "/timeZone", "/fields/0/label", "/fields/1/options/1"]),
    "upsertParticipant": ({"email": "grace@example.com", "firstName": "Grace", "lastName": "Hopper", "company": "Navy",
                           "jobTitle": "Rear Admiral", "fields": {"note": "Cobol", "diet": "Vegan"}},
                          ["/email", "/firstName", "/lastName", "/company", "/jobTitle", "/fields/note", "/fields/diet"]),
    "updateParticipant": ({"firstName": "Ada", "lastName": "Lovelace", "company": "Analytical", "jobTitle": "Countess",
                           "fields": {"note": "Engines"}},
                          ["/firstName", "/lastName", "/company", "/jobTitle", "/fields/note"]),
    "importParticipants": ([{"email": "imported@example.com", "firstName": "Imported", "lastName": "Person", "company": "Co",
                             "jobTitle": "Role", "fields": {"note": "Text"}}],
                           ["/0/email", "/0/firstName", "/0/lastName", "/0/company", "/0/jobTitle", "/0/fields/note"]),
    # The sandbox's login URL, key and secret are laid over these (`body_of`): the connection stays.
    "putSalesforceConnector": ({"campaignName": "Abuse Summit", "registeredStatus": "Registered", "attendedStatus": "Attended",
                                "cancelledStatus": "Cancelled", "consumerKey": "key", "consumerSecret": "secret",
                                "loginUrl": "https://login.salesforce.com", "exclusions": ["@example.org"],
                                "contactAccount": {"mode": "fixed", "accountId": "001000000000001AAA"},
                                "fixedValues": {"lead": {"LeadSource": "Event"}}, "leadAssignment": "01Q000000000001AAA"},
                               ["/campaignName", "/registeredStatus", "/attendedStatus", "/cancelledStatus", "/consumerKey", "/consumerSecret",
                                "/loginUrl", "/exclusions/0", "/contactAccount/accountId", "/fixedValues/lead/LeadSource", "/leadAssignment"]),
    "createSalesforceCampaign": ({"name": "New campaign", "registeredStatus": "Registered", "attendedStatus": "Attended"},
                                 ["/name", "/registeredStatus", "/attendedStatus"]),
    "createWebhook": ({"name": "Registration site", "fieldMap": {"email": "/attendee/email"}}, ["/name", "/fieldMap/email"]),
    "createToken": ({"name": "integration", "role": "viewer"}, ["/name"]),
    "inviteUser": ({"email": "invited@example.com", "role": "viewer"}, ["/email"]),
    "updateUser": ({"role": "viewer", "everyEvent": True}, []),
    "connectSalesforce": ({"flow": "clientCredentials"}, []),
    "checkSalesforceConnector": ({}, []),
    "startSalesforceSync": ({"dryRun": True}, []),
    "validateSalesforceMapping": ({"object": "contact", "mapping": {"company": "Department"}}, []),
}


def json_writes():
    """operationId → (METHOD, path) of every operation under /api/ whose body may be JSON."""
    paths = yaml.safe_load(served_openapi())["paths"]
    return {operation["operationId"]: (method.upper(), path) for path, item in paths.items() if path.startswith("/api/")
            for method, operation in item.items() if isinstance(operation, dict)
            and "application/json" in operation.get("requestBody", {}).get("content", {})}


def test_every_json_write_is_in_the_table():
    assert set(json_writes()) == set(WRITES)


def replaced(body, pointer, value):
    """`body` with the value at the JSON pointer replaced."""
    body = copy.deepcopy(body)
    keys = pointer.strip("/").split("/")
    target = body
    for key in keys[:-1]:
        target = target[int(key)] if isinstance(target, list) else target[key]
    last = keys[-1]
    if isinstance(target, list):
        target[int(last)] = value
    else:
        target[last] = value
    return body


CASES = [(operation, pointer) for operation, (_, pointers) in WRITES.items() for pointer in pointers]


@pytest.fixture(scope="module")
def texts_event(roster, sandbox):
    """An event connected to the sandbox, with a participant (for PATCH)."""
    event = new_event(roster, "Control characters")
    connect(roster, sandbox, event)
    person = roster.call("POST", f"/api/v1/events/{event}/participants", roster.tokens["admin"],
                         {"email": "ada@example.com", "firstName": "Ada", "lastName": "Lovelace"})
    assert person.status == 201, person.text
    return event, person.json()["id"]


def request_of(roster, sandbox, texts_event, operation):
    """(METHOD, concrete path, body) of one of the table's operations on the texts' event."""
    event, participant = texts_event
    method, path = json_writes()[operation]
    body, _ = WRITES[operation]
    if operation == "putSalesforceConnector":
        body = {**body, "loginUrl": sandbox.url, "consumerKey": sandbox.key, "consumerSecret": sandbox.secret}
    if "{userId}" in path:
        path = path.replace("{userId}", a_user(roster))
    return method, path.replace("{eventId}", event).replace("{participantId}", participant), body


USERS = {}


def a_user(roster):
    """A back-office user's id, invited once for the operations on a user."""
    if "id" not in USERS:
        answer = roster.call("POST", "/api/v1/users", roster.tokens["admin"], {"email": "patched@example.com"})
        assert answer.status == 201, answer.text
        USERS["id"] = answer.json()["user"]["id"]
    return USERS["id"]


@pytest.mark.parametrize("operation", list(WRITES))
def test_the_tables_bodies_are_accepted(roster, sandbox, texts_event, operation):
    """Without the control character each body goes through, so a refusal below is the character's."""
    method, path, body = request_of(roster, sandbox, texts_event, operation)
    answer = roster.call(method, path, roster.tokens["admin"], body)
    assert 200 <= answer.status < 300, f"{answer.status} {answer.text[:300]}"
    if operation == "importParticipants":
        assert answer.json()["rejectedCount"] == 0, answer.text


@pytest.mark.parametrize("operation,pointer", CASES, ids=[f"{operation} {pointer}" for operation, pointer in CASES])
def test_a_control_character_is_refused_in_every_stored_text(roster, sandbox, texts_event, operation, pointer):
    method, path, body = request_of(roster, sandbox, texts_event, operation)
    answer = roster.call(method, path, roster.tokens["admin"], replaced(body, pointer, CONTROL))
    if operation == "importParticipants":
        # An import answers 200 with each refused row; the row is refused, nothing stored.
        assert answer.status == 200, answer.text
        result = answer.json()
        assert (result["created"], result["updated"], result["rejectedCount"]) == (0, 0, 1), answer.text
        return
    assert answer.status in (400, 422), f"{answer.status} {answer.text[:300]}"


def test_a_control_character_is_refused_in_a_file_name_and_a_cli_token_name(roster, texts_event):
    event, _ = texts_event
    answer = roster.call("POST", f"/api/v1/events/{event}/participants/import?fileName=list%0D%0ASet-Cookie.csv", roster.tokens["admin"],
                         headers={"Content-Type": "text/csv"}, raw=b"email,firstName,lastName\nx@example.com,X,Y\n")
    assert (answer.status, answer.code) == (400, "invalid_parameter"), answer.text
    made = roster.cli("token", "create", "--name", CONTROL, check=False)
    assert made.returncode != 0 and "control character" in made.stderr, made.stderr
