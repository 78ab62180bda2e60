/// A file pattern of the `paths` and `exclude` driver options, matched against a
/// file's path relative to the root of its storage (`DCIM/100MEDIA/FILE0001.MP4`).
///
/// - `*` matches any run of characters within one path segment, `?` one character;
/// - `**` as a whole segment matches any number of segments, including none;
/// - matching ignores case, as FAT and exFAT do (`dcim/**` selects `DCIM/…`);
/// - a leading `/` of the path is ignored; patterns are relative (no leading `/`),
///   have no empty, `.` or `..` segments, and no `[`, `]`, `{`, `}` or `\`
///   (character classes, alternatives and escapes are not supported).
public struct CatalogGlob: Sendable, Equatable {
    /// The pattern as written.
    public let pattern: String
    private let segments: [Segment]

    private enum Segment: Equatable {
        /// `**`
        case anyDepth
        /// Lowercased scalars of one segment, with `*` and `?` wildcards.
        case name([Unicode.Scalar])
    }

    /// nil if the pattern is not valid (``problem(with:)`` says why).
    public init?(validating pattern: String) {
        guard Self.problem(with: pattern) == nil else { return nil }
        self.pattern = pattern
        self.segments = pattern.split(separator: "/").map { part in
            part == "**" ? .anyDepth : .name(Array(part.lowercased().unicodeScalars))
        }
    }

    /// What is wrong with `pattern`, or nil when it is valid.
    public static func problem(with pattern: String) -> String? {
        if pattern.isEmpty { return "a pattern cannot be empty" }
        if pattern.hasPrefix("/") { return "a pattern is relative to the storage's root and cannot start with '/'" }
        for scalar in pattern.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F { return "a pattern cannot contain control characters" }
            if "[]{}\\".unicodeScalars.contains(scalar) {
                return "'\(scalar)' is not supported in patterns (only *, ? and **)"
            }
        }
        for part in pattern.split(separator: "/", omittingEmptySubsequences: false) {
            if part.isEmpty { return "a pattern cannot have an empty segment ('//' or a trailing '/')" }
            if part == "." || part == ".." { return "a pattern cannot have '.' or '..' segments" }
            if part != "**" && part.contains("**") { return "'**' must be a whole segment, as in 'DCIM/**'" }
        }
        return nil
    }

    /// Whether `path` (relative, `/`-separated; a leading `/` is ignored) matches.
    public func matches(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map { Array($0.lowercased().unicodeScalars) }
        // Wildcard matching with backtracking to the last `**` (linear in practice).
        var p = 0, s = 0
        var starP: Int? = nil, starS = 0
        while s < parts.count {
            if p < segments.count, case .name(let name) = segments[p], Self.matchSegment(name, parts[s]) {
                p += 1; s += 1
            } else if p < segments.count, segments[p] == .anyDepth {
                starP = p; starS = s; p += 1
            } else if let star = starP {
                p = star + 1; starS += 1; s = starS
            } else {
                return false
            }
        }
        while p < segments.count, segments[p] == .anyDepth { p += 1 }
        return p == segments.count
    }

    /// `*` and `?` within one segment.
    private static func matchSegment(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var p = 0, t = 0
        var starP: Int? = nil, starT = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || (pattern[p] != "*" && pattern[p] == text[t]) {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                starP = p; starT = t; p += 1
            } else if let star = starP {
                p = star + 1; starT += 1; t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
