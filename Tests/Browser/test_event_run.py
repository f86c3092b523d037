"""The event run from the back office (issue 30), in real Chromium: a registrar's check-in desk on a
phone (search without accents, check in, undo, a check-in kept through a network cut and sent
when it returns), an event edited with its time zone, a person erased with their campaign member
removed from the sandbox's campaign."""
import subprocess
import time
import urllib.parse

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC

from test_demo import ROSTER
from test_journey import api_client, first_event, text_of, wait

PASSWORD = "desk-password-2026"


def sign_in(browser, base, email, password):
    """Signs in afresh as `email` (whoever was signed in before is forgotten)."""
    browser.delete_all_cookies()
    browser.get(f"{base}/events")
    wait(browser, EC.presence_of_element_located((By.ID, "email"))).send_keys(email)
    browser.find_element(By.ID, "password").send_keys(password)
    browser.find_element(By.ID, "signin").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "a.event-link")))


def english(browser):
    browser.find_element(By.ID, "lang-en").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="en"]')))


@pytest.fixture(scope="module")
def event_id(demo):
    return first_event(demo, api_client(demo))


@pytest.fixture(scope="module")
def registrar(demo, event_id):
    """A registrar on the demo event, made with the CLI as an admin would."""
    email = "door@roster-demo.example"
    subprocess.run([ROSTER, "user", "create", "--email", email, "--password-stdin", "--role", "registrar", "--event", event_id,
                    "--database", f"sqlite://{demo['directory']}/roster-demo.sqlite"],
                   input=PASSWORD, text=True, check=True, capture_output=True, cwd=demo["directory"])
    return email


def person(demo, event_id, email):
    answer = api_client(demo).get(f"{demo['url']}/api/v1/events/{event_id}/participants", params={"q": email})
    answer.raise_for_status()
    return next(item for item in answer.json()["items"] if item["email"] == email)


