/// `GET /v1/status`: what the daemon is and holds.
public struct StatusDTO: Sendable, Codable, Equatable {
    public var version: String
    public var uptimeSeconds: Double
    public var items: Int64
    public var blobs: Int64
    public var bytesStored: Int64
    public var jobsRunning: Int
    public var stateDirectory: String
    /// The caller as the daemon sees it (uid, name, roles).
    public var caller: CallerDTO
    /// Free space on the store's file system (absent when it cannot be measured).
    public var space: SpaceDTO?

    public init(version: String, uptimeSeconds: Double, items: Int64, blobs: Int64, bytesStored: Int64,
                jobsRunning: Int, stateDirectory: String, caller: CallerDTO, space: SpaceDTO? = nil) {
        self.version = version; self.uptimeSeconds = uptimeSeconds; self.items = items; self.blobs = blobs
        self.bytesStored = bytesStored; self.jobsRunning = jobsRunning; self.stateDirectory = stateDirectory
        self.caller = caller; self.space = space
    }
}

/// A Unix identity as the protocol shows it.
public struct CallerDTO: Sendable, Codable, Equatable {
    public var uid: UInt32
    public var name: String
    public var roles: [String]
    public init(uid: UInt32, name: String, roles: [String]) { self.uid = uid; self.name = name; self.roles = roles }
}
