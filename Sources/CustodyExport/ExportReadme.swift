import CustodyModel

/// The bundle's README: what it holds and how anyone can check it, in plain language.
enum ExportReadme {
    static func text(_ input: ExportInput, files: [ExportFile]) -> String {
        let total = files.reduce(Int64(0)) { $0 + $1.size }
        return """
        EVIDENCE EXPORT \(input.exportID) FROM CUSTODY STATION \(input.station)

        Made:         \(input.createdAt)
        Made by:      \(input.actor.name) (Unix user id \(input.actor.uid))
        Selection:    \(input.selection)
        Reason:       \(input.reason ?? "(none given)")
        Files:        \(files.count), \(total) bytes in all
        Ledger:       checkpoint of \(input.checkpoint.treeSize) entries, root hash \(base64(input.checkpoint.rootHash))
        Station key:  \(input.verifierKey)

        WHAT THIS BUNDLE HOLDS

          evidence/ID/NAME       each recording, byte for byte as stored, under its
                                 original file name (ID is the item number)
          \(BundleLayout.checksums.padding(toLength: 22, withPad: " ", startingAt: 0)) the SHA-256 of each recording (for `sha256sum -c`)
          \(BundleLayout.manifest.padding(toLength: 22, withPad: " ", startingAt: 0)) the same as JSON, with where and when each was recorded
          custody/item-ID.json   every custody event of the item (who, what, when), each
                                 with its proof of inclusion in the station's ledger
          \(BundleLayout.exportProof.padding(toLength: 22, withPad: " ", startingAt: 0)) the event recording this export, with its proof
          \(BundleLayout.checkpoint.padding(toLength: 22, withPad: " ", startingAt: 0)) the ledger checkpoint signed by the station for this export
          \(BundleLayout.stationKey.padding(toLength: 22, withPad: " ", startingAt: 0)) the station's public key
          \(BundleLayout.caseDocument.padding(toLength: 22, withPad: " ", startingAt: 0)) the same facts in CASE/UCO (https://caseontology.org) JSON-LD

        HOW TO CHECK IT

        1. The files are unchanged. In this folder run

               sha256sum -c \(BundleLayout.checksums)

           Every line must end in "OK". The hashes are also those the station recorded
           when it first copied each file off the device (the "item.store" event in
           custody/item-ID.json), so a match proves the file is the one the device held.

        2. The station signed the ledger. checkpoint.txt is a signed note (C2SP
           tlog-checkpoint format): the station name, the number of ledger entries, the
           root hash of the ledger (RFC 9162 Merkle tree), then an Ed25519 signature line.
           The key in station-key.txt is "name+keyhash+base64(0x01 || public key)". Obtain
           the station's key from the agency independently of this bundle and compare it.

        3. Every custody event is in the signed ledger. For each event in custody/*.json,
           "entry" is the exact bytes of the ledger entry (JSON in RFC 8785 canonical form),
           leafHash = SHA-256(0x00 || entry), and auditPath proves that leaf is entry
           number leafIndex of the checkpoint's tree (RFC 9162 section 2.1.3.2). Nothing
           recorded about these files can have been removed or changed since: that would
           change the root hash the station signed.

        The Custody source repository has a short independent checker
        (tools/verify-export/verify_export.py, Python with the "cryptography" package)
        that does all three checks; it does not use Custody's code, and its README
        explains each step so that an expert can check it or write their own:

            python3 verify_export.py THIS-FOLDER --key "\(input.verifierKey)"

        """
    }
}
