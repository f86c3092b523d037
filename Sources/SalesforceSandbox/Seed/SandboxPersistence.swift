#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Saves the org to a JSON file and loads it back with the same Ids, so a demo survives restarts.
enum SandboxPersistence {
    static func load(_ path: String) throws -> JSONValue? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try SandboxSeed.read(path: path)
    }

    static func save(_ org: SandboxOrg, to path: String) throws {
        let document = org.storage.read { state -> JSONValue in
            var fields: [JSONValue] = []
            var rows = JSONObject()
            for schema in state.schemas.values.sorted(by: { $0.name < $1.name }) {
                for field in schema.fields where field.custom {
                    fields.append(spec(field, object: schema.name))
                }
                let records = (state.records(of: schema.name) ?? [:].values).sorted { $0.id < $1.id }
                rows[schema.name] = .array(records.map { record in
                    var object = JSONObject()
                    object.append("Id", .string(record.id.value))
                    for (key, value) in record.values.sorted(by: { $0.key < $1.key }) { object.append(key, value) }
                    return .object(object)
                })
            }
            return .object([
                "customFields": .array(fields), "snapshot": .object(rows),
                "duplicateRules": .array(state.activeDuplicateRules.sorted().map(JSONValue.string)),
            ])
        }
        let temporary = path + ".tmp"
        try Data(JSONWriter.bytes(document)).write(to: URL(fileURLWithPath: temporary))
        _ = try? FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    /// Puts saved rows back as they were, Ids and system fields included.
    static func restore(_ snapshot: JSONObject, into org: SandboxOrg) throws {
        org.storage.write { state in
            for (object, rows) in snapshot {
                for row in rows.arrayValue ?? [] {
                    guard let text = row["Id"]?.stringValue, let id = SalesforceId(text) else { continue }
                    var values: [String: JSONValue] = [:]
                    for (key, value) in row.objectValue ?? [:] where key != "Id" && !value.isNull { values[key] = value }
                    state.restore(StoredRecord(id: id, objectKey: object.lowercased(), values: values))
                }
            }
        }
    }

    private static func spec(_ field: SObjectField, object: String) -> JSONValue {
        .object([
            "object": .string(object), "name": .string(field.name), "type": .string(field.type.rawValue),
            "label": .string(field.label), "length": .number(Double(field.length)),
            "precision": .number(Double(field.precision)), "scale": .number(Double(field.scale)),
            "required": .bool(!field.nillable), "externalId": .bool(field.externalId), "unique": .bool(field.unique),
            "idLookup": .bool(field.idLookup),
            "values": .array(field.picklistValues.map { .string($0.value) }), "restricted": .bool(field.restrictedPicklist),
            "referenceTo": .array(field.referenceTo.map(JSONValue.string)),
            "relationshipName": .from(field.relationshipName), "extraTypeInfo": .from(field.extraTypeInfo),
            "htmlFormatted": .bool(field.htmlFormatted), "autoNumber": .bool(field.autoNumber),
            "calculated": .bool(field.calculated), "formula": .from(field.calculatedFormula),
        ])
    }
}
