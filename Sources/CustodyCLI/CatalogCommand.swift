import ArgumentParser
import CustodyCatalog
import CustodyCore

/// `custodyctl catalog …`: the device catalog, read locally (no daemon needed).
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Show the device catalog, or print the udev rules made from it.",
        subcommands: [CatalogListCommand.self, CatalogUdevRulesCommand.self, CatalogUdevTriggerCommand.self])

    static let defaultDirectories = ["/usr/share/custody/catalog", "/etc/custody/catalog.d"]
}

/// Where to read the catalog from.
struct CatalogOptions: ParsableArguments {
    @Option(name: .customLong("catalog"), help: ArgumentHelp(
        "Catalog directory; repeat for several, later ones override (default: /usr/share/custody/catalog, /etc/custody/catalog.d).",
        valueName: "dir"))
    var directories: [String] = []

    func load() throws -> DeviceCatalog {
        do {
            return try DeviceCatalog.load(directories: directories.isEmpty ? CatalogCommand.defaultDirectories : directories)
        } catch {
            throw CommandFailure("\(error)")
        }
    }
}

/// `custodyctl catalog udev-rules`: the text of udev/70-custody.rules.
struct CatalogUdevRulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "udev-rules", abstract: "Print udev rules for every catalogued device.")
    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        say(TerminalText(lines: try catalog.load().udevRules()), terminator: "")
    }
}

/// `custodyctl catalog udev-trigger`: the enumerations the package's postinst runs to
/// find the devices the udev rules match (it re-runs the rules beneath those alone).
struct CatalogUdevTriggerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "udev-trigger", abstract: "Print the udevadm commands that list the devices the udev rules match.")
    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        say(TerminalText(lines: try catalog.load().udevTriggerScript()), terminator: "")
    }
}

/// `custodyctl catalog list`: every entry and where it comes from.
struct CatalogListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the catalog's entries.")
    @OptionGroup var catalog: CatalogOptions

    func run() throws {
        let entries = try catalog.load().entries
        say(Formatting.table(["NAME", "KIND", "DRIVER", "MATCH", "FROM"], entries.map {
            [$0.name, $0.kind.rawValue, $0.driver.rawValue, "\($0.match)", "\($0.file):\($0.line)"]
        }))
    }
}
