"""Who may call what on a real `roster serve` (issue "Safe on a network").

Proves, for an anonymous caller, an admin token on every event, and admin, organiser, registrar
and viewer tokens limited to event A (of events A and B), that every operation under `/api/` in
the OpenAPI document the server serves answers as the roles say. The table is read from the
served `/openapi.yaml`, so a new route cannot be left out:

* no token: 401 `unauthorized`;
* event B for a caller limited to A: 404 `event_not_found`, whatever the role (checked first);
* the role lacks the operation's `x-roster-permission` (`access.manage` and `events.create` also
  need a token on every event): 403 `forbidden`;
* otherwise neither 401, 403 nor `event_not_found` (dummy ids and `{}` bodies may give 400/404/…).

Also: another spelling of a path (`//api`, `/api//v1`, `/api/v1//`, a trailing `/`, `%2F`) never
succeeds and writes nothing; event lists show the caller's events only; tokens made or revoked
through the API or the CLI take effect at once and are never shown again; `/healthz`,
`/metrics` and `/openapi.yaml` are open. Every answer under `/api/` says `Cache-Control: no-store`.
"""
import re

import pytest
import yaml

from conftest import served_openapi

# caller → (role, limited to event A); None: no Authorization header.
CALLERS = {
    "anonymous": None,
    "admin": ("admin", False),
    "scoped-admin": ("admin", True),
    "organiser": ("organiser", True),
    "registrar": ("registrar", True),
    "viewer": ("viewer", True),
}
# Permissions only a caller on every event has (a scoped admin can't widen itself or make events it won't see).
EVERY_EVENT_ONLY = {"access.manage", "events.create"}
GRANTS = {
    "admin": {"events.create", "events.read", "events.update", "participants.read", "participants.write", "participants.checkin",
              "participants.erase", "participants.export", "connector.manage", "sync.run", "sync.read", "access.manage", "webhooks.manage"},
    "organiser": {"events.read", "events.update", "participants.read", "participants.write", "participants.checkin", "participants.erase",
                  "participants.export", "connector.manage", "sync.run", "sync.read", "webhooks.manage"},
    "registrar": {"events.read", "participants.write", "participants.checkin"},
    "viewer": {"events.read", "participants.read", "sync.read"},
}
METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}
REFUSALS = {401: "unauthorized", 403: "forbidden", 404: "event_not_found"}
INTRUDER = {"email": "anon@example.com", "firstName": "A", "lastName": "B"}


def api_operations():
    """(METHOD, path, permission) of every operation under /api/ in the served document."""
    paths = yaml.safe_load(served_openapi())["paths"]
    return [(method.upper(), path, operation.get("x-roster-permission"))
            for path, item in paths.items() if path.startswith("/api/")
            for method, operation in item.items() if method in METHODS]


def concrete(path, event_id):
    """The path with `{eventId}` given and every other parameter a dummy `nope`."""
    return re.sub(r"\{(\w+)\}", lambda match: event_id if match[1] == "eventId" else "nope", path)


def spellings(path):
    """Non-canonical spellings of a path that a lenient router could still route."""
    last = path.rindex("/")
    return list(dict.fromkeys([
        "/" + path, path.replace("/api/", "/api//", 1), path.replace("/api/v1/", "/api/v1//", 1), path + "/",
        path.replace("/api/v1/", "/api/v1%2F", 1), path[:last] + "%2F" + path[last + 1:],
    ]))


def expected_refusal(caller, permission, event):
    """401, 404 or 403 for a refused call, None for an allowed one."""
    if CALLERS[caller] is None:
        return 401
    role, scoped = CALLERS[caller]
    if scoped and event == "B":
        return 404
    if permission not in GRANTS[role] or (permission in EVERY_EVENT_ONLY and scoped):
        return 403
    return None


def pytest_generate_tests(metafunc):
    """One case per (caller, operation[, event]) and per (operation, spelling), from the served document."""
    if metafunc.function is test_route_access:
        cases = [(caller, operation, event) for caller in CALLERS for operation in api_operations()
                 for event in (("A", "B") if "{eventId}" in operation[1] else (None,))]
        metafunc.parametrize("caller,operation,event", cases, ids=[
            f"{caller} {method} {path}" + (f" (event {event})" if event else "")
            for caller, (method, path, _), event in cases])
    if metafunc.function is test_non_canonical_spelling_is_refused:
        cases = [(method, spelled) for method, path, _ in api_operations() for spelled in spellings(path)]
        metafunc.parametrize("method,spelled", cases, ids=[f"anonymous {method} {spelled}" for method, spelled in cases])


