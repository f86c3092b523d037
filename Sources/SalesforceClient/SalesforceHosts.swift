import Foundation

/// The hosts Salesforce requests, and so the consumer secret and tokens, may go to: Salesforce's
/// own domains over https, and the hosts the operator lists (`--salesforce-hosts`). A login URL a
/// user typed, or an `instance_url` a token answer names, that is anywhere else is refused, so a
/// connector can't be pointed at a host in the operator's network or at a listener collecting
/// secrets.
///
/// Salesforce's domains, from its "Allowlist Salesforce IP Addresses and Domains" help page and
/// the login hosts of the OAuth guide: `login.salesforce.com`, `test.salesforce.com`, My Domains
/// (`*.my.salesforce.com`, `*.sandbox.my.salesforce.com`, under `*.salesforce.com`), instances
/// and sites under `*.salesforce.com` and `*.force.com`, Government Cloud Plus Defense under
/// `*.salesforce.mil`, and the Alibaba-hosted China instances under `*.sfcrmproducts.cn`.
public struct SalesforceHosts: Sendable, Hashable {
    /// One allowed host: an exact name, or `*.` and a domain (any name under it); any port when
    /// `port` is `nil`.
    public struct Entry: Sendable, Hashable, CustomStringConvertible {
        /// The host name, lowercased; `*.domain` stands for any name under the domain.
        public var host: String
        /// The one port allowed, or `nil` for any port.
        public var port: Int?

        /// `host` (`*.domain` for any name under it), on `port` or any port.
        public init(host: String, port: Int? = nil) {
            self.host = host.lowercased()
            self.port = port
        }

        /// `host` or `host:port`, as written in `--salesforce-hosts`.
        public var description: String { port.map { "\(host):\($0)" } ?? host }

        func matches(host candidate: String, port candidatePort: Int?) -> Bool {
            if let port, port != candidatePort { return false }
            if host.hasPrefix("*.") { return candidate.hasSuffix(host.dropFirst()) && candidate.count > host.count - 1 }
            return candidate == host
        }
    }

    /// Salesforce's own domains (https only, default port).
    public static let salesforceDomains: [Entry] = ["login.salesforce.com", "test.salesforce.com", "*.salesforce.com", "*.force.com",
                                                    "*.salesforce.mil", "*.sfcrmproducts.cn"].map { Entry(host: $0, port: nil) }

    /// The hosts the operator added.
    public var extra: [Entry]
    /// Whether Salesforce's own domains are allowed besides `extra` (an operator may allow only
    /// their My Domain; tests allow only their sandbox, so nothing can reach the internet).
    public var includesSalesforceDomains = true

    /// Salesforce's domains and the `extra` hosts.
    public init(extra: [Entry] = []) { self.extra = extra }

    /// Reads `host[:port]` entries separated by commas (`sf.example.org,127.0.0.1:8931,*.corp.example`).
    /// - Throws: a message naming the entry that is not a host.
    public init(parsing list: String) throws(SalesforceHostsError) {
        var entries: [Entry] = []
        for raw in list.split(separator: ",") {
            let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
            if text.isEmpty { continue }
            var host = text, port: Int?
            if let colon = text.lastIndex(of: ":"), !text.hasSuffix("]"), text.filter({ $0 == ":" }).count == 1 {
                host = String(text[..<colon])
                guard let number = Int(text[text.index(after: colon)...]), (1...65535).contains(number) else {
                    throw SalesforceHostsError("'\(text)' has no valid port after ':'")
                }
                port = number
            }
            host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let name = host.hasPrefix("*.") ? String(host.dropFirst(2)) : host
            guard !name.isEmpty, !name.contains("*"), !name.contains("/"), !name.contains("@") else {
                throw SalesforceHostsError("'\(text)' is not a host: write host, host:port or *.domain")
            }
            entries.append(Entry(host: host, port: port))
        }
        self.init(extra: entries)
    }

    /// Why `url` may not be used, or `nil` when it may.
    public func refusal(_ url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let raw = components.percentEncodedHost, !raw.contains("%"),
              let host = components.host?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty,
              Self.isHostName(host) || Self.isIPv6(raw), components.user == nil, components.password == nil
        else { return "'\(url)' is not an http(s) URL with a host" }
        let port = components.port
        let secure = scheme == "https"
        if includesSalesforceDomains, secure, port == nil || port == 443, Self.salesforceDomains.contains(where: { $0.matches(host: host, port: nil) }) { return nil }
        let effectivePort = port ?? (secure ? 443 : scheme == "http" ? 80 : nil)
        if extra.contains(where: { $0.matches(host: host, port: effectivePort) }) {
            if secure || (scheme == "http" && Self.isLoopback(host)) { return nil }
            return "\(host) is allowed over https only (plain http only for loopback hosts)"
        }
        guard includesSalesforceDomains else {
            return "\(host)\(port.map { ":\($0)" } ?? "") is not a host the operator allowed with --salesforce-hosts (this server allows those hosts only)"
        }
        return "\(host)\(port.map { ":\($0)" } ?? "") is not one of Salesforce's domains (https://*.salesforce.com, *.force.com…) nor a host the operator allowed with --salesforce-hosts"
    }

    /// `localhost`, `::1`, or an IPv4 address in 127.0.0.0/8 (not a name that starts with `127.`).
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil } && octets[0] == "127"
    }

    /// Letters, digits, hyphens and dots only: what DNS names and IPv4 addresses are made of
    /// (a decoded `%00` or `/` in a host is refused before any lookup).
    static func isHostName(_ host: String) -> Bool {
        host.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x2E }
    }

    static func isIPv6(_ raw: String) -> Bool {
        raw.hasPrefix("[") && raw.hasSuffix("]") && raw.dropFirst().dropLast().utf8.allSatisfy { $0 == 0x3A || $0 == 0x2E || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
    }
}

/// A `--salesforce-hosts` entry that can't be read.
public struct SalesforceHostsError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, naming the entry.
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A transport that sends nothing to a host ``SalesforceHosts`` does not allow: the last guard,
/// whatever URL the caller built (a login URL, an `instance_url`, a `nextRecordsUrl`).
public struct HostCheckedTransport: HTTPTransport {
    let base: any HTTPTransport
    let hosts: SalesforceHosts

    /// Wraps `base`, letting through only exchanges whose URL `hosts` allows.
    public init(_ base: any HTTPTransport, hosts: SalesforceHosts) {
        self.base = base
        self.hosts = hosts
    }

    /// Sends through the base transport, unless `hosts` refuses the URL.
    /// - Throws: ``TransportFailure/hostNotAllowed(_:)`` for a refused URL (nothing is sent), or
    ///   what the base transport throws.
    public func send(_ exchange: HTTPExchange, timeout: Duration) async throws(TransportFailure) -> HTTPReply {
        if let refusal = hosts.refusal(exchange.url) { throw .hostNotAllowed(refusal) }
        return try await base.send(exchange, timeout: timeout)
    }
}
