"""The organiser's whole journey through the back office, in real Chromium, one step at a time,
with a screenshot of each: sign in, open the connector, a misspelled campaign, log in to the
sandbox through the pop-up, statuses, mappings, check, a broken connection and logging in again,
force sync, the synced filter, a check-in, French."""
import datetime
import functools
import json
import os
import pathlib
import tempfile
import urllib.parse

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

RED = (179, 38, 30)
ROOT = pathlib.Path(__file__).resolve().parents[2]


def rgb(css):
    """(r, g, b) of a computed CSS colour, `rgb(…)` or `rgba(…)`."""
    return tuple(int(float(part)) for part in css[css.index("(") + 1:-1].split(",")[:3])


def wait(browser, condition, seconds=20):
    return WebDriverWait(browser, seconds).until(condition)


def click(browser, css):
    """Clicks the element `css` finds, found again if a live update replaced it meanwhile (the
    grid and a person's page redraw their rows by themselves while the sync runs)."""
    def attempt(b):
        try:
            b.find_element(By.CSS_SELECTOR, css).click()
            return True
        except StaleElementReferenceException:
            return False
    wait(browser, attempt)


def people(base, demo, event_id, email):
    """The event's participants with that email, read through the API."""
    answer = requests.get(f"{base}/api/v1/events/{event_id}/participants", params={"q": email},
                          headers={"Authorization": f"Bearer {demo['token']}"})
    answer.raise_for_status()
    return [item for item in answer.json()["items"] if item["email"] == email]


def text_of(browser, element_id):
    return text_at(browser, f"#{element_id}")


def text_at(browser, css):
    """The text the element shows, read in one step so a live redraw cannot leave it stale."""
    text = browser.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : null", css)
    assert text is not None, f"nothing matches {css}"
    return text.strip()


def log_in_through_the_popup(browser, demo, button, before_submitting=lambda: None):
    """Clicks `button`, logs in to the sandbox in the pop-up it opens, and waits until the pop-up
    has closed itself and the connector screen says who is connected."""
    main = browser.current_window_handle
    browser.find_element(By.ID, button).click()
    wait(browser, lambda b: len(b.window_handles) == 2)
    browser.switch_to.window(next(handle for handle in browser.window_handles if handle != main))
    wait(browser, EC.presence_of_element_located((By.ID, "username"))).send_keys(demo["sandbox_username"])
    browser.find_element(By.ID, "password").send_keys(demo["sandbox_password"])
    before_submitting()
    browser.find_element(By.ID, "Login").click()
    browser.switch_to.window(main)
    wait(browser, lambda b: len(b.window_handles) == 1)
    wait(browser, EC.text_to_be_present_in_element((By.ID, "connection-status"), "Connected as admin@roster-demo-org.example"))


def sandbox_calls(demo):
    """The sandbox org's count of API calls so far, and the requests that made it."""
    calls = requests.get(f"{demo['sandbox_url']}/__sandbox/calls").json()
    return calls["apiCalls"], [f"{r['method']} {urllib.parse.unquote_plus(r['uri'].split('/services/data/')[-1])[:110]}" for r in calls["requests"] if r.get("counted")]


