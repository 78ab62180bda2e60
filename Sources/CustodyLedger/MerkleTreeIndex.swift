/// A ledger's Merkle tree with every complete subtree's hash kept, so that the root of
/// any prefix, an inclusion proof or a consistency proof costs O(log² n) hashes rather
/// than a pass over all leaves. Building it hashes each interior node once (n − 1
/// node hashes). The results are those of ``MerkleTree`` (RFC 9162 section 2.1).
public struct MerkleTreeIndex: Sendable {
    /// `levels[j][i]` is the hash of the complete subtree of 2^j leaves starting at leaf i·2^j.
    private let levels: [[Hash]]

    public init(leaves: [Hash]) {
        var levels = [leaves]
        while let below = levels.last, below.count > 1 {
            var level: [Hash] = []
            level.reserveCapacity(below.count / 2)
            var i = 0
            while i + 1 < below.count {
                level.append(MerkleTree.nodeHash(below[i], below[i + 1]))
                i += 2
            }
            levels.append(level)
        }
        self.levels = levels
    }

    /// Number of leaves.
    public var count: Int { levels[0].count }

    /// MTH(D[0:size]): the root of the tree of the first `size` leaves.
    public func root(size: Int) -> Hash {
        precondition(size >= 0 && size <= count, "no tree of \(size) leaves in a ledger of \(count)")
        return size == 0 ? MerkleTree.root([]) : subtreeRoot(0, size)
    }

    /// PATH(m, D[size]): the inclusion proof of leaf `index` in the tree of the first `size` leaves.
    public func inclusionProof(index: Int, size: Int) -> [Hash] {
        precondition(index >= 0 && index < size && size <= count, "leaf \(index) is not in a tree of \(size)")
        var proof: [Hash] = []
        path(index, 0, size, into: &proof)
        return proof
    }

    /// PROOF(m, D[size]): the consistency proof from the tree of `oldSize` leaves to that of `size`.
    public func consistencyProof(oldSize: Int, size: Int) -> [Hash] {
        precondition(oldSize >= 1 && oldSize <= size && size <= count, "no consistency proof from \(oldSize) to \(size)")
        var proof: [Hash] = []
        subproof(oldSize, 0, size, complete: true, into: &proof)
        return proof
    }

    /// MTH(D[start:end]) where the range is one the RFC's recursion produces: `start`
    /// is a multiple of the largest power of two not above `end − start`.
    private func subtreeRoot(_ start: Int, _ end: Int) -> Hash {
        let n = end - start
        if n & (n - 1) == 0 {
            let level = n.trailingZeroBitCount
            return levels[level][start >> level]
        }
        let k = MerkleTree.largestPowerOfTwo(below: n)
        return MerkleTree.nodeHash(subtreeRoot(start, start + k), subtreeRoot(start + k, end))
    }

    private func path(_ m: Int, _ start: Int, _ end: Int, into proof: inout [Hash]) {
        let n = end - start
        guard n > 1 else { return }
        let k = MerkleTree.largestPowerOfTwo(below: n)
        if m < k {
            path(m, start, start + k, into: &proof)
            proof.append(subtreeRoot(start + k, end))
        } else {
            path(m - k, start + k, end, into: &proof)
            proof.append(subtreeRoot(start, start + k))
        }
    }

    private func subproof(_ m: Int, _ start: Int, _ end: Int, complete: Bool, into proof: inout [Hash]) {
        let n = end - start
        if m == n {
            if !complete { proof.append(subtreeRoot(start, end)) }
            return
        }
        let k = MerkleTree.largestPowerOfTwo(below: n)
        if m <= k {
            subproof(m, start, start + k, complete: complete, into: &proof)
            proof.append(subtreeRoot(start + k, end))
        } else {
            subproof(m - k, start + k, end, complete: false, into: &proof)
            proof.append(subtreeRoot(start, start + k))
        }
    }
}
