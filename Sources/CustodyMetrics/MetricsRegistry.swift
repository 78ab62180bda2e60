import Synchronization

/// A small Prometheus metrics registry: counter and gauge families, with labels,
/// rendered in the text exposition format 0.0.4. No dependency: the daemon's
/// dependency set stays lean, and this is all `/metrics` needs.
///
/// Families are shown in the order they were registered. Values that are cheaper
/// to read when asked than to keep current (the store's size, jobs by state) are
/// filled in by collectors, which run before each rendering.
public final class MetricsRegistry: Sendable {
    private let state = Mutex<State>(State())

    private struct State {
        var families: [MetricFamily] = []
        var collectors: [@Sendable () throws -> Void] = []
    }

    public init() {}

    /// A counter family (`name` should end in `_total`): values only go up.
    public func counter(_ name: String, help: String, labels: [String] = []) -> CounterFamily {
        CounterFamily(family: register(name, help: help, type: .counter, labels: labels))
    }

    /// A gauge family: values go up and down, or are set.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> GaugeFamily {
        GaugeFamily(family: register(name, help: help, type: .gauge, labels: labels))
    }

    /// Runs `collect` before every rendering; it sets gauges (and counters) from
    /// wherever their truth lives. An error it throws fails the rendering.
    public func addCollector(_ collect: @escaping @Sendable () throws -> Void) {
        state.withLock { $0.collectors.append(collect) }
    }

    /// The family registered as `name`, if any.
    public func family(named name: String) -> MetricFamily? {
        state.withLock { $0.families.first { $0.name == name } }
    }

    /// Runs the collectors, then renders every family in the text format 0.0.4.
    public func exposition() throws -> String {
        let (families, collectors) = state.withLock { ($0.families, $0.collectors) }
        for collect in collectors { try collect() }
        var out = ""
        for family in families { family.render(into: &out) }
        return out
    }

    /// The media type of ``exposition()``.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private func register(_ name: String, help: String, type: MetricFamily.Kind, labels: [String]) -> MetricFamily {
        precondition(MetricFamily.isValidName(name), "invalid metric name \(name)")
        precondition(labels.allSatisfy { MetricFamily.isValidName($0) && !$0.hasPrefix("__") && !$0.contains(":") },
                     "invalid label names \(labels) of \(name)")
        return state.withLock { state in
            if let existing = state.families.first(where: { $0.name == name }) {
                precondition(existing.kind == type && existing.labelNames == labels, "metric \(name) registered twice, differently")
                return existing
            }
            let family = MetricFamily(name: name, help: help, kind: type, labelNames: labels)
            state.families.append(family)
            return family
        }
    }
}

/// One metric family: name, help, type, label names, and a value per label set.
public final class MetricFamily: Sendable {
    public enum Kind: String, Sendable { case counter, gauge }

    public let name: String
    public let help: String
    public let kind: Kind
    public let labelNames: [String]
    private let values = Mutex<[[String]: Double]>([:])

    init(name: String, help: String, kind: Kind, labelNames: [String]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        // An unlabelled family always has its one sample, zero until it moves.
        if labelNames.isEmpty { values.withLock { $0[[]] = 0 } }
    }

    /// The value for `labels` (zero when never set).
    public func value(_ labels: [String] = []) -> Double {
        values.withLock { $0[labels] ?? 0 }
    }

    func update(_ labels: [String], _ change: (inout Double) -> Void) {
        precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames), given \(labels)")
        values.withLock { change(&$0[labels, default: 0]) }
    }

    /// Replaces every labelled value at once (a collector's snapshot): label sets
    /// not in `snapshot` disappear.
    func replaceAll(_ snapshot: [[String]: Double]) {
        values.withLock { $0 = labelNames.isEmpty ? [[]: snapshot[[]] ?? 0] : snapshot }
    }

    func render(into out: inout String) {
        out += "# HELP \(name) \(Self.escapeHelp(help))\n"
        out += "# TYPE \(name) \(kind.rawValue)\n"
        let samples = values.withLock { $0 }.sorted { $0.key.lexicographicallyPrecedes($1.key) }
        for (labels, value) in samples {
            out += name
            if !labels.isEmpty {
                out += "{" + zip(labelNames, labels).map { "\($0)=\"\(Self.escapeLabel($1))\"" }.joined(separator: ",") + "}"
            }
            out += " " + Self.format(value) + "\n"
        }
    }

    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCIILetter || first == "_" || first == ":" else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCIILetter || ("0"..."9").contains($0) || $0 == "_" || $0 == ":" }
    }

    /// HELP text escapes backslash and line feed.
    static func escapeHelp(_ text: String) -> String {
        text.replacingAll("\\", "\\\\").replacingAll("\n", "\\n")
    }

    /// Label values escape backslash, double quote and line feed.
    static func escapeLabel(_ text: String) -> String {
        text.replacingAll("\\", "\\\\").replacingAll("\"", "\\\"").replacingAll("\n", "\\n")
    }

    /// Integers as integers; otherwise Go's float syntax (`1.5`, `2.5e+20`, `+Inf`, `NaN`).
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }
}

/// A counter family; `labels` are the values of its label names, in order.
public struct CounterFamily: Sendable {
    public let family: MetricFamily

    /// Adds `amount` (negative amounts are ignored: a counter never goes down).
    public func increment(by amount: Double = 1, labels: [String] = []) {
        guard amount > 0 else {
            family.update(labels) { _ in }
            return
        }
        family.update(labels) { $0 += amount }
    }

    /// Sets the counter from a monotonic source of truth (the index's totals).
    public func set(_ value: Double, labels: [String] = []) { family.update(labels) { $0 = value } }

    public func value(_ labels: [String] = []) -> Double { family.value(labels) }
}

/// A gauge family; `labels` are the values of its label names, in order.
public struct GaugeFamily: Sendable {
    public let family: MetricFamily

    public func set(_ value: Double, labels: [String] = []) { family.update(labels) { $0 = value } }
    public func increment(by amount: Double = 1, labels: [String] = []) { family.update(labels) { $0 += amount } }
    public func decrement(by amount: Double = 1, labels: [String] = []) { family.update(labels) { $0 -= amount } }
    /// Replaces every label set at once: ones not in `values` disappear.
    public func replaceAll(_ values: [[String]: Double]) { family.replaceAll(values) }

    public func value(_ labels: [String] = []) -> Double { family.value(labels) }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        guard contains(target) else { return self }
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
