import RosterCore

/// The participant form shared by the grid (add) and a participant's page (edit): the built-in
/// properties, then the event's own fields, each with the input its type calls for. The page's
/// script sends it to the REST API, which validates it as it validates any client.
extension BackOffice {
    func participantForm(_ event: Event, _ participant: Participant?, _ language: Language) -> [String: Any] {
        func text(_ name: String, _ key: String, _ value: String, type: String = "text", required: Bool = false) -> [String: Any] {
            ["name": name, "label": localization.text(key, language), "value": value, "input": type, "required": required]
        }
        let builtIn: [[String: Any]] = [
            text("email", "grid_email", participant?.email ?? "", type: "email", required: true),
            text("firstName", "person_first_name", participant?.firstName ?? "", required: true),
            text("lastName", "person_last_name", participant?.lastName ?? "", required: true),
            text("company", "grid_company", participant?.company ?? ""),
            text("jobTitle", "person_job_title", participant?.jobTitle ?? ""),
        ]
        let custom = event.fields.map { definition -> [String: Any] in
            let value = participant?.fields[definition.code]
            var field: [String: Any] = ["code": definition.code, "label": definition.label, "type": definition.type.rawValue,
                                        "required": definition.required]
            switch definition.type {
            case .boolean:
                field["checkbox"] = true
                if case .bool(true) = value { field["checked"] = true }
            case .nullableBoolean:
                let chosen = value.map { $0.text } ?? ""
                field["select"] = true
                field["choices"] = [("", "—"), ("true", localization.text("yes", language)), ("false", localization.text("no", language))].map {
                    ["value": $0.0, "label": $0.1, "selected": $0.0 == chosen]
                }
            case .selectList, .multiselectList:
                let chosen: Set<String> = if case .list(let items) = value { Set(items) } else { Set([value?.text].compactMap { $0 }) }
                let options = (definition.type == .selectList ? [""] : []) + (definition.options ?? [])
                field["choices"] = options.map { ["value": $0, "label": $0.isEmpty ? "—" : $0, "selected": chosen.contains($0)] }
                field["select"] = true
                field["multiple"] = definition.type == .multiselectList
            case .multilineText:
                field["textarea"] = true
                field["value"] = value?.text ?? ""
            default:
                let inputs: [FieldType: String] = [.number: "number", .date: "date", .email: "email", .url: "url", .phone: "tel"]
                field["input"] = inputs[definition.type] ?? "text"
                field["value"] = value?.text ?? ""
            }
            return field
        }
        return ["builtIn": builtIn, "custom": custom, "registered": participant?.isRegistered ?? true,
                "editing": participant != nil, "participantId": participant?.id ?? ""]
    }
}
