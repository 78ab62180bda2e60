import ArgumentParser
import CustodyProtocol

/// `custodyctl ledger …`: the custody ledger's key and checkpoints.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The custody ledger: the station's key and signed checkpoints.",
        subcommands: [LedgerKeyCommand.self, LedgerCheckpointCommand.self, LedgerProveCommand.self, LedgerConsistencyCommand.self])
}

/// `custodyctl ledger key`: the station's public verifier key.
struct LedgerKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "key", abstract: "Print the station's public verifier key (C2SP vkey).")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let ledger = try global.client().ledger()
        if global.json { return try global.printJSON(ledger) }
        say("\(ledger.verifierKey)")
    }
}

/// `custodyctl ledger checkpoint`: sign a checkpoint of the ledger now and print it.
struct LedgerCheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Sign a checkpoint of the ledger now and print it.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let checkpoint = try global.client().makeCheckpoint()
        if global.json { return try global.printJSON(checkpoint) }
        say(TerminalText(lines: checkpoint.note), terminator: "")
    }
}

/// `custodyctl ledger prove ITEM`: the inclusion proof of each of the item's events.
struct LedgerProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove", abstract: "Prove each of an item's custody events against a fresh signed checkpoint.")
    @Argument(help: "Item id.") var item: Int64
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let client = global.client()
        _ = try client.makeCheckpoint()  // so that every event of the item is covered
        let proofs = try client.itemProofs(item)
        if global.json { return try global.printJSON(proofs) }
        say(TerminalText(lines: proofs.checkpoint.note), terminator: "")
        for p in proofs.proofs {
            say("\nevent \(p.seq), leaf \(p.leafIndex) of \(proofs.checkpoint.treeSize): \(p.entry)")
            say("  leaf hash  \(p.leafHash)")
            for (i, h) in p.auditPath.enumerated() { say("  path[\(i)]    \(h)") }
        }
    }
}

/// `custodyctl ledger consistency OLD NEW`: the consistency proof between two checkpoints.
struct LedgerConsistencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consistency", abstract: "Prove that checkpoint NEW extends checkpoint OLD (tree sizes).")
    @Argument(help: "Tree size of the older checkpoint.") var old: Int
    @Argument(help: "Tree size of the newer checkpoint.") var new: Int
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let proof = try global.client().consistency(from: old, to: new)
        if global.json { return try global.printJSON(proof) }
        say("from \(proof.from.treeSize) (\(proof.from.rootHash)) to \(proof.to.treeSize) (\(proof.to.rootHash))")
        for (i, h) in proof.proof.enumerated() { say("  proof[\(i)]  \(h)") }
    }
}
