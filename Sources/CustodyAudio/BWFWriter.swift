/// Writes one Broadcast Wave segment (EBU Tech 3285, RF64 per EBU Tech 3306)
/// so that it is a valid file at every moment a crash could stop it.
///
/// The header (RIFF, a `JUNK` chunk reserved for `ds64`, `fmt `, `bext`, `iXML`,
/// `data`) is written and synced at creation. Frames are appended untouched.
/// At every checkpoint (every ``checkpointFrames`` frames, and at ``finish()``)
/// the appended data is synced (`fdatasync`), then the RIFF and `data` sizes are
/// brought up to date and synced again: the header never claims a byte that is
/// not on the disk, and a crash loses at most the frames since the last
/// checkpoint (``SegmentRepair`` then counts in the frames that did reach the disk).
///
/// When the RIFF size passes the 32-bit limit the file becomes RF64: "RIFF"
/// turns into "RF64", the `JUNK` chunk into `ds64` holding the 64-bit sizes, and
/// the 32-bit size fields into 0xFFFFFFFF.
///
/// Used by one thread at a time.
public final class BWFWriter {
    /// The file being written.
    public let path: String
    public let format: PCMStreamFormat
    /// Frames between checkpoints.
    public let checkpointFrames: UInt64
    /// Frames appended so far.
    public private(set) var framesWritten: UInt64 = 0
    /// Whether the file has become RF64.
    public private(set) var isRF64 = false

    /// The RIFF size above which the file becomes RF64 (tests lower it).
    let rf64Threshold: UInt64
    private var file: SegmentFile?
    private let dataHeaderOffset: UInt64
    /// Data bytes handed to `write(2)`.
    private var dataBytesWritten: UInt64 = 0
    /// Data bytes whose sizes the header states (as of the last checkpoint).
    private(set) var dataBytesInHeader: UInt64 = 0
    private var staging: UnsafeMutableRawBufferPointer
    private var stagedBytes = 0

    /// Bytes gathered before one `write(2)`.
    static let stagingCapacity = 256 * 1024

    /// Creates the file (never overwriting one), writes the header chunks and syncs
    /// the file and its directory.
    /// - Throws: ``BWFError`` naming the system call and the path.
    public convenience init(path: String, format: PCMStreamFormat, broadcastExtension: BroadcastExtensionFields,
                            iXML: IXMLDocument, checkpointFrames: UInt64) throws(BWFError) {
        try self.init(path: path, format: format, broadcastExtension: broadcastExtension, iXML: iXML,
                      checkpointFrames: checkpointFrames, rf64Threshold: BWFChunks.maximumRIFFSize)
    }

    init(path: String, format: PCMStreamFormat, broadcastExtension: BroadcastExtensionFields, iXML: IXMLDocument,
         checkpointFrames: UInt64, rf64Threshold: UInt64) throws(BWFError) {
        guard (1...Int(UInt16.max)).contains(format.channels), format.rate > 0,
              format.bytesPerFrame <= Int(UInt16.max), format.bytesPerSecond <= Int(UInt32.max) else {
            throw BWFError(code: .fieldTooLarge, path: path,
                           message: "\(format) does not fit a WAV format chunk (16-bit channels and block size, 32-bit byte rate)")
        }
        self.path = path
        self.format = format
        self.checkpointFrames = max(1, checkpointFrames)
        self.rf64Threshold = min(rf64Threshold, BWFChunks.maximumRIFFSize)
        var header = BWFChunks.riffHeader(riffSize: 0, dataSize: 0, frames: 0, rf64: false)
        header += BWFChunks.formatChunk(format)
        header += BWFChunks.broadcastExtensionChunk(broadcastExtension)
        header += BWFChunks.iXMLChunk(iXML)
        dataHeaderOffset = UInt64(header.count)
        header += BWFChunks.dataHeader(size: 0)
        // The RIFF size of the empty file: everything after the first 8 bytes.
        let riffSize = UInt32(header.count - 8)
        withUnsafeBytes(of: riffSize.littleEndian) { header.replaceSubrange(4..<8, with: $0) }
        staging = .allocate(byteCount: Self.stagingCapacity, alignment: 16)

        let file = try SegmentFile.create(path: path)
        self.file = file
        try file.write(header)
        try file.synchronize()
        try SegmentFile.synchronizeDirectory(of: path)
    }

    deinit {
        staging.deallocate()
    }

    /// Appends whole frames (interleaved, in ``format``), checkpointing when due.
    /// - Throws: ``BWFError``; after a failure, ``finish()`` still tries to leave a valid file.
    public func append(_ frames: UnsafeRawBufferPointer) throws(BWFError) {
        precondition(frames.count % format.bytesPerFrame == 0, "BWFWriter.append takes whole frames")
        guard let file else { throw closedError() }
        // Small appends are gathered; large ones go straight to write(2), without a copy.
        if frames.count < staging.count / 4, stagedBytes + frames.count <= staging.count {
            staging.baseAddress!.advanced(by: stagedBytes).copyMemory(from: frames.baseAddress!, byteCount: frames.count)
            stagedBytes += frames.count
        } else {
            try flush()
            try file.write(frames)
            dataBytesWritten += UInt64(frames.count)
        }
        framesWritten += UInt64(frames.count / format.bytesPerFrame)
        let checkpointed = dataBytesInHeader / UInt64(format.bytesPerFrame)
        if framesWritten - checkpointed >= checkpointFrames {
            try checkpoint()
        }
    }