@pytest.fixture(scope="module")
def tokens(roster):
    """Each caller's token; all but `admin` made with the CLI while the server runs."""
    made = {"admin": roster.tokens["admin"]}
    for caller, access in CALLERS.items():
        if access and caller not in made:
            role, scoped = access
            made[caller] = roster.cli("token", "create", "--name", caller, "--role", role,
                                      *(["--event", roster.events["A"]] if scoped else []))
    return made


def test_the_table_is_the_running_servers_document(roster):
    assert roster.call("GET", "/openapi.yaml").text == served_openapi()
    operations = api_operations()
    assert ("GET", "/api/v1/events", "events.read") in operations
    unknown = [f"{method} {path}: {permission}" for method, path, permission in operations if permission not in GRANTS["admin"]]
    assert not unknown, "operations without a known x-roster-permission"


def test_route_access(roster, tokens, caller, operation, event):
    method, path, permission = operation
    url = concrete(path, roster.events.get(event, ""))
    answer = roster.call(method, url, tokens.get(caller), {} if method in ("POST", "PUT", "PATCH") else None)
    refusal = expected_refusal(caller, permission, event)
    got = f"{answer.status} {answer.code}: {answer.text[:300]}"
    # Answers may carry personal data: no cache keeps them (issue 34, #10), refusals included.
    assert answer.headers.get("cache-control") == "no-store", f"{method} {url}: Cache-Control {answer.headers.get('cache-control')}"
    if refusal:
        assert (answer.status, answer.code) == (refusal, REFUSALS[refusal]), f"{method} {url} expected {refusal}, got {got}"
    else:
        assert answer.status not in (401, 403) and answer.code != "event_not_found", f"{method} {url} allowed, got {got}"


@pytest.mark.parametrize("caller", [caller for caller, access in CALLERS.items() if access])
def test_event_list_shows_only_the_callers_events(roster, tokens, caller):
    answer = roster.call("GET", "/api/v1/events", tokens[caller])
    assert answer.status == 200, answer.text
    ids = {event["id"] for event in answer.json()["items"]}
    if CALLERS[caller][1]:
        assert ids == {roster.events["A"]}
    else:
        assert ids >= {roster.events["A"], roster.events["B"]}


def test_non_canonical_spelling_is_refused(roster, method, spelled):
    answer = roster.call(method, concrete(spelled, roster.events["A"]), None, {} if method in ("POST", "PUT", "PATCH") else None)
    assert (answer.status, answer.code) in {(400, "non_canonical_path"), (401, "unauthorized")}, \
        f"{method} {spelled}: {answer.status} {answer.text[:300]}"


@pytest.mark.parametrize("caller", ["anonymous", "viewer"])
def test_non_canonical_participant_writes_change_nothing(roster, tokens, caller):
    event = roster.events["A"]

    def participants():
        answer = roster.call("GET", f"/api/v1/events/{event}/participants?limit=1000", tokens["admin"])
        assert answer.status == 200, answer.text
        return answer.json()

    before = participants()["total"]
    for spelled in spellings(f"/api/v1/events/{event}/participants"):
        answer = roster.call("POST", spelled, tokens.get(caller), INTRUDER)
        assert answer.status >= 400, f"{caller} POST {spelled}: {answer.status} {answer.text[:300]}"
    after = participants()
    assert after["total"] == before
    assert not [item for item in after["items"] if item.get("email") == INTRUDER["email"]]


def test_api_token_works_at_once_is_never_listed_and_dies_when_revoked(roster, tokens):
    admin, event = tokens["admin"], roster.events["A"]
    created = roster.call("POST", "/api/v1/tokens", admin, {"name": "site", "role": "registrar", "events": [event]})
    assert created.status == 201, created.text
    site = created.json()["token"]
    participants = f"/api/v1/events/{event}/participants"
    registered = roster.call("POST", participants, site, {"email": "site@example.com", "firstName": "Site", "lastName": "Visitor"})
    assert registered.status == 201, registered.text
    assert roster.call("GET", participants, site).status == 403

    listed = roster.call("GET", "/api/v1/tokens", admin)
    assert listed.status == 200, listed.text
    assert "site" in {token["name"] for token in listed.json()["items"]}
    assert not [name for name, value in {**tokens, "site": site}.items() if value in listed.text], "a token is listed"

    assert roster.call("DELETE", "/api/v1/tokens/site", admin).status == 204
    assert roster.call("GET", "/api/v1/events", site).status == 401


