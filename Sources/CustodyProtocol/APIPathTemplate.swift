import Foundation

/// A path of the control protocol with one id in it, as `docs/api/openapi.yaml` writes
/// it (`/v1/jobs/{id}`): the server's route table matches requests against it, the
/// client fills it in. One definition, so the two cannot drift apart.
public struct APIPathTemplate: Sendable, Hashable, CustomStringConvertible {
    /// What stands for the id: exactly one path segment.
    public static let placeholder = "{id}"
    /// The template as written, `{id}` included.
    public let text: String

    init(_ text: String) {
        precondition(text.components(separatedBy: Self.placeholder).count == 2, "a path template has one \(Self.placeholder): \(text)")
        self.text = text
    }

    public var description: String { text }

    /// The path for `id` (ids are numbers, lowercase hex or courtroom ids: letters,
    /// digits, '-', '_' and '.', none of which needs escaping in a path).
    public func filled(_ id: some CustomStringConvertible) -> String {
        text.replacingOccurrences(of: Self.placeholder, with: id.description)
    }
}

extension API {
    /// The paths with an id, as templates; ``API/job(_:)`` and the like fill them in.
    public enum Template {
        public static let job = APIPathTemplate("/v1/jobs/{id}")
        public static let item = APIPathTemplate("/v1/items/{id}")
        /// Records that an export's bundle was not written (`export.abandon`).
        public static let exportAbandon = APIPathTemplate("/v1/exports/{id}/abandon")
        /// A stored file's bytes, by SHA-256 (`?export=ID`: handed out for an export only).
        public static let blob = APIPathTemplate("/v1/blobs/{id}")
        /// One courtroom's recording (`GET`), or an action on it (`POST`, e.g. stop).
        public static let recording = APIPathTemplate("/v1/recordings/{id}")
        public static let hold = APIPathTemplate("/v1/holds/{id}")
        public static let retentionPlan = APIPathTemplate("/v1/retention/{id}")
    }
}
