import ArgumentParser
import CustodyProtocol

/// `custodyctl retention …`: what retention would delete, and deleting it.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention", abstract: "Plan and apply retention: delete the stored files of expired, unheld recordings.",
        discussion: """
            `plan` lists (and records) what would be deleted and why; `apply` (supervisors) deletes exactly that, on the same \
            day, skipping anything held or retagged since. Each deleted item keeps its record, hashes and custody events, and \
            gets an item.delete event.
            """,
        subcommands: [RetentionPlanCommand.self, RetentionApplyCommand.self, RetentionShowCommand.self, RetentionPlansCommand.self])
}

/// `custodyctl retention plan`.
struct RetentionPlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plan", abstract: "Make today's retention plan and print it.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let plan = try global.client().makeRetentionPlan()
        if global.json { return try global.printJSON(plan) }
        RetentionShowCommand.show(plan)
    }
}

/// `custodyctl retention apply [--plan ID]` (supervisors).
struct RetentionApplyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "apply", abstract: "Apply today's retention plan (the newest, or --plan).")
    @Option(name: .long, help: ArgumentHelp("Plan id (default: the newest).", valueName: "id")) var plan: Int64?
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let client = global.client()
        guard let id = try plan ?? client.retentionPlans(limit: 1).plans.first?.id else {
            throw CommandFailure("there is no retention plan: run custodyctl retention plan first, and read it")
        }
        let result = try client.applyRetentionPlan(id)
        if global.json { return try global.printJSON(result) }
        say("plan \(result.plan): \(result.deleted.count) items deleted (\(result.blobsDeleted) stored files, \(Formatting.bytes(result.bytesFreed))), \(result.kept.count) kept")
        for k in result.kept { say("  kept item \(k.item): \(k.reason)") }
    }
}

/// `custodyctl retention show ID`.
struct RetentionShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Print a retention plan.")
    @Argument(help: "Plan id.") var id: Int64
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let plan = try global.client().retentionPlan(id)
        if global.json { return try global.printJSON(plan) }
        Self.show(plan)
    }

    static func show(_ plan: RetentionPlanDTO) {
        say("retention plan \(plan.id), made \(Formatting.time(plan.madeAt)) by \(plan.madeBy.name), valid on \(plan.day)\(plan.appliedAt.map { ", applied \(Formatting.time($0))" } ?? "")")
        say("\(plan.expired.count) items to delete (\(Formatting.bytes(plan.bytes))), \(plan.held.count) expired but held")
        let rows = plan.expired.map { ["delete", String($0.item), $0.category, Formatting.time($0.recordedAt), $0.reason] }
            + plan.held.map { ["keep", String($0.item), $0.category, Formatting.time($0.recordedAt), $0.reason] }
        if !rows.isEmpty { say(Formatting.table(["ACTION", "ITEM", "CATEGORY", "RECORDED (UTC)", "WHY"], rows)) }
    }
}

/// `custodyctl retention plans`.
struct RetentionPlansCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plans", abstract: "List recent retention plans.")
    @OptionGroup var global: GlobalOptions

    func run() throws {
        let plans = try global.client().retentionPlans().plans
        if global.json { return try global.printJSON(plans) }
        say(Formatting.table(["ID", "DAY", "MADE (UTC)", "BY", "EXPIRED", "HELD", "APPLIED (UTC)"], plans.map {
            [String($0.id), $0.day, Formatting.time($0.madeAt), $0.madeBy.name, String($0.expired), String($0.held), Formatting.time($0.appliedAt)]
        }))
    }
}
