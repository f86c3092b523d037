/// Reading field values (including the ones the platform computes) and rendering rows as JSON.
extension OrgState {
    /// The value of `field` on `record`, computing formula-like standard fields (`Name`,
    /// campaign member details, campaign counts) from the rows they derive from.
    func fieldValue(_ record: StoredRecord, _ field: SObjectField) -> JSONValue {
        let key = field.name.lowercased()
        switch (record.objectKey, key) {
        case ("contact", "name"), ("lead", "name"), ("user", "name"):
            return fullName(record)
        case ("campaignmember", "type"):
            return record["contactid"] != nil ? "Contact" : "Lead"
        case ("campaignmember", "leadorcontactid"):
            return record["contactid"] ?? record["leadid"] ?? .null
        case ("campaignmember", "firstname"), ("campaignmember", "lastname"), ("campaignmember", "email"),
             ("campaignmember", "title"):
            return person(of: record)?[key] ?? .null
        case ("campaignmember", "name"):
            return person(of: record).map(fullName) ?? .null
        case ("campaignmember", "companyoraccount"):
            guard let person = person(of: record) else { return .null }
            if person.objectKey == "lead" { return person["company"] ?? .null }
            guard let accountId = person.string("accountid"), let id = SalesforceId(accountId),
                  let account = self.record(id)
            else { return .null }
            return account["name"] ?? .null
        case ("campaign", "numberofleads"), ("campaign", "numberofcontacts"), ("campaign", "numberofresponses"):
            let members = (lookup(object: "campaignmember", field: "campaignid", value: .string(record.id.value)) ?? [])
                .compactMap(self.record(_:))
            let count: Int
            switch key {
            case "numberofleads": count = members.filter { $0["contactid"] == nil }.count
            case "numberofcontacts": count = members.filter { $0["contactid"] != nil }.count
            default: count = members.filter { $0["hasresponded"] == .bool(true) }.count
            }
            return .number(Double(count))
        case (_, "id"):
            return .string(record.id.value)
        default:
            if let stored = record.values[key] { return stored }
            return field.type == .boolean ? .bool(false) : .null
        }
    }

    private func fullName(_ record: StoredRecord) -> JSONValue {
        let parts = [record.string("salutation"), record.string("firstname"), record.string("lastname")]
            .compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? .null : .string(parts.joined(separator: " "))
    }

    /// The Contact (preferred, as after a conversion) or Lead a campaign member stands for.
    private func person(of member: StoredRecord) -> StoredRecord? {
        for key in ["contactid", "leadid"] {
            if let text = member.string(key), let id = SalesforceId(text), let row = record(id) { return row }
        }
        return nil
    }

    /// `{"type": "Contact", "url": "/services/data/vXX.X/sobjects/Contact/003…"}`.
    func attributes(_ record: StoredRecord, version: String) -> JSONValue {
        let name = schemas[record.objectKey]?.name ?? record.objectKey
        return .object([
            "type": .string(name), "url": .string("/services/data/v\(version)/sobjects/\(name)/\(record.id.value)"),
        ])
    }

    /// The row as `GET /sobjects/X/id` answers: attributes, then `fields` (all when `nil`).
    func render(_ record: StoredRecord, fields: [SObjectField]? = nil, version: String) -> JSONValue {
        guard let schema = schemas[record.objectKey] else { return .null }
        var object = JSONObject()
        object.append("attributes", attributes(record, version: version))
        for field in fields ?? schema.fields {
            object.append(field.name, fieldValue(record, field))
        }
        return .object(object)
    }
}
