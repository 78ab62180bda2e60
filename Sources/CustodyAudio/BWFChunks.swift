// The chunks of a Custody Broadcast Wave segment, byte by byte.
//
//   offset 0   "RIFF" size32 "WAVE"          ("RF64" 0xFFFFFFFF "WAVE" past 4 GiB)
//   offset 12  "JUNK" 28 <28 zero bytes>     ("ds64" 28 riff64 data64 frames64 0)
//   offset 48  "fmt " 16 or 40               (WAVE_FORMAT_EXTENSIBLE: > 2 channels or > 16 bits)
//              "bext" 602 + CodingHistory    (EBU Tech 3285)
//              "iXML" document               (track names)
//              "data" size32 <frames>        (0xFFFFFFFF in RF64: the size is in ds64)

/// Little-endian bytes, appended.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func fourCC(_ id: String) {
        precondition(id.utf8.count == 4, "a chunk id is four ASCII characters")
        bytes.append(contentsOf: id.utf8)
    }
    mutating func u16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
    mutating func zeros(_ count: Int) { bytes.append(contentsOf: repeatElement(0, count: count)) }

    /// A fixed-size ASCII field: the text's bytes, cut to `size` (never inside a
    /// UTF-8 sequence), then NUL padding.
    mutating func text(_ value: String, size: Int) {
        let field = BWFChunks.fixedField(value, size: size)
        bytes.append(contentsOf: field)
        zeros(size - field.count)
    }
}

/// Builds the header chunks and knows where the size fields are.
enum BWFChunks {
    /// Offset of the chunk after the RIFF header: the `JUNK` placeholder or `ds64`.
    static let dataSize64Offset: UInt64 = 12
    /// Payload size of `ds64` with an empty table (and of its `JUNK` placeholder).
    static let dataSize64PayloadSize: UInt32 = 28
    /// The RIFF size above which the file becomes RF64: a 32-bit size must stay
    /// below 0xFFFFFFFF, which RF64 reserves as "see ds64".
    static let maximumRIFFSize: UInt64 = 0xFFFF_FFFE
    /// `KSDATAFORMAT_SUBTYPE_PCM`: 00000001-0000-0010-8000-00AA00389B71, as stored.
    static let pcmSubFormatGUID: [UInt8] = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
                                            0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71]
    static let waveFormatPCM: UInt16 = 1
    static let waveFormatExtensible: UInt16 = 0xFFFE

    /// Whether a stream needs `WAVE_FORMAT_EXTENSIBLE` (more than two channels or
    /// more than 16 bits per sample).
    static func needsExtensible(_ format: PCMStreamFormat) -> Bool {
        format.channels > 2 || format.sampleFormat.validBits > 16
    }

    /// The channel mask: front centre for mono, front left + right for stereo,
    /// and 0 ("no speaker positions") for the microphones of a courtroom.
    static func channelMask(channels: Int) -> UInt32 {
        switch channels {
        case 1: 0x4
        case 2: 0x3
        default: 0
        }
    }

    /// "RIFF" or "RF64", its size field, "WAVE", and the JUNK placeholder (or ds64).
    static func riffHeader(riffSize: UInt64, dataSize: UInt64, frames: UInt64, rf64: Bool) -> [UInt8] {
        var writer = ByteWriter()
        if rf64 {
            writer.fourCC("RF64")
            writer.u32(UInt32.max)
            writer.fourCC("WAVE")
            writer.fourCC("ds64")
            writer.u32(dataSize64PayloadSize)
            writer.u64(riffSize)
            writer.u64(dataSize)
            writer.u64(frames)
            writer.u32(0)
        } else {
            writer.fourCC("RIFF")
            writer.u32(UInt32(riffSize))
            writer.fourCC("WAVE")
            writer.fourCC("JUNK")
            writer.u32(dataSize64PayloadSize)
            writer.zeros(Int(dataSize64PayloadSize))
        }
        return writer.bytes
    }

    /// The `fmt ` chunk: PCMWAVEFORMAT (16 bytes) for mono or stereo 16-bit,
    /// WAVEFORMATEXTENSIBLE (40 bytes) otherwise.
    static func formatChunk(_ format: PCMStreamFormat) -> [UInt8] {
        let extensible = needsExtensible(format)
        var writer = ByteWriter()
        writer.fourCC("fmt ")
        writer.u32(extensible ? 40 : 16)
        writer.u16(extensible ? waveFormatExtensible : waveFormatPCM)
        writer.u16(UInt16(format.channels))
        writer.u32(UInt32(format.rate))
        writer.u32(UInt32(format.bytesPerSecond))
        writer.u16(UInt16(format.bytesPerFrame))
        writer.u16(UInt16(format.sampleFormat.bytesPerSample * 8))
        if extensible {
            writer.u16(22)
            writer.u16(UInt16(format.sampleFormat.validBits))
            writer.u32(channelMask(channels: format.channels))
            writer.raw(pcmSubFormatGUID)
        }
        return writer.bytes
    }

    /// The `bext` chunk (EBU Tech 3285): the fixed 602 bytes, then CodingHistory
    /// (NUL-padded to an even size).
    static func broadcastExtensionChunk(_ fields: BroadcastExtensionFields) -> [UInt8] {
        var body = ByteWriter()
        body.text(fields.description, size: 256)
        body.text(fields.originator, size: 32)
        body.text(fields.originatorReference, size: 32)
        body.text(fields.originationDate, size: 10)
        body.text(fields.originationTime, size: 8)
        body.u32(UInt32(truncatingIfNeeded: fields.timeReference))
        body.u32(UInt32(truncatingIfNeeded: fields.timeReference >> 32))
        body.u16(fields.version)
        body.zeros(64)       // UMID: none
        body.zeros(10)       // loudness (version 2): not measured, version 1 written
        body.zeros(180)      // reserved
        body.raw(Array(fields.codingHistory.utf8))
        if body.bytes.count % 2 == 1 { body.zeros(1) }
        return chunk("bext", body.bytes)
    }

    /// The `iXML` chunk (NUL-padded to an even size).
    static func iXMLChunk(_ document: IXMLDocument) -> [UInt8] {
        var body = Array(document.xml.utf8)
        if body.count % 2 == 1 { body.append(0) }
        return chunk("iXML", body)
    }

    /// The `data` chunk's header; its size is brought up to date as frames arrive.
    static func dataHeader(size: UInt32) -> [UInt8] {
        var writer = ByteWriter()
        writer.fourCC("data")
        writer.u32(size)
        return writer.bytes
    }

    static func chunk(_ id: String, _ body: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.fourCC(id)
        writer.u32(UInt32(body.count))
        writer.raw(body)
        return writer.bytes
    }

    /// A text cut to at most `size` bytes, never inside a UTF-8 sequence.
    static func fixedField(_ value: String, size: Int) -> [UInt8] {
        let bytes = Array(value.utf8.prefix(size))
        guard bytes.count == size, value.utf8.count > size else { return bytes }
        // Find where the last character begins; drop it if the cut left it incomplete.
        var lead = bytes.count - 1
        while lead > 0, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        let byte = bytes[lead]
        let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        return lead + length > bytes.count ? Array(bytes[..<lead]) : bytes
    }
}
