/// Builds for the fuzzer (`swiftc -D CUSTODY_FUZZING`, scripts/fuzz.sh) accept
/// structures whose checksums do not match (GPT CRC32s, the exFAT boot checksum,
/// entry-set and up-case checksums), so that mutated inputs reach the code behind
/// them. Every other build checks them; nothing else differs.
enum FuzzingMode {
    #if CUSTODY_FUZZING
    static let acceptsBadChecksums = true
    #else
    static let acceptsBadChecksums = false
    #endif
}
