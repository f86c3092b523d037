extension ImportColumns {
    /// Headers people write for the built-in fields, in English and French. Compared by
    /// ``key(_:)``: case, accents, spaces and punctuation do not matter ("E-mail", "e mail" and
    /// "EMAIL" are one alias), so each is listed once as people write it.
    static let aliases: [(field: String, names: [String])] = [
        ("email", ["e-mail", "mail", "email address", "e-mail address", "courriel", "adresse e-mail", "adresse mail",
                   "adresse courriel", "adresse électronique", "mél"]),
        ("firstName", ["first name", "given name", "forename", "prénom"]),
        ("lastName", ["last name", "surname", "family name", "nom", "nom de famille"]),
        ("company", ["company name", "organisation", "organization", "organisme", "employer", "société", "entreprise",
                     "raison sociale", "employeur"]),
        ("jobTitle", ["job title", "title", "position", "job", "fonction", "poste", "titre", "intitulé de poste", "métier"]),
        ("isRegistered", ["registered", "is registered", "registration", "inscrit", "inscrite", "inscrit(e)", "inscription"]),
        ("hasAttended", ["attended", "has attended", "checked in", "check-in", "present", "présent", "présente", "présent(e)",
                         "venu", "venue", "venu(e)", "présence"]),
        ("allowNetworking", ["networking", "allow networking", "networking consent", "réseautage", "accepte le réseautage"]),
    ]
}
