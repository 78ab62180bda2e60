// Telling MP4 from QuickTime (and from other ISO formats) by the `ftyp` brands.

/// The MIME type and container name an `ftyp` box's brands select.
struct MediaFamily: Sendable, Equatable {
    var mediaType: String
    var container: String

    static let mp4 = MediaFamily(mediaType: "video/mp4", container: "mp4")
    static let mp4Audio = MediaFamily(mediaType: "audio/mp4", container: "mp4")
    static let mov = MediaFamily(mediaType: "video/quicktime", container: "mov")
}

/// Reads the `ftyp` box at the start of an ISO base media file.
enum FileTypeBox {
    /// The most of `ftyp` read (its major brand, minor version and compatible brands).
    static let readCap = 1024

    /// Brand prefixes of MP4-family video files: ISO (`isom`, `iso2`…), MPEG-4
    /// (`mp41`, `mp42`), AVC/HEVC, 3GPP, DASH, and camera makers' MP4 brands.
    static let videoBrandPrefixes = ["iso", "mp4", "avc", "hvc", "3gp", "3g2", "dash", "M4V", "msnv", "MSNV", "XAVC", "f4v", "mmp4", "NDAS"]
    /// Brands of audio-only MPEG-4 files.
    static let audioBrands: Set<String> = ["M4A ", "M4B ", "M4P ", "F4A "]

    /// The family selected by the brands: major brand `qt  ` is QuickTime, an
    /// MP4-family major brand is MP4; an unknown major brand falls back to the
    /// compatible brands. Nil for ISO files that are not MP4 or QuickTime video or
    /// audio (HEIF images, for example).
    static func classify(_ access: InputAccess, problems: inout ProblemLog) -> MediaFamily? {
        guard let view = access.view(at: 0, count: readCap, context: "mp4", problems: &problems) else {
            return .mp4
        }
        let box: ISOBox
        switch ISOBox.parse(view, at: 0, available: access.size, parent: nil) {
        case .box(let parsed):
            box = parsed
        case .pastEnd(let parsed, let problem):
            problems.add(problem)
            box = parsed
        case .invalid(let problem):
            problems.add(problem)
            return .mp4
        }
        let end = Int(min(box.size, UInt64(view.count)))
        guard end >= box.headerSize + 4, let majorBytes = view.slice(box.headerSize, 4) else {
            problems.add("mp4: box 'ftyp' at offset 0 is \(box.size) bytes, too short to hold a major brand; read as MP4")
            return .mp4
        }
        let major = String(decoding: majorBytes, as: UTF8.self)
        if let family = family(ofBrand: major) { return family }
        var index = box.headerSize + 8
        var compatible: [String] = []
        while index + 4 <= end, let brand = view.slice(index, 4) {
            compatible.append(String(decoding: brand, as: UTF8.self))
            index += 4
        }
        if compatible.contains("qt  ") { return .mov }
        return compatible.lazy.compactMap { family(ofBrand: $0) }.first
    }

    /// The family one brand names, or nil when the brand is not MP4 or QuickTime.
    static func family(ofBrand brand: String) -> MediaFamily? {
        if brand == "qt  " { return .mov }
        if audioBrands.contains(brand) { return .mp4Audio }
        if videoBrandPrefixes.contains(where: { brand.hasPrefix($0) }) { return .mp4 }
        return nil
    }
}
