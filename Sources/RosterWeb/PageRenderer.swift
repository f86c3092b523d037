import Foundation
import Mustache

/// Renders the server-side pages from the Mustache templates in `Templates/` (HTML-escaped by
/// default: `{{value}}`).
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load(from directory: URL) async throws -> PageRenderer {
        PageRenderer(library: try await MustacheLibrary(directory: directory.path))
    }

    func render(_ template: String, _ context: [String: Any]) throws -> String {
        guard let html = library.render(context, withTemplate: template) else {
            throw BackOfficeError.resources("no template named \(template)")
        }
        return html
    }
}

/// The stylesheets and scripts under `/static/`, read once at start and served from memory
/// with a content hash as ETag; they are a few kilobytes and never change while running.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var etag: String
    }

    let assets: [String: Asset]

    static func load(from directory: URL) throws -> StaticAssets {
        var assets: [String: Asset] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            let bytes = Array(try Data(contentsOf: directory.appendingPathComponent(name)))
            let type = switch (name as NSString).pathExtension {
            case "css": "text/css; charset=utf-8"
            case "js": "text/javascript; charset=utf-8"
            case "svg": "image/svg+xml"
            default: "application/octet-stream"
            }
            var hash: UInt64 = 14_695_981_039_346_656_037 // FNV-1a: a cache validator, not a security digest
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
            assets[name] = Asset(bytes: bytes, contentType: type, etag: "\"\(String(hash, radix: 16))\"")
        }
        return StaticAssets(assets: assets)
    }
}