def test_the_organisers_journey(demo, browser, shoot, capsys):
    base = demo["url"]
    email, password = demo["organiser"]
    try:
        # Sign in (any page sends an anonymous visitor to the form first).
        browser.get(f"{base}/events")
        wait(browser, EC.presence_of_element_located((By.ID, "email")))
        assert "/?next=" in browser.current_url
        shoot("sign-in")
        browser.find_element(By.ID, "email").send_keys(email)
        browser.find_element(By.ID, "password").send_keys(password)
        browser.find_element(By.ID, "signin").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "a.event-link")))
        shoot("events")

        # The connector screen, from the event.
        browser.find_element(By.CSS_SELECTOR, "a.event-link").click()
        wait(browser, EC.presence_of_element_located((By.ID, "open-connector"))).click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#connector[aria-busy="false"]')))
        # Not connected yet: no "Disconnect" button to press.
        assert not browser.find_element(By.ID, "disconnect").is_displayed()
        assert browser.find_element(By.NAME, "campaignName").get_attribute("value") == "Roster Demo Summit"
        assert "Not connected" in text_of(browser, "connection-status")
        shoot("connector")

        # Check configuration before connecting: the errors are listed in red under the button.
        browser.find_element(By.ID, "check").click()
        error = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#check-errors li.error[data-code="not_connected"]')))
        assert rgb(error.value_of_css_property("color")) == RED
        shoot("check-not-connected", error)

        calls_before, requests_before = sandbox_calls(demo)
        # Salesforce login in a pop-up, on the sandbox's login page; it closes itself.
        log_in_through_the_popup(browser, demo, "salesforce-login", lambda: shoot("salesforce-login-popup"))
        shoot("connected", browser.find_element(By.ID, "connection-status"))
        # The login's messages are beside the login button, not under step 3's Save.
        wait(browser, EC.text_to_be_present_in_element((By.ID, "login-status"), "Connected to Salesforce."))

        # A misspelled campaign: red outline, aria-invalid, a message tied to the input, suggestions.
        campaign = browser.find_element(By.ID, "campaignName")
        campaign.clear()
        campaign.send_keys("roster demo sumit ")
        campaign.send_keys(Keys.TAB)
        wait(browser, lambda b: campaign.get_attribute("aria-invalid") == "true")
        assert rgb(campaign.value_of_css_property("border-top-color")) == RED
        assert "campaignName-error" in campaign.get_attribute("aria-describedby")
        message = text_of(browser, "campaignName-message")
        assert "check the spelling" in message
        suggestion = wait(browser, EC.element_to_be_clickable((By.CSS_SELECTOR, "button.campaign-suggestion")))
        assert suggestion.text == "Roster Demo Summit"
        assert browser.find_element(By.ID, "create-campaign").is_displayed()
        shoot("campaign-not-found", campaign)
        # Creating it asks first, naming the campaign and the close one that exists; declined, nothing happens.
        browser.find_element(By.ID, "create-campaign").click()
        question = wait(browser, EC.alert_is_present())
        assert "“roster demo sumit”" in question.text and "“Roster Demo Summit”" in question.text, question.text
        question.dismiss()
        assert text_of(browser, "campaign-status") == ""
        suggestion.click()
        wait(browser, lambda b: campaign.get_attribute("aria-invalid") == "false")
        assert campaign.get_attribute("value") == "Roster Demo Summit"
        # The picked name is not saved yet, and the screen says so: no stale "Saved.".
        assert browser.find_element(By.ID, "unsaved").is_displayed() and text_of(browser, "save-status") == ""

        # Who owns new Leads: the org's Lead assignment rules by name, Salesforce's default chosen.
        wait(browser, lambda b: len(Select(b.find_element(By.ID, "leadAssignment")).options) == 4)
        owner = Select(browser.find_element(By.ID, "leadAssignment"))
        assert [o.text for o in owner.options][2:] == ["Rule “Partner leads”", "Rule “Web and event leads” (active)"]
        assert owner.first_selected_option.get_attribute("value") == "activeRule"
        assert Select(browser.find_element(By.ID, "contactAccountMode")).first_selected_option.get_attribute("value") == "byCompany"

        # Statuses from the campaign; save.
        wait(browser, lambda b: "Attended" in [o.text for o in Select(b.find_element(By.ID, "attendedStatus")).options])
        Select(browser.find_element(By.ID, "registeredStatus")).select_by_value("Registered")
        Select(browser.find_element(By.ID, "attendedStatus")).select_by_value("Attended")
        browser.find_element(By.ID, "allowUpdate").click()
        browser.find_element(By.ID, "allowUpdate").click()
        assert browser.find_element(By.ID, "unsaved").is_displayed(), "an edit is marked unsaved"
        browser.find_element(By.ID, "save").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "save-status"), "Saved."))
        assert not browser.find_element(By.ID, "unsaved").is_displayed()
        # The on/off switch saves at once, without Save.
        connector_api = browser.current_url.replace(base, f"{base}/api/v1").replace("/salesforce", "/connectors/salesforce")
        headers = {"Authorization": f"Bearer {demo['token']}"}
        browser.find_element(By.ID, "enabled").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "enabled-status"), "Off: nothing is sent to Salesforce."))
        assert requests.get(connector_api, headers=headers).json()["enabled"] is False
        browser.find_element(By.ID, "enabled").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "enabled-status"), "On: changes are synced."))
        assert requests.get(connector_api, headers=headers).json()["enabled"] is True
        assert not browser.find_element(By.ID, "unsaved").is_displayed(), "the switch is saved, not pending"
        # The rules the API has are on screen too: who is never sent, the API budget, duplicates, long text.
        assert browser.find_element(By.ID, "apiBudgetShare").get_attribute("value") == "80"
        browser.find_element(By.ID, "exclusions").send_keys("staff@corp.example\n@corp.example")
        budget = browser.find_element(By.ID, "apiBudgetShare")
        budget.clear()
        budget.send_keys("50")
        Select(browser.find_element(By.ID, "longText")).select_by_value("truncate")
        assert browser.find_element(By.ID, "batch-lead").get_attribute("value") == "200"
        batch = browser.find_element(By.ID, "batch-lead")
        batch.clear()
        batch.send_keys("100")
        browser.find_element(By.ID, "save").click()
        wait(browser, lambda b: requests.get(connector_api, headers=headers).json()["apiBudgetShare"] == 0.5)
        saved = requests.get(connector_api, headers=headers).json()
        assert saved["batchSize"] == {"lead": 100, "contact": 200, "campaignMember": 200}, saved["batchSize"]
        assert saved["exclusions"] == ["staff@corp.example", "@corp.example"] and saved["longText"] == "truncate"
        assert saved["duplicateRules"] == "respect"
        shoot("connector-rules", browser.find_element(By.ID, "exclusions"))
        shoot("statuses-saved", browser.find_element(By.ID, "save"))

        # Mappings: JSON that does not parse, then an unknown field, each shows its error; a good one saves.
        browser.find_element(By.ID, "mapping-contact").click()
        editor = wait(browser, EC.visibility_of_element_located((By.ID, "mapping-json")))
        original = editor.get_attribute("value")
        assert "T_Shirt_Size__c" in original
        wait(browser, lambda b: b.find_elements(By.CSS_SELECTOR, "#mapping-fields tbody tr"))
        editor.clear()
        editor.send_keys('{"tshirt": ')
        wait(browser, EC.text_to_be_present_in_element((By.ID, "mapping-validity"), "Not valid JSON"))
        browser.find_element(By.ID, "mapping-save").click()
        assert browser.find_element(By.ID, "mapping-error").is_displayed()
        editor.clear()
        editor.send_keys('{"shoeSize": "Title"}')
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#mapping-issues li.error")))
        assert "not a participant field" in text_of(browser, "mapping-issues")
        assert editor.get_attribute("aria-invalid") == "true"
        shoot("mapping-error")
        editor.clear()
        editor.send_keys(original.replace("\n", " "))
        wait(browser, EC.text_to_be_present_in_element((By.ID, "mapping-validity"), "Valid mapping."))
        assert not browser.find_element(By.ID, "mapping-error").is_displayed(), "the old error went away"
        # The table beside the JSON: each field's target and overwrite policy, two-way.
        wait(browser, lambda b: Select(b.find_element(By.CSS_SELECTOR, 'select.map-target[data-code="newsletter"]')).first_selected_option.get_attribute("value") == "Newsletter__c")
        assert Select(browser.find_element(By.CSS_SELECTOR, 'select.map-overwrite[data-code="newsletter"]')).first_selected_option.get_attribute("value") == "ifEmpty"
        Select(browser.find_element(By.CSS_SELECTOR, 'select.map-overwrite[data-code="tshirt"]')).select_by_value("never")
        wait(browser, lambda b: '"overwrite": "never"' in b.find_element(By.ID, "mapping-json").get_attribute("value"))
        wait(browser, EC.text_to_be_present_in_element((By.ID, "mapping-validity"), "Valid mapping."))
        shoot("mapping-table", browser.find_element(By.ID, "mapping-fields"))
        fixed = browser.find_element(By.ID, "fixed-json")
        fixed.clear()
        fixed.send_keys('{"LeadSource": "Partner Referral"}')
        browser.find_element(By.ID, "mapping-save").click()
        wait(browser, EC.invisibility_of_element_located((By.ID, "mapping-dialog")))
        assert text_of(browser, "mappings-status") == "Mapping saved.", "said beside the mapping buttons"
        contact_mapping = requests.get(connector_api, headers=headers).json()["mappings"]["contact"]
        assert contact_mapping["tshirt"] == {"field": "T_Shirt_Size__c", "overwrite": "never"}, contact_mapping
        browser.find_element(By.ID, "mapping-contact").click()
        wait(browser, lambda b: "Partner Referral" in b.find_element(By.ID, "fixed-json").get_attribute("value"))
        browser.find_element(By.ID, "mapping-cancel").click()
        wait(browser, EC.invisibility_of_element_located((By.ID, "mapping-dialog")))

        # Check configuration: correct now, with the org's API usage.
        browser.find_element(By.ID, "check").click()
        wait(browser, EC.visibility_of_element_located((By.ID, "check-ok")))
        assert browser.find_elements(By.CSS_SELECTOR, "#check-errors li") == []
        assert browser.find_element(By.ID, "api-usage").is_displayed()
        shoot("check-ok", browser.find_element(By.ID, "check-ok"))
        # What configuring cost the org: every screen read since the login, the check included.
        calls_after, requests_after = sandbox_calls(demo)
        with capsys.disabled():
            print(f"\nbrowser suite: a full configuration session (login → statuses → rules → mappings → check) "
                  f"cost {calls_after - calls_before} Salesforce API calls")
            for request in sorted(set(requests_after[len(requests_before):])):
                print(f"  {requests_after[len(requests_before):].count(request)} × {request}")

        # Salesforce stops accepting Roster's tokens: the check says so and the screen shows the
        # alert; "Log in again" goes through the pop-up and the connection is back.
        for control in ["tokens/expire", "tokens/revoke-refresh"]:
            requests.post(f"{demo['sandbox_url']}/__sandbox/{control}").raise_for_status()
        browser.find_element(By.ID, "check").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#check-errors li.error[data-code="token_refused"]')))
        alert = wait(browser, EC.visibility_of_element_located((By.ID, "connection-alert")))
        assert "log in again" in alert.text.lower()
        assert "lost" in text_of(browser, "connection-status")
        shoot("connection-broken", alert)
        # Every page of the event says so, with what waits and where to fix it.
        connector_url = browser.current_url
        browser.get(connector_url.replace("/salesforce", "/participants"))
        wait(browser, EC.visibility_of_element_located((By.ID, "sync-banner")))
        banner = text_of(browser, "sync-banner")
        assert "no longer accepts Roster's connection" in banner and "changes wait" in banner, banner
        shoot("banner-connection-lost")
        browser.get(connector_url)
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#connector[aria-busy="false"]')))
        log_in_through_the_popup(browser, demo, "login-again")
        wait(browser, EC.invisibility_of_element_located((By.ID, "connection-alert")))
        shoot("connected-again", browser.find_element(By.ID, "connection-status"))
        browser.get(connector_url.replace("/salesforce", "/participants"))
        wait(browser, EC.presence_of_element_located((By.ID, "grid-count")))
        assert not browser.find_elements(By.ID, "sync-banner"), "connected again: no banner"
        browser.get(connector_url)
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#connector[aria-busy="false"]')))
        # Connected, with people Salesforce does not have yet: the screen offers to send them.
        offer = wait(browser, EC.visibility_of_element_located((By.ID, "unsynced-offer")))
        assert offer.text.startswith("300 participants have data Salesforce does not have yet"), offer.text
        shoot("unsynced-offer", offer)

        # Force sync: the progress bar reaches 100%, with counters and per-person results.
        browser.find_element(By.ID, "force-sync").click()
        # It asks first, with how many people and about how many API calls.
        question = wait(browser, EC.alert_is_present())
        assert question.text.startswith("Sync all 300 people into the campaign now? About ") and "API calls" in question.text, question.text
        question.accept()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "sync-percent"), "100%"), seconds=120)
        wait(browser, EC.text_to_be_present_in_element((By.ID, "sync-state"), "Done"), seconds=60)
        assert text_of(browser, "counter-processed") == "300 / 300"
        assert int(text_of(browser, "counter-failed")) == 0
        wait(browser, EC.visibility_of_element_located((By.ID, "sync-results")))
        # Every person's lines, a page at a time: none is left out without a word.
        shown, _, rest = text_of(browser, "sync-results-count").partition(" of ")
        total = int(rest.split(" ")[0])
        assert int(shown) == 200 and total >= 600, text_of(browser, "sync-results-count")  # a person and a member each
        browser.find_element(By.ID, "sync-results-more").click()
        wait(browser, lambda b: text_of(b, "sync-results-count").startswith("400 of "))
        assert len(browser.find_elements(By.CSS_SELECTOR, "#sync-results tbody tr")) == 400
        # Who started the run and how long it took; each line links to the person and the record in the org.
        meta = text_of(browser, "sync-run-meta")
        assert meta.startswith(f"Started by {email}") and "took" in meta, meta
        record = browser.find_element(By.CSS_SELECTOR, "#sync-results tbody tr a.record-link")
        assert record.get_attribute("href").startswith(demo["sandbox_url"] + "/") and record.get_attribute("target") == "_blank"
        # Every line as a CSV file, with the page's session.
        session = requests.Session()
        for cookie in browser.get_cookies():
            session.cookies.set(cookie["name"], cookie["value"])
        lines = session.get(browser.find_element(By.ID, "sync-results-csv").get_attribute("href")).text.splitlines()
        assert lines[0] == "at,email,participantId,operation,object,recordId,outcome,error" and len(lines) == 1 + total, len(lines)
        wait(browser, EC.invisibility_of_element_located((By.ID, "unsynced-offer")))
        shoot("sync-done", browser.find_element(By.ID, "sync-progress"))

        # The grid, filtered on the sync date being set, shows the count.
        browser.find_element(By.ID, "nav-participants").click()
        Select(wait(browser, EC.presence_of_element_located((By.ID, "synced-filter")))).select_by_value("set")
        wait(browser, EC.text_to_be_present_in_element((By.ID, "grid-count"), "300 participants with a Salesforce sync date"))
        shoot("grid-synced")

        # Check someone in from the grid.
        participant_id = browser.find_element(By.CSS_SELECTOR, "#participants tbody tr:has(button.check-in)").get_attribute("data-participant")
        click(browser, f'tr[data-participant="{participant_id}"] button.check-in')
        wait(browser, lambda b: text_at(b, f'tr[data-participant="{participant_id}"] td.attended').startswith("Yes"))
        shoot("checked-in")
        event_id = browser.current_url.split("/events/")[1].split("/")[0]
        person = requests.get(f"{base}/api/v1/events/{event_id}/participants/{participant_id}",
                              headers={"Authorization": f"Bearer {demo['token']}"}).json()
        assert person["hasAttended"] is True
        # The check-in's time beside it, in the browser's zone (the element keeps the UTC instant).
        shown = browser.find_element(By.CSS_SELECTOR, f'tr[data-participant="{participant_id}"] td.attended time.checked-in-at')
        assert shown.get_attribute("datetime") == person["checkedInAt"] and shown.text.strip()

        # An empty import file to fill in: every built-in column, then the event's fields.
        template = browser.find_element(By.ID, "import-template").get_attribute("href")
        assert template.startswith("data:text/csv")
        header = urllib.parse.unquote(template.split(",", 1)[1]).splitlines()[0]
        assert header.startswith("email,firstName,lastName,company,jobTitle,isRegistered,hasAttended,allowNetworking,"), header

        # Import a spreadsheet as Excel saves it in France (Windows-1252, ';', French headers, a
        # column of its own) through the preview: the accents intact, each column's reading shown
        # and changeable, the bad row reported with its spreadsheet row number, no green summary.
        with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as csv:
            csv.write("Adresse e-mail;Prénom;Nom;Société;Remarques\r\n"
                      "andre.legrand@example.com;André;Legrand;Crédit Mutuel;Végétarien\r\n"
                      "not-an-email;Bad;Row;;\r\n".encode("cp1252"))
        browser.find_element(By.ID, "import-file").send_keys(csv.name)
        browser.find_element(By.ID, "import-submit").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "import-counts"), "2 rows: 1 new, 0 updates, 1 refused."))
        assert text_of(browser, "import-format") == "CSV file read as windows-1252, columns separated by semicolons."
        choices = browser.execute_script("return [...document.querySelectorAll('#import-columns select')].map((s) => s.value)")
        assert choices == ["email", "firstName", "lastName", "company", ""], choices
        rows = text_of(browser, "import-rows")
        assert "André" in rows and "Legrand" in rows and "�" not in rows, rows
        assert "not-an-email" in rows and "Refused" in rows
        assert people(base, demo, event_id, "andre.legrand@example.com") == [], "a preview stores nothing"
        # The organiser says where the column of its own goes: the preview is read again.
        Select(browser.find_element(By.ID, "import-column-4")).select_by_value("jobTitle")
        wait(browser, lambda b: "Végétarien" in text_at(b, "#import-columns tbody tr:nth-child(5)"))
        shoot("import-preview", browser.find_element(By.ID, "import-preview"))
        assert browser.find_element(By.ID, "import-confirm").text == "Import (1)"
        browser.find_element(By.ID, "import-confirm").click()
        summary = wait(browser, EC.visibility_of_element_located((By.ID, "import-summary")))
        assert summary.text == "1 created, 0 updated, 1 rejected."
        assert "ok-text" not in summary.get_attribute("class"), "a summary with rejections is never green"
        # The bad row is the spreadsheet's row 3 (the header is row 1).
        assert text_of(browser, "import-rejected").startswith("Row 3:")
        [andre] = people(base, demo, event_id, "andre.legrand@example.com")
        assert (andre["firstName"], andre["company"], andre["jobTitle"]) == ("André", "Crédit Mutuel", "Végétarien")
        browser.find_element(By.CSS_SELECTOR, "#import-history summary").click()
        wait(browser, lambda b: "windows-1252" in text_at(b, "#import-history-table tbody tr:first-child"))
        assert "CSV (windows-1252)" in text_at(browser, "#import-history-table tbody tr:first-child")
        shoot("import-report", browser.find_element(By.CSS_SELECTOR, "section.card:has(#import-report)"))
        os.unlink(csv.name)

        # The person's page: Salesforce Ids and what was sent for them.
        click(browser, f'tr[data-participant="{participant_id}"] td a')
        wait(browser, EC.presence_of_element_located((By.ID, "person-history")))
        assert text_of(browser, "person-attended").startswith("Yes")
        assert "Add to campaign" in text_of(browser, "person-history") and "Done" in text_of(browser, "person-history")
        assert "member_create" not in text_of(browser, "person-history"), "codes are shown as words"
        assert browser.find_elements(By.CSS_SELECTOR, ".details a[href*='/00v']"), "a link to the campaign member in the org"
        shoot("participant")

        # The sync history: the forced run and its counters, the live queue.
        browser.find_element(By.ID, "nav-history").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "section.run")))
        run = text_at(browser, "section.run")
        assert "Done" in run and "300 / 300" in run, run
        assert text_of(browser, "queue-pending").isdigit()
        shoot("sync-history")
        browser.back()
        browser.back()
        wait(browser, EC.presence_of_element_located((By.ID, "search")))

        # Someone found by full name (the box keeps the space), checked in from their own page:
        # the answer reads "Yes", not "No Yes".
        absent_id = browser.find_element(By.CSS_SELECTOR, "#participants tbody tr:has(button.check-in)").get_attribute("data-participant")
        who = requests.get(f"{base}/api/v1/events/{event_id}/participants/{absent_id}",
                           headers={"Authorization": f"Bearer {demo['token']}"}).json()
        full_name = f"{who['firstName']} {who['lastName']}"
        search = browser.find_element(By.ID, "search")
        search.clear()
        search.send_keys(full_name, Keys.ENTER)
        wait(browser, lambda b: "q=" in b.current_url)
        assert browser.find_element(By.ID, "search").get_attribute("value") == full_name
        rows = browser.execute_script("return [...document.querySelectorAll('#participants tbody tr')].map((row) => row.dataset.participant)")
        assert absent_id in rows, full_name
        shoot("search-full-name")
        click(browser, f'tr[data-participant="{absent_id}"] td a')
        wait(browser, EC.presence_of_element_located((By.ID, "person-history")))
        click(browser, "#person-attended button.check-in")
        wait(browser, lambda b: text_of(b, "person-attended").startswith("Yes"))
        assert "No" not in text_of(browser, "person-attended")
        shoot("participant-checked-in", browser.find_element(By.ID, "person-attended"))
        browser.get(f"{base}/events/{event_id}/participants?synced=set")
        wait(browser, EC.presence_of_element_located((By.ID, "grid-count")))

        # Switch to French; the choice sticks across pages.
        browser.find_element(By.ID, "lang-fr").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="fr"]')))
        assert "Date de synchronisation Salesforce" in browser.page_source
        # The filter survives the switch (301 once the live sync has sent the imported person).
        count, _, rest = text_of(browser, "grid-count").partition(" ")
        assert rest == "participants avec une date de synchronisation Salesforce" and int(count) in (300, 301)
        # Dates in French, in the browser's time zone.
        shown, expected = browser.execute_script("""
            const t = document.querySelector('#participants time[datetime]:not([data-style])');
            return [t.textContent, new Intl.DateTimeFormat('fr', {dateStyle: 'medium', timeStyle: 'medium'}).format(new Date(t.dateTime))];""")
        assert shown == expected, (shown, expected)
        # The add form marks what is required and, sent with three mistakes, says each beside
        # its field, in French, all at once.
        browser.find_element(By.CSS_SELECTOR, "#add-participant summary").click()
        assert len(browser.find_elements(By.CSS_SELECTOR, "#participant-form label.required")) >= 3
        assert text_of(browser, "participant-form-required") == words("fr")("form_required_hint")
        browser.find_element(By.ID, "pf-email").send_keys("pas-une-adresse")
        click(browser, "#participant-save")
        wait(browser, lambda b: text_of(b, "pf-lastName-error") != "")
        errors = {name: text_of(browser, f"pf-{name}-error") for name in ("email", "firstName", "lastName")}
        assert "n'est pas une adresse e-mail" in errors["email"], errors
        assert "obligatoire" in errors["firstName"] and "obligatoire" in errors["lastName"], errors
        assert all(b.get_attribute("aria-invalid") == "true" for b in browser.find_elements(By.CSS_SELECTOR, "#pf-email, #pf-firstName, #pf-lastName"))
        shoot("add-form-errors", browser.find_element(By.ID, "participant-form"))
        browser.find_element(By.CSS_SELECTOR, "#add-participant summary").click()
        # What the server says goes through the locale too: an import's preview and refused row.
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as csv:
            csv.write("email,firstName,lastName\nzoe.fr@example.com,Zoé,Français\nencore-faux,Bad,Row\n")
        browser.find_element(By.ID, "import-file").send_keys(csv.name)
        browser.find_element(By.ID, "import-submit").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "import-counts"), "2 lignes : 1 nouveau(x), 0 mise(s) à jour, 1 refusée(s)."))
        assert "Fichier CSV lu en utf-8, colonnes séparées par des virgules." == text_of(browser, "import-format")
        assert "email : « encore-faux » n'est pas une adresse e-mail" in text_of(browser, "import-rows")
        browser.find_element(By.ID, "import-confirm").click()
        wait(browser, EC.visibility_of_element_located((By.ID, "import-rejected")))
        assert text_of(browser, "import-rejected") == "Ligne 3 : email : « encore-faux » n'est pas une adresse e-mail", text_of(browser, "import-rejected")
        shoot("french-import-error")
        os.unlink(csv.name)
        browser.find_element(By.ID, "nav-salesforce").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#connector[aria-busy="false"]')))
        assert "Vérifier la configuration" in text_of(browser, "check")
        shoot("french-connector")
        # The mapping editor in French: the built-in fields' names and the problems found.
        browser.find_element(By.ID, "mapping-contact").click()
        wait(browser, lambda b: "Prénom" in text_of(b, "mapping-fields"))
        editor = browser.find_element(By.ID, "mapping-json")
        editor.clear()
        editor.send_keys('{"shoeSize": "Title"}')
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#mapping-issues li.error")))
        assert "n'est pas un champ participant de cet événement" in text_of(browser, "mapping-issues"), text_of(browser, "mapping-issues")
        shoot("french-mapping-error")
        browser.find_element(By.ID, "mapping-cancel").click()
        # A refused save outlines each control at fault, in French and in the screen's units (a percentage).
        before = client_settings(demo, event_id)
        for control, value in [("apiBudgetShare", "0"), ("batch-lead", "500")]:
            field = browser.find_element(By.ID, control)
            field.clear()
            field.send_keys(value)
        exclusions = browser.find_element(By.ID, "exclusions")
        exclusions.clear()
        exclusions.send_keys("pas-un-email")
        browser.find_element(By.ID, "save").click()
        wait(browser, lambda b: b.find_element(By.ID, "apiBudgetShare").get_attribute("aria-invalid") == "true")
        for control in ["apiBudgetShare", "batch-lead", "exclusions"]:
            assert browser.find_element(By.ID, control).get_attribute("aria-invalid") == "true", control
            assert f"{control}-check-error" in browser.find_element(By.ID, control).get_attribute("aria-describedby"), control
        assert text_of(browser, "apiBudgetShare-check-error").startswith("Saisissez un pourcentage de 1 à 100"), text_of(browser, "apiBudgetShare-check-error")
        assert text_of(browser, "exclusions-check-error") == "« pas-un-email » n'est ni un e-mail (staff@corp.com) ni un domaine (@corp.com)", text_of(browser, "exclusions-check-error")
        assert text_of(browser, "batch-lead-check-error") == "doit être de 1 à 200 enregistrements", text_of(browser, "batch-lead-check-error")
        assert text_of(browser, "save-status").startswith("Rien n'a été enregistré : 3 champs à corriger")
        shoot("french-fields-refused", browser.find_element(By.ID, "apiBudgetShare").find_element(By.XPATH, "ancestor::section"))
        assert client_settings(demo, event_id)["apiBudgetShare"] == before["apiBudgetShare"], "nothing saved"
        for control, value in [("apiBudgetShare", str(round(before["apiBudgetShare"] * 100))),
                               ("batch-lead", str((before.get("batchSize") or {}).get("lead") or 200)),
                               ("exclusions", "\n".join(before["exclusions"]))]:
            field = browser.find_element(By.ID, control)
            field.clear()
            if value:
                field.send_keys(value)
        # The check in French, on what the screen shows: a misspelt campaign.
        campaign = browser.find_element(By.ID, "campaignName")
        campaign.clear()
        campaign.send_keys("Roster Demo Sumit")
        browser.find_element(By.ID, "check").click()
        error = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#check-errors li.error[data-code="campaign_not_found"]')))
        assert error.text.startswith("Aucune campagne Salesforce ne s'appelle « Roster Demo Sumit »"), error.text
        assert "Vouliez-vous dire Roster Demo Summit ?" in error.text, error.text
        shoot("french-check", error)
        # Saving another campaign for an event already synced says what becomes of its members; declined, nothing is saved.
        browser.find_element(By.ID, "save").click()
        question = wait(browser, EC.alert_is_present())
        assert question.text.startswith("Utiliser « Roster Demo Sumit » au lieu de « Roster Demo Summit » ?"), question.text
        question.dismiss()
        assert client_settings(demo, event_id)["campaignName"] == "Roster Demo Summit"
        campaign.clear()
        campaign.send_keys("Roster Demo Summit")
        browser.find_element(By.ID, "save").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "save-status"), "Enregistré."))

        # Readable on a phone.
        browser.set_window_size(390, 844)
        browser.get(f"{base}/events/{event_id}/participants")
        wait(browser, EC.presence_of_element_located((By.ID, "grid-count")))
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")
        shoot("phone-grid")
    except Exception:
        shoot("failure")
        raise


