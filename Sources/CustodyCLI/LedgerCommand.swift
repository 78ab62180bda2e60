import ArgumentParser
import CustodyProtocol

/// `custodyctl ledger …`: the custody ledger's key and checkpoints.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The custody ledger: the station's key and signed checkpoints.",
        subcommands: [LedgerKeyCommand.self, LedgerCheckpointCommand.self])
}

/// `custodyctl ledger key`: the station's public verifier key.
struct LedgerKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Print the station's public verifier key (C2SP vkey).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let ledger = try global.client().ledger()
        if global.json { return try global.printJSON(ledger) }
        print(ledger.verifierKey)
    }
}

/// `custodyctl ledger checkpoint`: sign a checkpoint of the ledger now and print it.
struct LedgerCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Sign a checkpoint of the ledger now and print it.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let checkpoint = try global.client().makeCheckpoint()
        if global.json { return try global.printJSON(checkpoint) }
        print(checkpoint.note, terminator: "")
    }
}
