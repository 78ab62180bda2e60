import Foundation
import Testing
@testable import CustodyDaemon

@Suite("The shipped configuration file")
struct ShippedConfigTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("config/custodyd.toml parses to exactly the defaults")
    func shippedFileIsTheDefaults() throws {
        let path = Self.repo.appendingPathComponent("config/custodyd.toml").path
        #expect(try DaemonConfig.load(path: path, required: true) == DaemonConfig())
    }

    @Test("uncommenting every key of config/custodyd.toml still parses, to the same defaults")
    func everyCommentedKeyIsValid() throws {
        let path = Self.repo.appendingPathComponent("config/custodyd.toml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("#") && line.dropFirst().first?.isLetter == true ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
        #expect(uncommented != text)
        #expect(try DaemonConfig.parse(uncommented, file: path) == DaemonConfig())
    }

    @Test("docs/configuration.md documents every key the daemon reads")
    func everyKeyIsDocumented() throws {
        let doc = try String(contentsOfFile: Self.repo.appendingPathComponent("docs/configuration.md").path, encoding: .utf8)
        // Every file of the loader, however it is split.
        let config = Self.repo.appendingPathComponent("Sources/CustodyDaemon/Config")
        let loaderFiles = try FileManager.default.contentsOfDirectory(atPath: config.path)
            .filter { $0.hasPrefix("DaemonConfigLoader") && $0.hasSuffix(".swift") }.sorted()
        #expect(loaderFiles.count >= 4, "\(loaderFiles)")
        let loader = try loaderFiles.map {
            try String(contentsOfFile: config.appendingPathComponent($0).path, encoding: .utf8)
        }.joined()
        let keys = try Regex(#"r\.(?:string|integer|boolean|strings|float)\("(\w+)"\)|top\.string\("(\w+)"\)"#)
        var found: [String] = []
        for match in loader.matches(of: keys) {
            if let key = match.output[1].substring ?? match.output[2].substring { found.append(String(key)) }
        }
        #expect(found.count >= 18)
        for key in found { #expect(doc.contains("`\(key)`"), "docs/configuration.md does not document \(key)") }
        for category in DaemonConfig().retention.categories.keys {
            #expect(doc.contains("`\(category)`"), "docs/configuration.md does not document the category \(category)")
        }
    }
}