def test_the_check_in_desk_on_a_phone(demo, browser, shoot, event_id, registrar):
    base, client = demo["url"], api_client(demo)
    for body in ({"email": "helene.lefevre@example.org", "firstName": "Hélène", "lastName": "Lefèvre", "company": "Société Générale"},
                 {"email": "zoe.ozil@example.org", "firstName": "Zoé", "lastName": "Özil", "company": "Ozil & Co"}):
        client.post(f"{base}/api/v1/events/{event_id}/participants", json=body).raise_for_status()
    browser.set_window_size(390, 844)
    try:
        sign_in(browser, base, registrar, PASSWORD)
        english(browser)
        # The registrar's event opens on the desk; the grid leads back to it, never to a refusal.
        browser.find_element(By.CSS_SELECTOR, "a.event-link").click()
        search = wait(browser, EC.presence_of_element_located((By.ID, "desk-search")))
        assert browser.current_url.endswith(f"/events/{event_id}/desk")
        browser.get(f"{base}/events/{event_id}/participants")
        search = wait(browser, EC.presence_of_element_located((By.ID, "desk-search")))
        assert browser.current_url.endswith("/desk") and "403" not in browser.title
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
        checked_in = int(text_of(browser, "desk-checked-in"))

        # "helene" finds Hélène; her email is masked for a registrar.
        search.send_keys("helene")
        row = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#desk-results li.desk-person")))
        assert "Hélène Lefèvre" in row.text and "Société Générale" in row.text and "h…@example.org" in row.text
        assert len(browser.find_elements(By.CSS_SELECTOR, "#desk-results li.desk-person")) == 1
        button = row.find_element(By.CSS_SELECTOR, "button.desk-action")
        assert button.size["height"] >= 44, "a thumb-sized button"
        shoot("desk-found")

        # Enter on the search checks in the one person found.
        search.send_keys(Keys.ENTER)
        wait(browser, lambda b: text_of(b, "desk-done") == "Hélène Lefèvre checked in.")
        wait(browser, lambda b: int(text_of(b, "desk-checked-in")) == checked_in + 1)
        helene = person(demo, event_id, "helene.lefevre@example.org")
        assert helene["hasAttended"] is True and helene["checkedInAt"]
        wait(browser, EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#desk-results li.desk-person"), "Checked in at"))
        shoot("desk-checked-in")
        # Undo, with the keyboard: ↓ to her button, Enter.
        assert browser.switch_to.active_element.get_attribute("id") == "desk-search", "ready for the next person"
        search.send_keys(Keys.ARROW_DOWN)
        assert "Undo" in browser.switch_to.active_element.text
        browser.switch_to.active_element.send_keys(Keys.ENTER)
        wait(browser, lambda b: text_of(b, "desk-done") == "Hélène Lefèvre: check-in undone.")
        assert person(demo, event_id, "helene.lefevre@example.org")["hasAttended"] is False

        # The network goes: a check-in is kept in the page, says so, and goes when it returns.
        search.clear()
        search.send_keys("ozil")
        wait(browser, EC.text_to_be_present_in_element((By.ID, "desk-results"), "Zoé Özil"))
        browser.execute_cdp_cmd("Network.enable", {})
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        browser.find_element(By.CSS_SELECTOR, "#desk-results button.desk-action").click()
        wait(browser, EC.visibility_of_element_located((By.ID, "desk-queue")))
        assert "No network: 1 change" in text_of(browser, "desk-queue")
        assert "waiting for the network" in text_of(browser, "desk-results")
        assert person(demo, event_id, "zoe.ozil@example.org")["hasAttended"] is False, "nothing reached the server yet"
        shoot("desk-offline")
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        wait(browser, lambda b: "Network back: 1 change(s) sent." in text_of(b, "desk-queue"), seconds=20)
        assert person(demo, event_id, "zoe.ozil@example.org")["hasAttended"] is True
        assert browser.execute_script("return sessionStorage.length") == 0, "nothing left waiting in the browser"
        shoot("desk-back-online")
    except Exception:
        shoot("failure-desk")
        raise
    finally:
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        browser.set_window_size(1366, 900)


def test_an_event_edited_with_its_time_zone(demo, browser, shoot, event_id):
    base, client = demo["url"], api_client(demo)
    email, password = demo["organiser"]
    try:
        sign_in(browser, base, email, password)
        english(browser)
        browser.get(f"{base}/events/{event_id}")
        wait(browser, EC.presence_of_element_located((By.ID, "edit-event"))).click()
        zone = wait(browser, EC.presence_of_element_located((By.ID, "event-zone")))
        zone.clear()
        zone.send_keys("America/Los_Angeles")
        for field, value in (("event-starts", "2027-03-15T09:00"), ("event-ends", "2027-03-16T17:30")):
            browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, field), value)
        name = browser.find_element(By.ID, "event-name")
        name.clear()
        name.send_keys("Roster Demo Summit")
        browser.find_element(By.ID, "add-event-field").click()
        row = browser.find_elements(By.CSS_SELECTOR, "#event-fields tbody tr")[-1]
        row.find_element(By.CSS_SELECTOR, ".field-label").send_keys("Badge name")
        row.find_element(By.CSS_SELECTOR, ".field-max-length").send_keys("40")
        shoot("event-edit")
        browser.find_element(By.ID, "save-event").click()
        wait(browser, EC.presence_of_element_located((By.ID, "event-counts")))
        event = client.get(f"{base}/api/v1/events/{event_id}").json()
        # 09:00 in Los Angeles in March 2027 (daylight time, UTC−7), whatever the browser's zone.
        assert (event["timeZone"], event["startsAt"], event["endsAt"]) == ("America/Los_Angeles", "2027-03-15T16:00:00.000Z", "2027-03-17T00:30:00.000Z")
        assert {"code": "badgeName", "label": "Badge name", "type": "text", "maxLength": 40, "required": False} in event["fields"]
        # Shown in the event's zone, with its name, in a UTC browser too.
        dates = text_of(browser, "event-dates")
        assert "09:00" in dates and "PDT" in dates and "America/Los_Angeles" in dates, dates
        shoot("event-in-its-zone")

        # A field in use can't change type: the form says why, beside the field.
        browser.find_element(By.ID, "edit-event").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#event-fields tbody tr")))
        client.post(f"{base}/api/v1/events/{event_id}/participants",
                    json={"email": "badge@example.org", "firstName": "B", "lastName": "Adge", "fields": {"badgeName": "Bee"}}).raise_for_status()
        badge = next(row for row in browser.find_elements(By.CSS_SELECTOR, "#event-fields tbody tr")
                     if row.find_element(By.CSS_SELECTOR, ".field-code").get_attribute("value") == "badgeName")
        assert badge.find_element(By.CSS_SELECTOR, ".field-code").get_attribute("readonly") is not None, "a field's code stays"
        badge.find_element(By.CSS_SELECTOR, ".field-max-length").clear()
        badge.find_element(By.CSS_SELECTOR, ".field-type").send_keys("Number")
        browser.find_element(By.ID, "save-event").click()
        wait(browser, lambda b: badge.find_element(By.CSS_SELECTOR, ".field-error").text != "")
        assert "can't change once it is in use" in badge.find_element(By.CSS_SELECTOR, ".field-error").text
        shoot("event-edit-refused", badge)
    except Exception:
        shoot("failure-event-edit")
        raise


