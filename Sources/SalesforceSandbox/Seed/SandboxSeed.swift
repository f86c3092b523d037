#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Seed documents: custom fields, campaigns with their member statuses, and records.
///
/// ```json
/// {
///   "customFields": [
///     {"object": "Contact", "name": "Roster_Id__c", "type": "string", "length": 64,
///      "externalId": true, "unique": true, "label": "Roster Id"},
///     {"object": "Contact", "name": "Diet__c", "type": "picklist",
///      "values": ["None", "Vegetarian", "Vegan"], "restricted": true},
///     {"object": "Contact", "name": "Bio__c", "type": "textarea", "length": 32768,
///      "extraTypeInfo": "richtextarea", "htmlFormatted": true},
///     {"object": "Lead", "name": "Badge__c", "type": "string", "autoNumber": true},
///     {"object": "Lead", "name": "Full__c", "type": "string", "calculated": true,
///      "formula": "FirstName & ' ' & LastName"}
///   ],
///   "campaigns": [
///     {"Name": "Paris Summit", "IsActive": true,
///      "statuses": [{"label": "Registered", "default": true}, {"label": "Attended", "responded": true}]}
///   ],
///   "records": {
///     "Contact": [{"FirstName": "Ada", "LastName": "Lovelace", "Email": "ada@example.com"}],
///     "Lead": [{"LastName": "Hopper", "Company": "Navy", "Email": "grace@example.com"}]
///   },
///   "duplicateRules": ["Lead", "Contact"],
///   "users": [{"Username": "rep@acme.example", "LastName": "Rep", "Email": "rep@acme.example"}],
///   "assignmentRules": [{"Name": "Event leads", "SobjectType": "Lead", "Active": true,
///                        "AssigneeUsername": "rep@acme.example"}]
/// }
/// ```
///
/// Field specs take `type` (a describe type: string, textarea, email, phone, url, picklist,
/// multipicklist, double, int, currency, percent, date, datetime, time, boolean, reference,
/// location, encryptedstring), and optionally `label`, `length`, `precision`, `scale`,
/// `required`, `externalId`, `unique`, `idLookup`, `values`, `restricted`, `referenceTo`,
/// `relationshipName`, `extraTypeInfo`, `htmlFormatted`, `autoNumber`, `calculated`, `formula`,
/// `rollup` (a roll-up summary: calculated, read-only), `createable`, `updateable`.
/// Campaign `statuses` replace the default "Sent"/"Responded" pair. Users come first (records
/// may name them as `OwnerId`); records are created in the order objects appear, with the checks
/// of the REST API; assignment rules come last, so seeded records keep the owners they name.
public enum SandboxSeed {
    /// Reads and parses a seed file.
    public static func read(path: String) throws -> JSONValue {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            return try JSONParser.parse(Array(data))
        } catch {
            throw SalesforceError.jsonParser("\(path): \(error.message)")
        }
    }

    /// Applies a seed document to `org`.
    public static func apply(_ document: JSONValue, to org: SandboxOrg) throws {
        for spec in document["customFields"]?.arrayValue ?? [] {
            guard let object = spec["object"]?.stringValue else {
                throw SalesforceError("INVALID_FIELD", "customFields entries need an object")
            }
            try org.addField(try field(from: spec), to: object)
        }
        if let raw = document["snapshot"]?.objectValue {
            try SandboxPersistence.restore(raw, into: org)
        }
        for campaign in document["campaigns"]?.arrayValue ?? [] {
            guard var fields = campaign.objectValue else { continue }
            let statuses = fields["statuses"]?.arrayValue
            fields["statuses"] = nil
            let id = try org.create("Campaign", fields)
            if let statuses {
                let defaults = try org.query("SELECT Id FROM CampaignMemberStatus WHERE CampaignId = '\(id)'")
                for (order, status) in statuses.enumerated() {
                    try org.create("CampaignMemberStatus", [
                        "CampaignId": .string(id), "Label": status["label"] ?? .null,
                        "IsDefault": .bool(status["default"]?.boolValue ?? false),
                        "HasResponded": .bool(status["responded"]?.boolValue ?? false),
                        "SortOrder": .number(Double(order + 10)),
                    ])
                }
                for row in defaults { if let old = row["Id"]?.stringValue { try org.delete(old) } }
            }
        }
        for user in document["users"]?.arrayValue ?? [] {
            guard let username = user["Username"]?.stringValue else { throw SalesforceError("REQUIRED_FIELD_MISSING", "users entries need a Username") }
            _ = org.storage.write { $0.addUser(username: username, lastName: user["LastName"]?.stringValue ?? username,
                                               email: user["Email"]?.stringValue ?? username) }
        }
        func user(_ username: String, for what: String) throws -> SalesforceId {
            guard let id = try org.query("SELECT Id FROM User WHERE Username = '\(username)'").first?["Id"]?.stringValue.flatMap(SalesforceId.init) else {
                throw SalesforceError("INVALID_CROSS_REFERENCE_KEY", "no user '\(username)' for \(what)")
            }
            return id
        }
        for (object, rows) in document["records"]?.objectValue ?? [:] {
            // A seed may name a record's owner by username (`OwnerUsername`) instead of `OwnerId`.
            let records = try (rows.arrayValue ?? []).compactMap(\.objectValue).map { row throws in
                var row = row
                if let username = row["OwnerUsername"]?.stringValue {
                    row["OwnerUsername"] = nil
                    row["OwnerId"] = .string(try user(username, for: "a \(object)'s owner").value)
                }
                return row
            }
            try org.bulkCreate(object, records)
        }
        for rule in document["assignmentRules"]?.arrayValue ?? [] {
            guard let name = rule["Name"]?.stringValue else { throw SalesforceError("REQUIRED_FIELD_MISSING", "assignmentRules entries need a Name") }
            let assignee = try rule["AssigneeUsername"]?.stringValue.map { try user($0, for: "the rule '\(name)'") }
            _ = org.storage.write { $0.addAssignmentRule(name: name, object: rule["SobjectType"]?.stringValue ?? "Lead",
                                                         active: rule["Active"]?.boolValue ?? false, assignee: assignee) }
        }
        for object in document["duplicateRules"]?.arrayValue ?? [] {
            if let name = object.stringValue { org.setDuplicateRule(object: name, active: true) }
        }
    }

    /// Builds a field from its seed spec.
    static func field(from spec: JSONValue) throws -> SObjectField {
        guard let name = spec["name"]?.stringValue, let typeName = spec["type"]?.stringValue,
              let type = FieldType(rawValue: typeName.lowercased())
        else {
            throw SalesforceError("INVALID_FIELD", "customFields entries need a name and a known type")
        }
        let calculated = spec["calculated"]?.boolValue ?? false || spec["rollup"]?.boolValue ?? false
        let autoNumber = spec["autoNumber"]?.boolValue ?? false
        let readOnly = calculated || autoNumber
        let values = (spec["values"]?.arrayValue ?? []).compactMap(\.stringValue).map { PicklistValue($0) }
        var field = SObjectField(
            name, type, label: spec["label"]?.stringValue,
            length: spec["length"]?.doubleValue.map { Int($0) }, precision: Int(spec["precision"]?.doubleValue ?? 18),
            scale: Int(spec["scale"]?.doubleValue ?? 0),
            createable: spec["createable"]?.boolValue ?? !readOnly, updateable: spec["updateable"]?.boolValue ?? !readOnly,
            nillable: !(spec["required"]?.boolValue ?? false) || readOnly, defaultedOnCreate: readOnly,
            calculated: calculated, calculatedFormula: spec["formula"]?.stringValue, autoNumber: autoNumber,
            externalId: spec["externalId"]?.boolValue ?? false, idLookup: spec["idLookup"]?.boolValue ?? (spec["externalId"]?.boolValue ?? false) || autoNumber,
            unique: spec["unique"]?.boolValue ?? false, picklistValues: values,
            restrictedPicklist: spec["restricted"]?.boolValue ?? false,
            referenceTo: (spec["referenceTo"]?.arrayValue ?? []).compactMap(\.stringValue),
            relationshipName: spec["relationshipName"]?.stringValue
                ?? (type == .reference && name.hasSuffix("__c") ? String(name.dropLast(3)) + "__r" : nil),
            extraTypeInfo: spec["extraTypeInfo"]?.stringValue, htmlFormatted: spec["htmlFormatted"]?.boolValue ?? false)
        if !type.isNumeric { field.precision = 0 }
        return field
    }
}
