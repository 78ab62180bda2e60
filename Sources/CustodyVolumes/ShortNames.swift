/// FAT 8.3 short names: OEM code page 437 bytes, blank-padded, with the Windows NT
/// lower-case flags of byte 12 honoured, and the checksum VFAT long names carry.
enum ShortNames {
    /// Code page 437, bytes 0x80–0xFF.
    static let codePage437High: [Character] = Array(
        "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{00A0}")

    static func character(_ byte: UInt8) -> Character {
        if byte < 0x80 { return Character(Unicode.Scalar(byte)) }
        let index = Int(byte) - 0x80
        return index < codePage437High.count ? codePage437High[index] : "\u{FFFD}"
    }

    /// Bytes → text, trailing blanks removed; '/' and '\\' (which a short name may not
    /// hold, and which would make its path ambiguous) escaped as ``MediaText`` does.
    static func decode<C: Collection>(_ bytes: C, lowercase: Bool = false) -> String where C.Element == UInt8 {
        var text = bytes.map { byte in
            byte == 0x2F || byte == 0x5C ? MediaText.escaped([UInt16(byte)]) : String(character(byte))
        }.joined()
        while text.last == " " { text.removeLast() }
        return lowercase ? text.lowercased() : text
    }

    /// An 11-byte label field.
    static func decodeLabel(_ bytes: [UInt8]) -> String {
        decode(bytes)
    }

    /// The name of a 32-byte short entry at `offset`: "NAME.EXT", with 0x05 read as
    /// 0xE5 and the NT lower-case flags applied.
    static func name(_ entry: [UInt8], at offset: Int) -> String {
        var base = Array(entry[offset..<(offset + 8)])
        if base[0] == 0x05 { base[0] = 0xE5 }
        let flags = entry[offset + 12]
        let stem = decode(base, lowercase: flags & 0x08 != 0)
        let ext = decode(entry[(offset + 8)..<(offset + 11)], lowercase: flags & 0x10 != 0)
        return ext.isEmpty ? stem : stem + "." + ext
    }

    /// The checksum of an 11-byte short name that its long-name entries carry.
    static func checksum(_ entry: [UInt8], at offset: Int) -> UInt8 {
        var sum: UInt8 = 0
        for index in offset..<(offset + 11) {
            sum = ((sum & 1) << 7) &+ (sum >> 1) &+ entry[index]
        }
        return sum
    }
}