def test_cli_revoke_takes_effect_on_the_next_request(roster):
    token = roster.cli("token", "create", "--name", "doomed", "--role", "viewer")
    assert roster.call("GET", "/api/v1/events", token).status == 200
    roster.cli("token", "revoke", "--name", "doomed")
    answer = roster.call("GET", "/api/v1/events", token)
    assert (answer.status, answer.code) == (401, "unauthorized"), answer.text


def test_cli_token_with_an_expiry_works_and_is_listed_with_it(roster, tokens):
    token = roster.cli("token", "create", "--name", "short-lived", "--role", "viewer", "--expires-in", "1")
    assert roster.call("GET", "/api/v1/events", token).status == 200
    listing = roster.cli("token", "list")
    rows = {line.split()[0]: line.split() for line in listing.splitlines()[1:]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\S+", rows["short-lived"][-1]), listing
    assert rows["admin"][-1] == "never", listing
    assert not [value for value in {**tokens, "short-lived": token}.values() if value in listing], "a token is listed"


@pytest.mark.parametrize("path", ["/healthz", "/metrics", "/openapi.yaml"])
def test_open_routes_answer_anonymously(roster, path):
    assert roster.call("GET", path).status == 200


def test_the_webhook_receiver_is_authenticated_by_its_signature_alone(roster, tokens):
    """`POST /hooks/{id}` is outside the bearer-token group: no token, not even an admin's, lets
    an unsigned delivery in, and an unknown source answers exactly as a known one (nothing tells
    whether a source, or the event behind it, exists)."""
    event = roster.events["A"]
    created = roster.call("POST", f"/api/v1/events/{event}/webhooks", tokens["organiser"], {"name": "Registration site"})
    assert created.status == 201, created.text
    source = created.json()["id"]
    answers = []
    for path in (f"/hooks/{source}", "/hooks/no-such-source"):
        for caller in ("anonymous", "admin", "organiser"):
            answer = roster.call("POST", path, tokens.get(caller), {"email": "anon@example.com", "firstName": "A", "lastName": "B"})
            assert (answer.status, answer.code) == (401, "invalid_signature"), f"{caller} {path}: {answer.status} {answer.text[:300]}"
            answers.append(answer.json()["error"]["message"])
    assert len(set(answers)) == 1, answers
    listed = roster.call("GET", f"/api/v1/events/{event}/participants?q=anon@example.com", tokens["admin"]).json()
    assert listed["total"] == 0
    for caller in ("registrar", "viewer"):
        refused = roster.call("GET", f"/api/v1/events/{event}/webhooks/{source}/deliveries", tokens[caller])
        assert (refused.status, refused.code) == (403, "forbidden"), refused.text


def test_a_forged_host_never_becomes_the_oauth_callback(roster, tokens):
    """Without ROSTER_PUBLIC_URL only a loopback Host is Roster's own address (issue 34, #6)."""
    path = f"/api/v1/events/{roster.events['A']}/connectors/salesforce/connect"
    forged = roster.call("POST", path, tokens["admin"], {"flow": "webServer"}, headers={"Host": "evil.example"})
    assert (forged.status, forged.code) == (422, "public_url_missing"), forged.text
    assert "evil.example" not in forged.text
    own = roster.call("POST", path, tokens["admin"], {"flow": "webServer"})
    assert (own.status, own.code) == (409, "connector_not_configured"), own.text  # past the address check
    # A webhook made through a forged Host gets its path alone, never that host.
    hooks = f"/api/v1/events/{roster.events['A']}/webhooks"
    made = roster.call("POST", hooks, tokens["admin"], {"name": "Forged host"}, headers={"Host": "evil.example"})
    assert made.status == 201 and made.json()["url"].startswith("/hooks/"), made.text
    listed = roster.call("GET", hooks, tokens["admin"], headers={"Host": "evil.example"})
    assert listed.status == 200 and "evil.example" not in listed.text, listed.text
