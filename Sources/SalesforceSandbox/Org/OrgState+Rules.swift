/// Behaviour particular to campaigns, campaign members and leads, and the duplicate rules.
extension OrgState {
    /// Statuses every new campaign starts with, as in a new org.
    static let defaultCampaignStatuses: [(label: String, responded: Bool, isDefault: Bool)] = [
        ("Sent", false, true), ("Responded", true, false),
    ]

    mutating func applyObjectRules(to record: inout StoredRecord, previous: StoredRecord?, schema: SObjectSchema) throws(SalesforceError) {
        switch record.objectKey {
        case "campaignmember": try campaignMemberRules(&record, isCreate: previous == nil)
        case "campaignmemberstatus": try campaignMemberStatusRules(&record, previous: previous)
        default: break
        }
    }

    private func campaignMemberRules(_ member: inout StoredRecord, isCreate: Bool) throws(SalesforceError) {
        guard let campaignId = member.string("campaignid") else { return }
        let statuses = memberStatuses(ofCampaign: campaignId)
        if member["status"] == nil {
            let fallback = statuses.first(where: { $0["isdefault"] == .bool(true) }) ?? statuses.first
            member["status"] = fallback?["label"] ?? .null
        }
        if let status = member.string("status") {
            guard let match = statuses.first(where: { $0.string("label") == status }) else {
                let field = schema("CampaignMember")!.field("Status")!
                throw FieldValidation.restrictedPicklist(field, status)
            }
            let responded = match["hasresponded"] == .bool(true)
            member["hasresponded"] = .bool(responded)
            if responded, member["firstrespondeddate"] == nil {
                member["firstrespondeddate"] = .string(SalesforceDate.formatDate(days: Int(clock() / 86_400_000)))
            }
        }
        guard isCreate else { return }
        let leadId = member.string("leadid")
        let contactId = member.string("contactid")
        if leadId == nil && contactId == nil {
            throw SalesforceError("REQUIRED_FIELD_MISSING", "Required fields are missing: [ContactId, LeadId]",
                                  fields: ["ContactId", "LeadId"])
        }
        if let leadId, let lead = SalesforceId(leadId).flatMap(record(_:)), lead["isconverted"] == .bool(true) {
            throw SalesforceError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")
        }
        for (field, value) in [("leadid", leadId), ("contactid", contactId)] {
            guard let value else { continue }
            let mine = lookup(object: "campaignmember", field: field, value: .string(value)) ?? []
            let theirs = lookup(object: "campaignmember", field: "campaignid", value: .string(campaignId)) ?? []
            if !mine.isDisjoint(with: theirs) {
                throw SalesforceError("DUPLICATE_VALUE", "Already a campaign member.")
            }
        }
    }

    private mutating func campaignMemberStatusRules(_ record: inout StoredRecord, previous: StoredRecord?) throws(SalesforceError) {
        guard let campaignId = record.string("campaignid"), let label = record.string("label") else { return }
        let siblings = memberStatuses(ofCampaign: campaignId).filter { $0.id != record.id }
        if let clash = siblings.first(where: { $0.string("label")?.lowercased() == label.lowercased() }) {
            throw SalesforceError("DUPLICATE_VALUE",
                                  "duplicate value found: Label duplicates value on record with id: \(clash.id.value)",
                                  fields: ["Label"])
        }
        if record["sortorder"] == nil {
            let highest = siblings.compactMap { $0["sortorder"]?.doubleValue }.max() ?? 0
            record["sortorder"] = .number(highest + 1)
        }
        // One default per campaign: making this one the default takes it from the others.
        if record["isdefault"] == .bool(true) {
            for var sibling in siblings where sibling["isdefault"] == .bool(true) {
                sibling["isdefault"] = false
                put(sibling)
            }
        }
    }

    /// The live statuses of a campaign, by sort order.
    func memberStatuses(ofCampaign campaignId: String) -> [StoredRecord] {
        (lookup(object: "campaignmemberstatus", field: "campaignid", value: .string(campaignId)) ?? [])
            .compactMap(record(_:))
            .sorted { ($0["sortorder"]?.doubleValue ?? 0, $0.id) < ($1["sortorder"]?.doubleValue ?? 0, $1.id) }
    }

    mutating func afterCreate(_ record: StoredRecord) {
        guard record.objectKey == "campaign", let schema = schema("CampaignMemberStatus") else { return }
        for (order, status) in OrgState.defaultCampaignStatuses.enumerated() {
            var row = StoredRecord(id: newId(for: schema), objectKey: "campaignmemberstatus", values: [:])
            row["campaignid"] = .string(record.id.value)
            row["label"] = .string(status.label)
            row["sortorder"] = .number(Double(order + 1))
            row["isdefault"] = .bool(status.isDefault)
            row["hasresponded"] = .bool(status.responded)
            stamp(&row)
            put(row)
        }
    }

    private func stamp(_ row: inout StoredRecord) {
        let now = JSONValue.string(SalesforceDate.formatDateTime(milliseconds: clock()))
        for field in ["createddate", "lastmodifieddate", "systemmodstamp"] { row[field] = now }
        row["createdbyid"] = .string(adminUserId.value)
        row["lastmodifiedbyid"] = .string(adminUserId.value)
        row["isdeleted"] = false
    }

    // MARK: Duplicate rules

    /// Refuses a Lead or Contact whose email matches a live record when the object's duplicate
    /// rule is active, as the standard rules do ("Block" action), unless the client asked to save anyway.
    func checkDuplicates(_ record: StoredRecord, schema: SObjectSchema, context: WriteContext) throws(SalesforceError) {
        guard activeDuplicateRules.contains(record.objectKey), !context.allowSaveDuplicates,
              let email = record.string("email")
        else { return }
        // The standard Lead rule matches Leads and Contacts; the Contact rule matches Contacts.
        let targets = record.objectKey == "lead" ? ["lead", "contact"] : ["contact"]
        var results: [JSONValue] = []
        for target in targets {
            let ids = (lookup(object: target, field: "email", value: .string(email)) ?? [])
                .filter { $0 != record.id }
                .compactMap(self.record(_:))
                .filter { !$0.isDeleted && $0["isconverted"] != .bool(true) }
                .map(\.id).sorted()
            guard !ids.isEmpty, let targetSchema = self.schema(target) else { continue }
            let name = targetSchema.name
            results.append(.object([
                "entityType": .string(name), "errors": [], "matchEngine": "ExactMatchEngine",
                "matchRecords": .array(ids.map { id in
                    .object([
                        "additionalInformation": [], "fieldDiffs": [], "matchConfidence": 100.0,
                        "record": .object([
                            "attributes": .object([
                                "type": .string(name),
                                "url": .string("/services/data/v\(context.apiVersion)/sobjects/\(name)/\(id.value)"),
                            ]),
                            "Id": .string(id.value),
                        ]),
                    ])
                }),
                "rule": .string("Standard_\(name)_Match_Rule_v1_1"), "size": .number(Double(ids.count)),
                "success": true,
            ]))
        }
        guard !results.isEmpty else { return }
        throw SalesforceError(
            "DUPLICATES_DETECTED", "Use one of these records?",
            extra: ["duplicateResult": .object([
                "allowSave": false,
                "duplicateRule": .string("Standard_\(schema.name)_Duplicate_Rule"),
                "duplicateRuleEntityType": .string(schema.name),
                "errorMessage": "You're creating a duplicate record. We recommend you use an existing record instead.",
                "matchResults": .array(results),
            ])])
    }
}