def sandbox_members(demo):
    """The campaign's members as the sandbox org holds them, read with its own API."""
    token = requests.post(f"{demo['sandbox_url']}/services/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": demo["consumer_key"], "client_secret": demo["consumer_secret"]}).json()["access_token"]
    query = "SELECT Id, ContactId, LeadId FROM CampaignMember WHERE Campaign.Name = 'Roster Demo Summit'"
    answer = requests.get(f"{demo['sandbox_url']}/services/data/v62.0/query", params={"q": query}, headers={"Authorization": f"Bearer {token}"})
    answer.raise_for_status()
    return {record["Id"] for record in answer.json()["records"]}


def test_a_person_erased_with_their_campaign_member(demo, browser, shoot, event_id):
    base, client = demo["url"], api_client(demo)
    connector = f"{base}/api/v1/events/{event_id}/connectors/salesforce"
    client.post(f"{connector}/connect", json={"flow": "clientCredentials"}).raise_for_status()
    run = client.post(f"{connector}/sync", json={}).json()["runId"]
    deadline = time.time() + 60
    while client.get(f"{connector}/runs/{run}").json()["state"] not in ("succeeded", "failed") and time.time() < deadline:
        time.sleep(0.2)
    gone = person(demo, event_id, "helene.lefevre@example.org")
    member = gone["salesforce"]["campaignMemberId"]
    assert member in sandbox_members(demo)
    try:
        browser.get(f"{base}/events/{event_id}/participants/{gone['id']}")
        english(browser)
        wait(browser, EC.presence_of_element_located((By.ID, "erase-open"))).click()
        wait(browser, EC.visibility_of_element_located((By.ID, "erase-dialog")))
        confirm = browser.find_element(By.ID, "erase-confirm")
        browser.find_element(By.ID, "erase-remove-member").click()
        browser.find_element(By.ID, "erase-confirm-name").send_keys("helene lefevre")
        assert confirm.is_enabled(), "the name typed as it reads, without its accents"
        shoot("erase-confirm", browser.find_element(By.ID, "erase-dialog"))
        confirm.click()
        wait(browser, EC.presence_of_element_located((By.ID, "erased-notice")))
        assert requests.get(f"{base}/api/v1/events/{event_id}/participants/{gone['id']}",
                            headers={"Authorization": f"Bearer {demo['token']}"}).status_code == 404
        assert member not in sandbox_members(demo), "removed from the campaign"
        browser.get(f"{base}/events/{event_id}/salesforce/history")
        line = text_of(browser, "erasures")
        assert gone["id"] in line and demo["organiser"][0] in line and "removed from the Salesforce campaign" in line
        assert "Hélène" not in browser.page_source and "helene.lefevre" not in browser.page_source, "no trace of her data"
        shoot("erasure-in-history", browser.find_element(By.ID, "erasures"))
    except Exception:
        shoot("failure-erasure")
        raise