def client_settings(demo, event_id):
    """The event's connector settings as stored."""
    return api_client(demo).get(f"{demo['url']}/api/v1/events/{event_id}/connectors/salesforce").json()


def words(language):
    """The back office's words in `language`, from the tables the server bundles:
    `say("grid_page_of", page=1, count=7)` is what the page shows."""
    table = json.loads((ROOT / "Sources" / "RosterWeb" / "Strings" / f"{language}.json").read_text())

    def say(key, **values):
        text = table[key]
        for name, value in values.items():
            text = text.replace("{" + name + "}", str(value))
        return text
    return say


def api_client(demo):
    """The REST API as a script (or another organiser's screen) uses it, beside the browser."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {demo['token']}"
    return session


def first_event(demo, client):
    """The demo event (the events page may list others made by these tests)."""
    events = client.get(f"{demo['url']}/api/v1/events").json()["items"]
    return next(event["id"] for event in events if event["name"] == "Roster Demo Summit")


def absent_people(demo, client, event_id, count):
    """`count` people not checked in, as the API lists them (all synced by the journey)."""
    people = client.get(f"{demo['url']}/api/v1/events/{event_id}/participants?limit=200").json()["items"]
    return [person for person in people if not person["hasAttended"]][:count]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_screens_that_follow_the_data(demo, browser, shoot, language):
    """Continues the journey (signed in, connected, synced), in English then in French: the
    participant page, the grid and the history change by themselves when the data does, dates
    are in the browser's time, and the organiser's actions on participants work."""
    browser.set_window_size(1366, 900)
    base, client = demo["url"], api_client(demo)
    event_id = first_event(demo, client)
    browser.get(f"{base}/events")
    browser.find_element(By.ID, f"lang-{language}").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f'html[lang="{language}"]')))
    say = words(language)
    shoot = functools.partial(lambda take, name, element=None: take(f"{name}-{language}", element), shoot)
    try:
        # A person's page: a check-in made elsewhere shows without a reload, then Salesforce's
        # answer (a new line in the history).
        person = absent_people(demo, client, event_id, 1)[0]
        browser.get(f"{base}/events/{event_id}/participants/{person['id']}")
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#person-attended button.check-in")))
        lines = len(browser.find_elements(By.CSS_SELECTOR, "#person-history tbody tr"))
        browser.execute_script("document.body.dataset.marker = 'not reloaded'")
        client.patch(f"{base}/api/v1/events/{event_id}/participants/{person['id']}", json={"hasAttended": True}).raise_for_status()
        wait(browser, lambda b: text_of(b, "person-attended").startswith(say("yes")))
        wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#person-history tbody tr")) > lines, seconds=30)
        assert browser.execute_script("return document.body.dataset.marker") == "not reloaded"
        # Dates in the browser's time zone and words, the server's UTC kept as the tooltip.
        shown, utc = browser.execute_script("const t = document.querySelector('#person-synced-at time'); return [t.textContent, t.title]")
        assert not shown.endswith("UTC") and utc.endswith("UTC"), (shown, utc)
        shoot("live-participant-page", browser.find_element(By.ID, "person-history"))

        # Undo a check-in made by mistake.
        click(browser, "#person-attended button.undo-check-in")
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#person-attended button.check-in")))
        assert client.get(f"{base}/api/v1/events/{event_id}/participants/{person['id']}").json()["hasAttended"] is False
        shoot("check-in-undone", browser.find_element(By.ID, "person-attended"))

        # Edit the person: a wrong email is refused beside its field, a company change is saved.
        browser.find_element(By.CSS_SELECTOR, "#edit-participant summary").click()
        email = browser.find_element(By.ID, "pf-email")
        email.clear()
        email.send_keys("not-an-email")
        browser.find_element(By.ID, "participant-save").click()
        wait(browser, lambda b: email.get_attribute("aria-invalid") == "true")
        expected = {"en": "'not-an-email' is not an email address", "fr": "« not-an-email » n'est pas une adresse e-mail"}[language]
        assert text_of(browser, "pf-email-error") == expected, "the message is beside the email field, in the page's language"
        shoot("edit-refused", email)
        email.clear()
        email.send_keys(person["email"])
        assert text_of(browser, "pf-email-error") == "" and email.get_attribute("aria-invalid") is None, "no stale message"
        company = browser.find_element(By.ID, "pf-company")
        company.clear()
        company.send_keys("Edited Company Ltd")
        Select(browser.find_element(By.ID, "pf-diet")).select_by_value("Vegan")
        browser.find_element(By.ID, "participant-save").click()
        wait(browser, lambda b: "Edited Company Ltd" in text_of(b, "person-details"))
        saved = client.get(f"{base}/api/v1/events/{event_id}/participants/{person['id']}").json()
        assert saved["company"] == "Edited Company Ltd" and saved["fields"]["diet"] == "Vegan" and saved["email"] == person["email"]
        shoot("participant-edited", browser.find_element(By.ID, "person-details"))

        # The grid: a row changes by itself when someone is checked in elsewhere. (Set-up: the
        # first page's first five people are not checked in, whatever the tests before did.)
        first_page = client.get(f"{base}/api/v1/events/{event_id}/participants?limit=50").json()["items"]
        for someone in first_page[:5]:
            client.patch(f"{base}/api/v1/events/{event_id}/participants/{someone['id']}", json={"hasAttended": False}).raise_for_status()
        browser.get(f"{base}/events/{event_id}/participants")
        wait(browser, EC.presence_of_element_located((By.ID, "grid-count")))
        row_id = browser.find_element(By.CSS_SELECTOR, "#participants tbody tr:has(button.check-in)").get_attribute("data-participant")
        client.patch(f"{base}/api/v1/events/{event_id}/participants/{row_id}", json={"hasAttended": True}).raise_for_status()
        wait(browser, lambda b: text_at(b, f'tr[data-participant="{row_id}"] td.attended').startswith(say("yes")))
        shoot("live-grid-row")

        # Salesforce out of reach: within moments every page says since when, that Roster
        # retries, and what waits, in the page's language and the reader's time; gone once
        # Salesforce answers again.
        sandbox = demo["sandbox_url"]
        requests.post(f"{sandbox}/__sandbox/faults", json={"rate": 1, "kinds": ["serverUnavailable"]}).raise_for_status()
        try:
            client.patch(f"{base}/api/v1/events/{event_id}/participants/{row_id}", json={"hasAttended": False}).raise_for_status()
            banner = wait(browser, EC.visibility_of_element_located((By.CSS_SELECTOR, '#sync-banner[data-state="unreachable"]')), seconds=20)
            since = banner.find_element(By.TAG_NAME, "time")
            shown, utc = since.text, since.get_attribute("title")
            assert shown and not shown.endswith("UTC") and utc.endswith("UTC"), (shown, utc)
            before = say("banner_unreachable").split("{since}")[0]
            assert banner.text.startswith(before.strip()) and "SERVER_UNAVAILABLE" in banner.text, banner.text
            assert say("banner_unreachable", count=1).split("—")[1].strip() in banner.text, banner.text
            shoot("banner-unreachable", banner)
        finally:
            requests.post(f"{sandbox}/__sandbox/faults", json={"rate": 0, "kinds": []}).raise_for_status()
        wait(browser, lambda b: not b.find_elements(By.ID, "sync-banner"), seconds=30)

        # Several people checked in at once.
        chosen = browser.execute_script(
            "return [...document.querySelectorAll('#participants tbody tr:has(button.check-in) input.select-row')].slice(0, 3).map((box) => box.value)")
        for chosen_id in chosen:
            click(browser, f'input.select-row[value="{chosen_id}"]')
        assert text_of(browser, "bulk-check-in") == say("grid_bulk_check_in_count", count=3)
        browser.find_element(By.ID, "bulk-check-in").click()
        question = wait(browser, EC.alert_is_present())
        assert question.text == say("grid_bulk_confirm", count=3), question.text
        question.accept()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "bulk-status"), say("grid_bulk_done", count=3)))
        for chosen_id in chosen:
            assert client.get(f"{base}/api/v1/events/{event_id}/participants/{chosen_id}").json()["hasAttended"] is True
        shoot("bulk-check-in", browser.find_element(By.ID, "bulk-bar"))

        # The state filter: each state with how many people hold it; choosing one lists only them.
        options = browser.execute_script("return [...document.querySelectorAll('#state-filter option')].map((o) => [o.value, o.textContent])")
        counts = {value: int(text.rsplit("(", 1)[1].rstrip(")")) for value, text in options if value}
        assert set(counts) == {"synced", "pending", "excluded", "error", "notSynced"} and counts["synced"] > 0, options
        Select(browser.find_element(By.ID, "state-filter")).select_by_value("synced")
        wait(browser, lambda b: "state=synced" in b.current_url)
        # (The same page counts both; people keep syncing meanwhile.)
        chosen = browser.execute_script("return document.querySelector('#state-filter option:checked').textContent")
        assert int(browser.find_element(By.ID, "grid-count").get_attribute("data-total")) == int(chosen.rsplit("(", 1)[1].rstrip(")")), chosen
        shoot("grid-state-filter", browser.find_element(By.ID, "grid-filters"))
        browser.get(f"{base}/events/{event_id}/participants")
        wait(browser, EC.presence_of_element_located((By.ID, "grid-count")))

        # Pages: a count of pages, next, and back.
        total = int(browser.find_element(By.ID, "grid-count").get_attribute("data-total"))
        pages = (total + 49) // 50
        assert text_of(browser, "page-of") == say("grid_page_of", page=1, count=pages)
        first_row = browser.execute_script("return document.querySelector('#participants tbody tr').dataset.participant")
        browser.find_element(By.ID, "next-page").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "page-of"), say("grid_page_of", page=2, count=pages)))
        browser.find_element(By.ID, "next-page").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "page-of"), say("grid_page_of", page=3, count=pages)))
        shoot("grid-page-3")
        browser.find_element(By.ID, "previous-page").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "page-of"), say("grid_page_of", page=2, count=pages)))
        browser.find_element(By.ID, "previous-page").click()
        wait(browser, EC.text_to_be_present_in_element((By.ID, "page-of"), say("grid_page_of", page=1, count=pages)))
        assert browser.execute_script("return document.querySelector('#participants tbody tr').dataset.participant") == first_row

        # The event's own fields as columns, as the organiser picks them.
        browser.find_element(By.CSS_SELECTOR, "#columns-chooser summary").click()
        browser.find_element(By.CSS_SELECTOR, 'input.column-choice[value="diet"]').click()
        browser.find_element(By.CSS_SELECTOR, 'input.column-choice[value="tshirt"]').click()
        browser.find_element(By.ID, "columns-apply").click()
        wait(browser, lambda b: "cols=" in b.current_url)
        headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#participants thead th.field-column")]
        assert headers == ["T-shirt size", "Diet"], headers  # the event's own labels, in any language
        values = set(browser.execute_script("return [...document.querySelectorAll('#participants tbody td.field-column')].map((cell) => cell.textContent)"))
        assert values & {"S", "M", "L", "XL"} and values & {"None", "Vegetarian", "Vegan"}, values
        shoot("grid-field-columns")

        # Add someone from the grid: their page opens, and the grid's count follows.
        browser.find_element(By.CSS_SELECTOR, "#add-participant summary").click()
        browser.find_element(By.ID, "pf-email").send_keys(f"walk.in.{language}@example.com")
        browser.find_element(By.ID, "pf-firstName").send_keys("Walk")
        browser.find_element(By.ID, "pf-lastName").send_keys("In")
        Select(browser.find_element(By.ID, "pf-tshirt")).select_by_value("M")
        shoot("add-participant", browser.find_element(By.ID, "participant-save"))
        browser.find_element(By.ID, "participant-save").click()
        wait(browser, lambda b: "/participants/" in b.current_url and b.find_elements(By.ID, "person-email"))
        assert text_of(browser, "person-email") == f"walk.in.{language}@example.com"
        browser.get(f"{base}/events/{event_id}/participants")
        assert int(wait(browser, EC.presence_of_element_located((By.ID, "grid-count"))).get_attribute("data-total")) == total + 1

        # The history: the queue and the runs follow the sync without a reload.
        browser.get(f"{base}/events/{event_id}/salesforce/history")
        runs = len(browser.find_elements(By.CSS_SELECTOR, "section.run"))
        client.post(f"{base}/api/v1/events/{event_id}/connectors/salesforce/sync", json={"dryRun": True}).raise_for_status()
        wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, "section.run")) == runs + 1, seconds=30)
        wait(browser, lambda b: say("run_succeeded") in text_at(b, "#dry-runs section.run"), seconds=60)
        # Previews are listed apart from the runs that wrote to Salesforce, with who asked for them.
        assert say("history_dry_run") in text_at(browser, "#dry-runs section.run")
        assert say("run_started_by", who="demo") in text_at(browser, "#dry-runs section.run")
        assert say("history_dry_run") not in text_at(browser, "#runs > section.run")
        shoot("live-history", browser.find_element(By.ID, "dry-runs"))
    except Exception:
        shoot("failure-live")
        raise


def test_creating_an_event(demo, browser, shoot):
    """An event with its own fields, made on the events page (no REST call by hand)."""
    base, client = demo["url"], api_client(demo)
    try:
        browser.get(f"{base}/events")
        browser.find_element(By.ID, "lang-en").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="en"]')))
        browser.find_element(By.CSS_SELECTOR, "#new-event summary").click()
        browser.find_element(By.ID, "create-event").click()
        wait(browser, lambda b: b.find_element(By.ID, "event-name").get_attribute("aria-invalid") == "true")
        assert "name" in text_of(browser, "event-name-error")
        browser.find_element(By.ID, "event-name").send_keys("Spring Forum")
        assert text_of(browser, "event-name-error") == "", "no stale message once the name is typed"
        browser.find_element(By.ID, "add-event-field").click()
        row = browser.find_elements(By.CSS_SELECTOR, "#event-fields tbody tr")[-1]
        row.find_element(By.CSS_SELECTOR, ".field-label").send_keys("Dietary needs")
        assert row.find_element(By.CSS_SELECTOR, ".field-code").get_attribute("value") == "dietaryNeeds"
        Select(row.find_element(By.CSS_SELECTOR, ".field-type")).select_by_value("selectList")
        row.find_element(By.CSS_SELECTOR, ".field-options").send_keys("None; Vegan; Gluten-free")
        shoot("new-event", browser.find_element(By.ID, "create-event"))
        browser.find_element(By.ID, "create-event").click()
        wait(browser, EC.presence_of_element_located((By.ID, "event-counts")))
        assert browser.find_element(By.TAG_NAME, "h1").text == "Spring Forum"
        event_id = browser.current_url.rstrip("/").split("/")[-1]
        made = client.get(f"{base}/api/v1/events/{event_id}").json()
        assert made["fields"] == [{"code": "dietaryNeeds", "label": "Dietary needs", "type": "selectList",
                                   "options": ["None", "Vegan", "Gluten-free"], "required": False}], made["fields"]
        shoot("event-created")
    except Exception:
        shoot("failure-event")
        raise


def test_a_registration_tool_by_webhook(demo, browser, shoot):
    """An organiser connects a registration tool on the event's Registration tools tab: a preset
    fills the field map, the secret is shown once; a delivery signed by the Standard Webhooks
    reference library adds the person; a tampered one is refused; both appear in the list."""
    base, client = demo["url"], api_client(demo)
    try:
        event_id = first_event(demo, client)
        browser.get(f"{base}/events/{event_id}/participants")
        browser.find_element(By.ID, "lang-en").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, 'html[lang="en"]')))
        browser.find_element(By.ID, "nav-webhooks").click()
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#webhook-list[aria-busy="false"]')))
        Select(browser.find_element(By.ID, "webhook-preset")).select_by_value("tito")
        assert json.loads(browser.find_element(By.ID, "webhook-map").get_attribute("value"))["company"] == "/company_name"
        name = browser.find_element(By.ID, "webhook-name")
        name.clear()
        name.send_keys("Tito tickets")
        browser.find_element(By.ID, "webhook-create").click()
        wait(browser, EC.visibility_of_element_located((By.ID, "webhook-secret")))
        secret = text_of(browser, "webhook-secret-value")
        url = text_of(browser, "webhook-url-value")
        assert secret.startswith("whsec_") and url.startswith(f"{base}/hooks/")
        shoot("webhook-created", browser.find_element(By.ID, "webhook-secret"))
        assert secret not in client.get(f"{base}/api/v1/events/{event_id}/webhooks").text, "the secret is shown once"

        from standardwebhooks import Webhook
        ticket = {"email": "grace.tito@example.com", "first_name": "Grâce", "last_name": "Ticket", "company_name": "Tito Ltd"}
        now = datetime.datetime.now(tz=datetime.timezone.utc)
        body = json.dumps(ticket)
        headers = {"webhook-id": "msg_browser_1", "webhook-timestamp": str(int(now.timestamp())), "content-type": "application/json",
                   "webhook-signature": Webhook(secret).sign("msg_browser_1", now, body)}
        assert requests.post(url, data=body.encode(), headers=headers).status_code == 200
        tampered = requests.post(url, data=body.replace("Tito Ltd", "Evil Ltd").encode(), headers=dict(headers, **{"webhook-id": "msg_browser_2"}))
        assert tampered.status_code == 401
        wait(browser, lambda b: len(b.find_elements(By.CSS_SELECTOR, ".webhook .deliveries tbody tr")) == 2)
        rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, ".webhook .deliveries tbody tr")]
        assert "Refused" in rows[0] and "no signature in webhook-signature matches" in rows[0], rows
        assert "Accepted" in rows[1] and "1 new, 0 updated, 0 refused" in rows[1], rows
        shoot("webhook-deliveries", browser.find_element(By.CSS_SELECTOR, ".webhook"))
        people = client.get(f"{base}/api/v1/events/{event_id}/participants", params={"q": "grace.tito"}).json()["items"]
        assert [(p["firstName"], p["company"]) for p in people] == [("Grâce", "Tito Ltd")]
    except Exception:
        shoot("failure-webhook")
        raise


@pytest.mark.parametrize("language", ["en", "fr"])
def test_on_a_phone(demo, browser, shoot, language):
    """At 390 px, in English and in French, every action is reachable without scrolling the page
    sideways: tables scroll inside themselves, Check-in comes first, the mapping dialog's Save
    is in view."""
    base, client = demo["url"], api_client(demo)
    event_id = first_event(demo, client)
    browser.set_window_size(390, 844)
    browser.get(f"{base}/events")
    browser.find_element(By.ID, f"lang-{language}").click()
    wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f'html[lang="{language}"]')))
    shoot = functools.partial(lambda take, name, element=None: take(f"{name}-{language}", element), shoot)
    try:
        def fits():
            return browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")

        def in_view(element):
            return browser.execute_script(
                "const r = arguments[0].getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 1",
                element)

        # Someone not checked in yet, found as the desk would (the first page may be all checked in
        # by the tests before this one).
        person = absent_people(demo, client, event_id, 1)[0]
        browser.get(f"{base}/events/{event_id}/participants?q={urllib.parse.quote(person['email'])}")
        button = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, f'tr[data-participant="{person["id"]}"] button.check-in')))
        assert fits() and in_view(button), "Check-in reachable on the grid"
        shoot("phone-grid-check-in")
        browser.get(f"{base}/events/{event_id}/participants/{person['id']}")
        button = wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, "#person-attended button.check-in")))
        assert fits() and in_view(button)
        outcome = browser.find_elements(By.CSS_SELECTOR, "#person-history thead th")
        assert [th.is_displayed() for th in outcome[:3]] == [True, True, True], "time, operation and outcome shown"
        shoot("phone-participant")
        browser.get(f"{base}/events/{event_id}/salesforce/history")
        wait(browser, EC.presence_of_element_located((By.ID, "live-queue")))
        assert fits()
        shoot("phone-history")
        browser.get(f"{base}/events/{event_id}/salesforce")
        wait(browser, EC.presence_of_element_located((By.CSS_SELECTOR, '#connector[aria-busy="false"]')))
        assert fits()
        browser.find_element(By.ID, "mapping-contact").click()
        save = wait(browser, EC.visibility_of_element_located((By.ID, "mapping-save")))
        assert browser.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return r.bottom <= window.innerHeight && r.right <= window.innerWidth", save)
        shoot("phone-mapping-dialog")
        browser.find_element(By.ID, "mapping-cancel").click()
    except Exception:
        shoot("failure-phone")
        raise
    finally:
        browser.set_window_size(1366, 900)
