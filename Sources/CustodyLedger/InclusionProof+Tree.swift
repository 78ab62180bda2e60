import CustodyModel

extension MerkleTreeIndex {
    /// The inclusion proof of `event`, whose leaf is at `leafIndex`, in the tree of the
    /// first `size` leaves: its canonical entry, leaf hash and audit path.
    public func proof(of event: CustodyEvent, leafIndex: Int, size: Int) -> InclusionProof {
        let entry = CanonicalEntry.bytes(of: event)
        return InclusionProof(seq: event.seq, leafIndex: leafIndex, entry: String(decoding: entry, as: UTF8.self),
                              leafHash: MerkleTree.leafHash(entry), auditPath: inclusionProof(index: leafIndex, size: size))
    }
}