def test_a_user_invited_and_made_a_registrar(demo, browser, shoot, event_id):
    """An admin invites someone on the Users screen with the registrar role on the demo event; the
    link opens a page to choose a password, which signs them in to the desk."""
    base = demo["url"]
    email, password = demo["organiser"]
    try:
        sign_in(browser, base, email, password)
        english(browser)
        browser.find_element(By.ID, "nav-users").click()
        wait(browser, EC.presence_of_element_located((By.ID, "invite-form")))
        browser.find_element(By.ID, "invite-email").send_keys("new.desk@roster-demo.example")
        browser.find_element(By.CSS_SELECTOR, "#invite-role option[value='registrar']").click()
        browser.find_element(By.CSS_SELECTOR, f"#invite-events .event-choice[value='{event_id}']").click()
        assert not browser.find_element(By.CSS_SELECTOR, "#invite-events .every-event").is_selected(), "an event chosen: not every event"
        browser.find_element(By.ID, "invite-send").click()
        link = wait(browser, EC.visibility_of_element_located((By.ID, "invite-link"))).get_attribute("value")
        assert "/invite/" in link and "new.desk@roster-demo.example" in text_of(browser, "invite-link-text")
        shoot("user-invited", browser.find_element(By.ID, "invite-link-box"))

        # The person opens the link, signed in as nobody, and chooses a password.
        browser.delete_all_cookies()
        browser.get(link)
        assert text_of(browser, "invite-email") == "new.desk@roster-demo.example"
        browser.find_element(By.ID, "password").send_keys("a-new-desk-password")
        browser.find_element(By.ID, "confirm").send_keys("a-new-desk-password")
        shoot("invite-password")
        browser.find_element(By.ID, "invite-save").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "a.event-link"))).click()
        wait(browser, EC.presence_of_element_located((By.ID, "desk-search")))
        assert browser.current_url.endswith(f"/events/{event_id}/desk"), "a registrar, on the desk"
        assert not browser.find_elements(By.ID, "nav-users")
        browser.get(link)
        assert "unknown, already used or expired" in text_of(browser, "invite-error"), "the link works once"

        # Back as the admin: the user is listed as active, with the registrar role.
        sign_in(browser, base, email, password)
        browser.get(f"{base}/users")
        row = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "tr[data-email='new.desk@roster-demo.example']")))
        assert row.find_element(By.CSS_SELECTOR, ".user-role").get_attribute("value") == "registrar"
        assert "Active" in row.find_element(By.CSS_SELECTOR, ".user-state").text
        shoot("users-list")
    except Exception:
        shoot("failure-users")
        raise


def test_the_grid_on_a_phone_and_its_custom_columns_on_a_laptop(demo, browser, shoot, event_id):
    """At 390 px a row shows the name, the company, the check-in and the sync date, the rest a tap
    away on the person's page; at 1366 px every custom-field column scrolls into view inside the
    grid while the names stay at its left."""
    base, client = demo["url"], api_client(demo)
    email, password = demo["organiser"]
    codes = [field["code"] for field in client.get(f"{base}/api/v1/events/{event_id}").json()["fields"]]
    try:
        sign_in(browser, base, email, password)
        english(browser)
        browser.set_window_size(390, 844)
        browser.get(f"{base}/events/{event_id}/participants?q=zoe")
        row = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#participants tbody tr")))
        shown = [cell.text for cell in row.find_elements(By.TAG_NAME, "td") if cell.is_displayed()]
        assert any("Zoé Özil" in text and "Ozil & Co" in text for text in shown), shown
        assert not any("zoe.ozil@example.org" in text for text in shown), "the email is a tap away"
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        shoot("phone-grid-row", row)

        browser.set_window_size(1366, 900)
        browser.get(f"{base}/events/{event_id}/participants?cols={','.join(codes)}")
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#participants tbody tr")))
        browser.execute_script("const s = document.getElementById('grid-scroll'); s.scrollLeft = s.scrollWidth;")
        last, name = browser.find_elements(By.CSS_SELECTOR, "#participants thead th")[-1], browser.find_element(By.CSS_SELECTOR, "#participants tbody td.name")
        in_view = "const r = arguments[0].getBoundingClientRect(); return r.left >= 0 && r.right <= window.innerWidth + 1 && r.bottom <= window.innerHeight"
        assert browser.execute_script(in_view, last), "the last custom column is reachable"
        assert browser.execute_script(in_view, name), "the name stays in view"
        shoot("grid-custom-columns")
    except Exception:
        shoot("failure-grid-sizes")
        raise
    finally:
        browser.set_window_size(1366, 900)
