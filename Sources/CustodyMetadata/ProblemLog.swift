// The bounded list of problems one read collects.

/// Collects problem strings for one file, keeping at most ``limit`` of them so a
/// hostile file with millions of broken structures cannot exhaust memory.
struct ProblemLog: Sendable {
    /// The most problems kept; the rest are counted and summarised in one line.
    static let limit = 100

    private(set) var entries: [String] = []
    private(set) var dropped = 0

    mutating func add(_ problem: String) {
        if entries.count < ProblemLog.limit {
            entries.append(problem)
        } else {
            dropped += 1
        }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// The problems as reported in ``MediaMetadata/problems``.
    var list: [String] {
        dropped == 0 ? entries : entries + ["\(dropped) further problems not listed"]
    }
}