    /// Syncs the data, brings the header's sizes up to date and syncs again.
    public func checkpoint() throws(BWFError) {
        guard let file else { throw closedError() }
        try flush()
        try file.synchronize()
        try writeSizes(padByte: false)
        try file.synchronize()
    }

    /// Writes the pad byte an odd-sized `data` chunk needs, the final sizes, syncs
    /// and closes the file. Returns what the file holds.
    public func finish() throws(BWFError) -> BWFSegmentInfo {
        guard let file else { throw closedError() }
        defer {
            file.close()
            self.file = nil
        }
        try flush()
        let pad = dataBytesWritten % 2 == 1
        if pad {
            try file.write([0])
        }
        try file.synchronize()
        try writeSizes(padByte: pad)
        try file.synchronize()
        return BWFSegmentInfo(path: path, format: format, frames: dataBytesWritten / UInt64(format.bytesPerFrame),
                              dataBytes: dataBytesWritten, fileBytes: dataHeaderOffset + 8 + dataBytesWritten + (pad ? 1 : 0),
                              isRF64: isRF64)
    }

    /// Closes the file without a final checkpoint (it stays as of the last one,
    /// for ``SegmentRepair`` to complete): what a crash would leave. For tests.
    func abandon() throws(BWFError) {
        try flush()
        file?.close()
        file = nil
    }

    private func flush() throws(BWFError) {
        guard stagedBytes > 0, let file else { return }
        let count = stagedBytes
        stagedBytes = 0
        try file.write(UnsafeRawBufferPointer(rebasing: staging[0..<count]))
        dataBytesWritten += UInt64(count)
    }

    private func writeSizes(padByte: Bool) throws(BWFError) {
        guard let file else { throw closedError() }
        isRF64 = try BWFHeaderSizes.write(to: file, dataHeaderOffset: dataHeaderOffset, dataBytes: dataBytesWritten,
                                          blockAlign: format.bytesPerFrame, padByte: padByte,
                                          rf64Threshold: rf64Threshold, isRF64: isRF64)
        dataBytesInHeader = dataBytesWritten
    }

    private func closedError() -> BWFError {
        BWFError(code: .closed, path: path, message: "the segment is already finished or abandoned")
    }
}

/// What a finished segment holds.
public struct BWFSegmentInfo: Sendable, Hashable, Codable {
    public var path: String
    public var format: PCMStreamFormat
    public var frames: UInt64
    /// Bytes of PCM data (the `data` chunk's payload, without its pad byte).
    public var dataBytes: UInt64
    /// Bytes of the whole file.
    public var fileBytes: UInt64
    public var isRF64: Bool
}

/// Writes the size fields of a segment whose `data` chunk is last: RIFF and
/// `data`, or the 64-bit sizes of `ds64`; past the threshold, turns RIFF + the
/// 28-byte `JUNK` chunk at offset 12 into RF64 + `ds64`. Shared by ``BWFWriter``
/// and ``SegmentRepair``.
enum BWFHeaderSizes {
    /// Returns whether the file is RF64 afterwards.
    static func write(to file: SegmentFile, dataHeaderOffset: UInt64, dataBytes: UInt64, blockAlign: Int,
                      padByte: Bool, rf64Threshold: UInt64, isRF64: Bool) throws(BWFError) -> Bool {
        let riffSize = dataHeaderOffset + dataBytes + (padByte ? 1 : 0)
        let frames = dataBytes / UInt64(max(1, blockAlign))
        if isRF64 {
            // Only the three 64-bit sizes of ds64 (its size and table stay as they are).
            var sizes = ByteWriter()
            sizes.u64(riffSize)
            sizes.u64(dataBytes)
            sizes.u64(frames)
            try file.write(sizes.bytes, at: BWFChunks.dataSize64Offset + 8)
            return true
        }
        if riffSize > rf64Threshold {
            // The switch: RF64 + ds64 over RIFF + the JUNK placeholder in one write,
            // then data's 32-bit size.
            try file.write(BWFChunks.riffHeader(riffSize: riffSize, dataSize: dataBytes, frames: frames, rf64: true), at: 0)
            try file.write(BWFChunks.dataHeader(size: UInt32.max), at: dataHeaderOffset)
            return true
        }
        var riff = ByteWriter()
        riff.fourCC("RIFF")
        riff.u32(UInt32(riffSize))
        try file.write(riff.bytes, at: 0)
        try file.write(BWFChunks.dataHeader(size: UInt32(dataBytes)), at: dataHeaderOffset)
        return false
    }
}
