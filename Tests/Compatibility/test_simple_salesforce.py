"""simple-salesforce against the Roster Salesforce sandbox: the sandbox must look like a real org
to a widely used client, status codes and error shapes included."""
import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (
    SalesforceAuthenticationFailed,
    SalesforceExpiredSession,
    SalesforceMalformedRequest,
    SalesforceMoreThanOneRecord,
    SalesforceRefusedRequest,
    SalesforceResourceNotFound,
)

from conftest import LoopbackSession


def test_soap_login_with_security_token(sandbox, control):
    sf = Salesforce(username=sandbox["username"], password=sandbox["password"], security_token="",
                    session=LoopbackSession(sandbox["url"]), version="62.0")
    assert sf.query("SELECT Id, Username FROM User")["totalSize"] == 1


def test_login_failures_raise_authentication_failed(sandbox, control):
    with pytest.raises(SalesforceAuthenticationFailed):
        Salesforce(username=sandbox["username"], password="wrong", security_token="",
                   session=LoopbackSession(sandbox["url"]))
    with pytest.raises(SalesforceAuthenticationFailed) as caught:
        Salesforce(username=sandbox["username"], password="wrong", consumer_key=sandbox["consumer_key"],
                   consumer_secret=sandbox["consumer_secret"], session=LoopbackSession(sandbox["url"]))
    assert "invalid_grant" in str(caught.value)


def test_create_get_update_delete(sf):
    created = sf.Contact.create({"LastName": "Lovelace", "FirstName": "Ada", "Email": "ada@example.com"})
    assert created["success"] is True and created["id"].startswith("003")
    assert sf.Contact.get(created["id"])["Email"] == "ada@example.com"
    assert sf.Contact.update(created["id"], {"Title": "Countess"}) == 204
    assert sf.Contact.get(created["id"])["Title"] == "Countess"
    assert sf.Contact.delete(created["id"]) == 204
    with pytest.raises(SalesforceResourceNotFound):
        sf.Contact.get(created["id"])


def test_query_paging_with_query_more_and_query_all(sf, control):
    control("seed", {"records": {"Contact": [{"LastName": f"P{n}", "Email": f"p{n}@example.com"} for n in range(2500)]}})
    first = sf.query("SELECT Id, Email FROM Contact ORDER BY Email")
    assert first["totalSize"] == 2500 and first["done"] is False and len(first["records"]) == 2000
    rest = sf.query_more(first["nextRecordsUrl"], identifier_is_url=True)
    assert rest["done"] is True and len(rest["records"]) == 500
    assert len(sf.query_all("SELECT Id FROM Contact")["records"]) == 2500
    emails = ",".join(f"'P{n}@EXAMPLE.COM'" for n in range(0, 2500, 10))
    assert sf.query(f"SELECT Id FROM Contact WHERE Email IN ({emails})")["totalSize"] == 250


def test_parent_fields_in_queries(sf):
    campaign = sf.Campaign.create({"Name": "Summit"})["id"]
    contact = sf.Contact.create({"LastName": "Hopper", "Email": "grace@example.com"})["id"]
    sf.CampaignMember.create({"CampaignId": campaign, "ContactId": contact})
    rows = sf.query(f"SELECT Status, Campaign.Name, Contact.Email FROM CampaignMember WHERE CampaignId = '{campaign}'")
    record = rows["records"][0]
    assert record["Status"] == "Sent"
    assert record["Campaign"]["Name"] == "Summit"
    assert record["Contact"]["Email"] == "grace@example.com"
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.CampaignMember.create({"CampaignId": campaign, "ContactId": contact})
    assert caught.value.content[0]["errorCode"] == "DUPLICATE_VALUE"


def test_describe(sf):
    described = sf.Lead.describe()
    fields = {field["name"]: field for field in described["fields"]}
    assert described["keyPrefix"] == "00Q"
    assert fields["Company"]["nillable"] is False
    assert fields["Email"]["type"] == "email" and fields["Email"]["idLookup"] is True
    assert any(entry["name"] == "CampaignMember" for entry in sf.describe()["sobjects"])


def test_upsert_by_email_and_multiple_matches(sf):
    assert sf.Contact.upsert("Email/new@example.com", {"LastName": "New"}) == 201
    assert sf.Contact.upsert("Email/new@example.com", {"Title": "Updated"}) == 200
    sf.Contact.create({"LastName": "Twin", "Email": "NEW@example.com"})
    with pytest.raises(SalesforceMoreThanOneRecord):
        sf.Contact.upsert("Email/new@example.com", {"Title": "x"})


def test_errors_surface_as_simple_salesforce_exceptions(sf, control):
    with pytest.raises(SalesforceMalformedRequest) as missing:
        sf.Lead.create({"LastName": "NoCompany"})
    assert missing.value.content[0]["errorCode"] == "REQUIRED_FIELD_MISSING"
    with pytest.raises(SalesforceMalformedRequest) as bad_query:
        sf.query("SELECT Id FROM Contact WHERE")
    assert bad_query.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as bad_field:
        sf.query("SELECT Nope FROM Contact")
    assert bad_field.value.content[0]["errorCode"] == "INVALID_FIELD"


