// MP4 and QuickTime: file type from `ftyp`, recording time and duration from `moov/mvhd`.

/// Reads ISO base media (MP4) and QuickTime (MOV) files.
///
/// The top level is walked header by header (16 bytes read per box, payloads
/// skipped). The first `moov` box is read whole, up to ``moovCap``, and its
/// standard container boxes are walked to validate the structure; the movie
/// header `mvhd` (a direct child of `moov`) gives the recording time and duration.
///
/// `mvhd` creation_time counts seconds since 1904-01-01T00:00:00Z; the standard
/// defines it as UTC, and that is how it is read. (Some consumer cameras write
/// local time there; nothing in the file says so, so it cannot be detected.)
enum MP4Reader {
    /// The largest `moov` box read into memory.
    static let moovCap: UInt64 = 64 * 1024 * 1024
    /// The deepest box nesting followed (a top-level box is at depth 1).
    static let maxDepth = 32
    /// The most top-level boxes walked before giving up.
    static let maxTopLevelBoxes = 100_000
    /// The most boxes inside `moov` walked before giving up.
    static let maxBoxesInMoov = 200_000
    /// Seconds from 1904-01-01T00:00:00Z to 1970-01-01T00:00:00Z.
    static let epoch1904Offset: UInt64 = 2_082_844_800

    /// Boxes inside `moov` whose payload is nothing but child boxes.
    static let containerTypes: Set<String> = ["moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "mvex", "tref"]

    static func read(_ access: InputAccess, hasFileType: Bool) -> MediaMetadata {
        var problems = ProblemLog()
        var result = MediaMetadata()
        if hasFileType {
            guard let family = FileTypeBox.classify(access, problems: &problems) else {
                return MediaMetadata()  // an ISO file of another kind (HEIF, AVIF, ...)
            }
            result.mediaType = family.mediaType
            result.container = family.container
        } else {
            result.mediaType = "video/quicktime"
            result.container = "mov"
        }

        let scan = scanTopLevel(access, problems: &problems)
        if let moov = scan.moov {
            readMovie(moov, access: access, into: &result, problems: &problems)
        } else if let cut = scan.truncatedMoov {
            problems.add("mp4: box 'moov' at offset \(cut.offset) is cut off; recording time and duration not read")
        } else {
            problems.add("mp4: no 'moov' box found (the file may be truncated); recording time and duration not read")
        }
        result.problems = problems.list
        return result
    }

    /// What the top-level walk found.
    struct TopLevel {
        /// The first complete `moov` box.
        var moov: ISOBox?
        /// A `moov` box whose size runs past the end of the file.
        var truncatedMoov: ISOBox?
    }

    /// Walks the top-level boxes, reading only their headers.
    static func scanTopLevel(_ access: InputAccess, problems: inout ProblemLog) -> TopLevel {
        var scan = TopLevel()
        var offset: UInt64 = 0
        var walked = 0
        while offset < access.size {
            walked += 1
            if walked > maxTopLevelBoxes {
                problems.add("mp4: more than \(maxTopLevelBoxes) top-level boxes; stopped walking at offset \(offset)")
                break
            }
            let available = access.remaining(after: offset)
            guard let view = access.view(at: offset, count: 16, context: "mp4", problems: &problems) else { break }
            if available < 8, ByteText.isBlank(view.bytes) {
                break  // zero padding after the last box
            }
            switch ISOBox.parse(view, at: 0, available: available, parent: nil) {
            case .invalid(let problem):
                problems.add(problem)
                return scan
            case .pastEnd(let box, let problem):
                problems.add(problem)
                if box.isType("moov"), scan.moov == nil { scan.truncatedMoov = box }
                return scan
            case .box(let box):
                if box.isType("moov") {
                    if scan.moov == nil {
                        scan.moov = box
                    } else {
                        problems.add("mp4: a second 'moov' box at offset \(box.offset); only the first (at offset \(scan.moov?.offset ?? 0)) is used")
                    }
                }
                offset += box.size
            }
        }
        return scan
    }

    /// Reads the `moov` box, validates its structure and takes `mvhd` from it.
    static func readMovie(_ moov: ISOBox, access: InputAccess, into result: inout MediaMetadata, problems: inout ProblemLog) {
        guard moov.size <= moovCap else {
            problems.add("mp4: box 'moov' at offset \(moov.offset) is \(moov.size) bytes, more than the \(moovCap) bytes this reader examines; recording time and duration not read")
            return
        }
        guard let view = access.view(at: moov.offset, count: Int(moov.size), context: "mp4", problems: &problems) else {
            return
        }
        var walk = MoovWalk()
        walkChildren(of: moov, depth: 1, in: view, from: moov.headerSize, to: Int(moov.size), walk: &walk, problems: &problems)
        guard let mvhd = walk.mvhd else {
            problems.add("mp4: box 'moov' at offset \(moov.offset) has no 'mvhd' movie header; recording time and duration not read")
            return
        }
        MovieHeader.read(mvhd, in: view, into: &result, problems: &problems)
    }

    /// State carried through the recursive walk of `moov`.
    struct MoovWalk {
        var mvhd: ISOBox?
        var boxes = 0
        var exhausted = false
    }

    /// Walks the children of a container box held in `view` (indices `from..<to`).
    static func walkChildren(of parent: ISOBox, depth: Int, in view: ByteView, from: Int, to: Int,
                             walk: inout MoovWalk, problems: inout ProblemLog) {
        var index = from
        while index < to, !walk.exhausted {
            walk.boxes += 1
            if walk.boxes > maxBoxesInMoov {
                walk.exhausted = true
                problems.add("mp4: more than \(maxBoxesInMoov) boxes inside 'moov' at offset \(view.base); stopped walking")
                return
            }
            let available = UInt64(to - index)
            if available < 8 {
                if let tail = view.slice(index, to - index), !ByteText.isBlank(tail) {
                    problems.add("mp4: \(available) stray bytes at offset \(view.base + UInt64(index)) at the end of \(parent.name) are too few for a box header")
                }
                return  // QuickTime allows a 32-bit zero terminator here
            }
            let box: ISOBox
            switch ISOBox.parse(view, at: index, available: available, parent: parent.name) {
            case .invalid(let problem), .pastEnd(_, let problem):
                problems.add(problem)
                return
            case .box(let child):
                box = child
            }
            if parent.isType("moov"), box.isType("mvhd") {
                if walk.mvhd == nil {
                    walk.mvhd = box
                } else {
                    problems.add("mp4: a second 'mvhd' box at offset \(box.offset); only the first is used")
                }
            }
            if containerTypes.contains(String(decoding: box.type, as: UTF8.self)) {
                if depth + 2 > maxDepth {
                    problems.add("mp4: box \(box.name) at offset \(box.offset) is at nesting depth \(depth + 1); its children would be nested deeper than the \(maxDepth) levels this reader follows and are not examined")
                } else {
                    let start = index + box.headerSize
                    let end = index + Int(box.size)
                    walkChildren(of: box, depth: depth + 1, in: view, from: start, to: end, walk: &walk, problems: &problems)
                }
            }
            index += Int(box.size)
        }
    }
}
