/// Paths of the registry, tagging, retention and gaps (docs/api/openapi.yaml).
extension API {
    public static let officers = "/v1/officers"
    public static let equipment = "/v1/equipment"
    public static let courtrooms = "/v1/courtrooms"
    public static let cases = "/v1/cases"
    public static let hearings = "/v1/hearings"
    public static let assignments = "/v1/assignments"
    public static let imports = "/v1/imports"
    public static let checkouts = "/v1/checkouts"
    public static let checkins = "/v1/checkins"
    public static let clocks = "/v1/clocks"
    public static let tags = "/v1/tags"
    public static let holds = "/v1/holds"
    public static func hold(_ id: Int64) -> String { Template.hold.filled(id) }
    public static let retention = "/v1/retention"
    public static func retentionPlan(_ id: Int64) -> String { Template.retentionPlan.filled(id) }
    public static let gaps = "/v1/gaps"
}