def test_expired_sessions(sf, sandbox, control):
    token = control("token")["access_token"]
    bare = Salesforce(instance_url=sandbox["url"], session_id=token, session=LoopbackSession(sandbox["url"]))
    assert bare.query("SELECT Id FROM Contact")["totalSize"] == 0
    control("tokens/expire")
    with pytest.raises(SalesforceExpiredSession) as caught:
        bare.query("SELECT Id FROM Contact")
    assert caught.value.content[0]["errorCode"] == "INVALID_SESSION_ID"
    # A client that logged in with a password logs in again on 401, as against a real org.
    assert sf.query("SELECT Id FROM Contact")["totalSize"] == 0


def test_api_usage_header_and_limit(sf, control):
    sf.query("SELECT Id FROM Contact")
    usage = sf.api_usage["api-usage"]
    assert usage.used == 1 and usage.total == 15000
    assert sf.limits()["DailyApiRequests"]["Remaining"] == 15000 - 2
    control("api-usage", {"used": 15000})
    with pytest.raises(SalesforceRefusedRequest):
        sf.query("SELECT Id FROM Contact")


def test_collections_and_composite_through_restful(sf, control):
    records = [{"attributes": {"type": "Contact"}, "LastName": f"C{n}", "Email": f"c{n}@example.com"} for n in range(200)]
    results = sf.restful("composite/sobjects", method="POST", json={"allOrNone": False, "records": records})
    assert len(results) == 200 and all(result["success"] for result in results)
    rolled_back = sf.restful("composite/sobjects", method="POST", json={"allOrNone": True, "records": [
        {"attributes": {"type": "Contact"}, "LastName": "Fine"},
        {"attributes": {"type": "Contact"}, "LastName": "Broken", "Email": "not-an-email"}]})
    assert rolled_back[0]["errors"][0]["statusCode"] == "ALL_OR_NONE_OPERATION_ROLLED_BACK"
    assert rolled_back[1]["errors"][0]["statusCode"] == "INVALID_EMAIL_ADDRESS"
    composite = sf.restful("composite", method="POST", json={"allOrNone": True, "compositeRequest": [
        {"method": "POST", "url": "/services/data/v62.0/sobjects/Campaign", "referenceId": "camp", "body": {"Name": "Composite"}},
        {"method": "POST", "url": "/services/data/v62.0/sobjects/Lead", "referenceId": "lead",
         "body": {"LastName": "L", "Company": "C"}},
        {"method": "POST", "url": "/services/data/v62.0/sobjects/CampaignMember", "referenceId": "member",
         "body": {"CampaignId": "@{camp.id}", "LeadId": "@{lead.id}"}},
    ]})
    assert [entry["httpStatusCode"] for entry in composite["compositeResponse"]] == [201, 201, 201]
    calls = control("calls", method="GET")
    assert calls["apiCalls"] == 3


def test_duplicate_rule_and_allow_save_header(sf, control):
    sf.Lead.create({"LastName": "A", "Company": "C", "Email": "dup@example.com"})
    control("duplicate-rules", {"object": "Lead", "active": True})
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.create({"LastName": "B", "Company": "C", "Email": "dup@example.com"})
    assert caught.value.content[0]["errorCode"] == "DUPLICATES_DETECTED"
    saved = sf.Lead.create({"LastName": "B", "Company": "C", "Email": "dup@example.com"},
                           headers={"Sforce-Duplicate-Rule-Header": "allowSave=true"})
    assert saved["success"] is True


def test_converted_lead_behind_the_clients_back(sf, control):
    lead = sf.Lead.create({"LastName": "Turing", "Company": "Bletchley", "Email": "alan@example.com"})["id"]
    contact = control(f"leads/{lead}/convert")["contactId"]
    converted = sf.Lead.get(lead)
    assert converted["IsConverted"] is True and converted["ConvertedContactId"] == contact
    with pytest.raises(SalesforceMalformedRequest) as caught:
        sf.Lead.update(lead, {"Title": "x"})
    assert caught.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_server_faults(sf, control):
    control("faults", {"next": ["serverUnavailable"]})
    with pytest.raises(Exception) as caught:
        sf.query("SELECT Id FROM Contact")
    assert "503" in str(caught.value) or "SERVER_UNAVAILABLE" in str(caught.value)
    control("faults", {"next": ["dropAfterCommit"]})
    with pytest.raises(requests.exceptions.RequestException):
        sf.Contact.create({"LastName": "Committed"})
    assert sf.query("SELECT Id FROM Contact WHERE LastName = 'Committed'")["totalSize"] == 1
