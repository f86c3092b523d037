/// Things an admin or a user does in the Salesforce UI that a client only notices afterwards.
extension OrgState {
    /// Converts a Lead as the "Convert" button does: creates (or reuses) an Account and a Contact,
    /// marks the Lead converted, and moves its campaign memberships to the Contact.
    mutating func convertLead(_ leadId: SalesforceId, contactId existingContact: SalesforceId?) throws(SalesforceError) -> SalesforceId {
        guard var lead = record(leadId), lead.objectKey == "lead" else { throw .notFound() }
        if lead.isDeleted { throw .entityIsDeleted() }
        if lead["isconverted"] == .bool(true) {
            throw SalesforceError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
        }
        // Converting keeps the owners it is given: no assignment rule runs.
        let context = WriteContext(allowSaveDuplicates: true, autoAssign: .none)
        let contactId: SalesforceId
        let accountId: SalesforceId
        if let existingContact {
            guard let contact = record(existingContact), contact.objectKey == "contact" else { throw .notFound() }
            contactId = existingContact
            if let account = contact.string("accountid").flatMap(SalesforceId.init) {
                accountId = account
            } else {
                accountId = try create("Account", ["Name": lead["company"] ?? "Unknown"], context: context)
            }
        } else {
            accountId = try create("Account", ["Name": lead["company"] ?? "Unknown"], context: context)
            var fields: JSONObject = ["AccountId": .string(accountId.value)]
            for name in ["FirstName", "LastName", "Salutation", "Email", "Phone", "MobilePhone", "Title", "LeadSource",
                         "Description", "HasOptedOutOfEmail"]
            {
                if let value = lead[name.lowercased()] { fields[name] = value }
            }
            contactId = try create("Contact", fields, context: context)
        }
        let today = JSONValue.string(SalesforceDate.formatDate(days: Int(clock() / 86_400_000)))
        lead["isconverted"] = true
        lead["convertedcontactid"] = .string(contactId.value)
        lead["convertedaccountid"] = .string(accountId.value)
        lead["converteddate"] = today
        lead["status"] = "Closed - Converted"
        lead["lastmodifieddate"] = .string(SalesforceDate.formatDateTime(milliseconds: clock()))
        put(lead)
        for memberId in lookup(object: "campaignmember", field: "leadid", value: .string(leadId.value)) ?? [] {
            guard var member = record(memberId), let campaign = member.string("campaignid") else { continue }
            let already = (lookup(object: "campaignmember", field: "contactid", value: .string(contactId.value)) ?? [])
                .contains { record($0)?.string("campaignid") == campaign }
            if !already {
                member["contactid"] = .string(contactId.value)
                put(member)
            }
        }
        return contactId
    }

    /// Merges duplicates into a master as Salesforce's merge does: the losers are deleted with
    /// `MasterRecordId` pointing at the master, and their campaign memberships move to it.
    mutating func merge(master masterId: SalesforceId, duplicates: [SalesforceId]) throws(SalesforceError) {
        guard let master = record(masterId), !master.isDeleted, ["account", "contact", "lead"].contains(master.objectKey)
        else { throw .notFound() }
        let memberField = master.objectKey == "contact" ? "contactid" : "leadid"
        for duplicateId in duplicates {
            guard var loser = record(duplicateId), loser.objectKey == master.objectKey, !loser.isDeleted else {
                throw SalesforceError("INVALID_ID_FIELD", "Invalid id: \(duplicateId.value)")
            }
            if master.objectKey != "account" {
                for memberId in lookup(object: "campaignmember", field: memberField, value: .string(duplicateId.value)) ?? [] {
                    guard var member = record(memberId), let campaign = member.string("campaignid") else { continue }
                    let masterIsMember = (lookup(object: "campaignmember", field: memberField, value: .string(masterId.value)) ?? [])
                        .contains { record($0)?.string("campaignid") == campaign }
                    if masterIsMember {
                        purge(memberId)
                    } else {
                        member[memberField] = .string(masterId.value)
                        put(member)
                    }
                }
            }
            loser["masterrecordid"] = .string(masterId.value)
            loser["isdeleted"] = true
            put(loser)
        }
    }
}
