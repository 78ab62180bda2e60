import CustodyModel

// An item and the people named in a bundle's JSON documents (`manifest.json`,
// `custody/item-ID.json`), in the `custody-export/1` format: the same members as
// the control API's item, written here so that the bundle's format changes only
// with its own version.

/// An item: absent members are left out, except the source's device and every tag,
/// which are always written (null when not set).
struct BundleItem: Encodable {
    let item: Item
    init(_ item: Item) { self.item = item }

    enum CodingKeys: String, CodingKey {
        case id, sha256, size, mediaType, container, recordedAt, recordedAtSource, utcOffsetSeconds, durationSeconds, ingestedAt
        case source, tags, jobId, metadataProblems, fileModifiedAt, clockOffsetSeconds, correctedRecordedAt, notes, deletedAt
        case recordedAtImplausible
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(item.id, forKey: .id)
        try c.encode(item.sha256, forKey: .sha256)
        try c.encode(item.size, forKey: .size)
        try c.encode(item.mediaType, forKey: .mediaType)
        try c.encode(item.container, forKey: .container)
        try c.encode(item.recordedAt, forKey: .recordedAt)
        try c.encode(item.recordedAtSource, forKey: .recordedAtSource)
        try c.encodeIfPresent(item.utcOffsetSeconds, forKey: .utcOffsetSeconds)
        try c.encodeIfPresent(item.durationSeconds, forKey: .durationSeconds)
        try c.encode(item.ingestedAt, forKey: .ingestedAt)
        try c.encode(BundleSource(item.source), forKey: .source)
        try c.encode(BundleTags(item.tags), forKey: .tags)
        try c.encodeIfPresent(item.jobId, forKey: .jobId)
        try c.encode(item.metadataProblems, forKey: .metadataProblems)
        try c.encodeIfPresent(item.fileModifiedAt, forKey: .fileModifiedAt)
        try c.encodeIfPresent(item.clockOffsetSeconds, forKey: .clockOffsetSeconds)
        try c.encodeIfPresent(item.correctedRecordedAt, forKey: .correctedRecordedAt)
        try c.encodeIfPresent(item.notes, forKey: .notes)
        try c.encodeIfPresent(item.deletedAt, forKey: .deletedAt)
        try c.encodeIfPresent(item.recordedAtImplausible, forKey: .recordedAtImplausible)
    }
}

/// Where an item came from; `device` is always written.
struct BundleSource: Encodable {
    let source: ItemSource
    init(_ source: ItemSource) { self.source = source }

    enum CodingKeys: String, CodingKey { case device, path, root }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source.device, forKey: .device)
        try c.encode(source.path, forKey: .path)
        try c.encode(source.root, forKey: .root)
    }
}

/// An item's tags; every one is always written.
struct BundleTags: Encodable {
    let tags: ItemTags
    init(_ tags: ItemTags) { self.tags = tags }

    enum CodingKeys: String, CodingKey { case officer, hearing, `case`, category, courtroom }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tags.officer, forKey: .officer)
        try c.encode(tags.hearing, forKey: .hearing)
        try c.encode(tags.case, forKey: .case)
        try c.encode(tags.category, forKey: .category)
        try c.encode(tags.courtroom, forKey: .courtroom)
    }
}

/// A Unix user: uid and name.
struct BundleAuthor: Encodable {
    var uid: UInt32
    var name: String
    init(_ author: Author) { uid = author.uid; name = author.name }
}
