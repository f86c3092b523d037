extension SandboxSeed {
    /// The demo org of `roster demo`: the campaign of the demo event with Registered and
    /// Attended statuses, custom fields a mapping can target, and people the demo participants
    /// match by email (Contacts for `attendee0…19@demo.example`, Leads for `attendee20…29` owned
    /// by their sales rep, one of them converted is left to the test-control API), and an active
    /// Lead assignment rule giving new Leads to the events team, as most orgs have one.
    public static func demo() throws -> JSONValue {
        var contacts: [String] = []
        for index in 0..<20 {
            contacts.append(#"{"FirstName": "Known", "LastName": "Contact \#(index)", "Email": "attendee\#(index)@demo.example", "Title": "Customer"}"#)
        }
        var leads: [String] = []
        for index in 20..<30 {
            leads.append(#"{"FirstName": "Known", "LastName": "Lead \#(index)", "Company": "Prospect \#(index)", "Email": "attendee\#(index)@demo.example", "OwnerUsername": "rep@demo.example"}"#)
        }
        let text = #"""
            {
              "customFields": [
                {"object": "Contact", "name": "T_Shirt_Size__c", "label": "T-shirt size", "type": "picklist", "values": ["S", "M", "L", "XL"], "restricted": true},
                {"object": "Lead", "name": "T_Shirt_Size__c", "label": "T-shirt size", "type": "picklist", "values": ["S", "M", "L", "XL"], "restricted": true},
                {"object": "Contact", "name": "Diet__c", "label": "Diet", "type": "picklist", "values": ["None", "Vegetarian", "Vegan"]},
                {"object": "Lead", "name": "Diet__c", "label": "Diet", "type": "picklist", "values": ["None", "Vegetarian", "Vegan"]},
                {"object": "Contact", "name": "Newsletter__c", "label": "Newsletter", "type": "boolean"},
                {"object": "Lead", "name": "Newsletter__c", "label": "Newsletter", "type": "boolean"},
                {"object": "CampaignMember", "name": "Arrival_Date__c", "label": "Arrival date", "type": "date"},
                {"object": "CampaignMember", "name": "Sessions__c", "label": "Sessions", "type": "multipicklist", "values": ["Keynote", "Workshops", "Networking"]},
                {"object": "Contact", "name": "Notes__c", "label": "Notes", "type": "textarea", "length": 32768},
                {"object": "Contact", "name": "Score__c", "label": "Score", "type": "double", "calculated": true, "formula": "1"}
              ],
              "campaigns": [
                {"Name": "Roster Demo Summit", "IsActive": true,
                 "statuses": [{"label": "Registered", "default": true}, {"label": "Attended", "responded": true}]},
                {"Name": "Roster Demo Webinar", "IsActive": true}
              ],
              "users": [
                {"Username": "rep@demo.example", "LastName": "Sales Rep", "Email": "rep@demo.example"},
                {"Username": "events@demo.example", "LastName": "Events Team", "Email": "events@demo.example"}
              ],
              "records": {
                "Contact": [\#(contacts.joined(separator: ",\n"))],
                "Lead": [\#(leads.joined(separator: ",\n"))]
              },
              "assignmentRules": [
                {"Name": "Web and event leads", "SobjectType": "Lead", "Active": true, "AssigneeUsername": "events@demo.example"},
                {"Name": "Partner leads", "SobjectType": "Lead", "Active": false, "AssigneeUsername": "rep@demo.example"}
              ]
            }
            """#
        return try JSONParser.parse(Array(text.utf8))
    }
}
