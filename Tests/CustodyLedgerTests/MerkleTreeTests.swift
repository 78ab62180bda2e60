import Crypto
import Testing
@testable import CustodyLedger

/// A straightforward reference of RFC 9162 2.1, written from the definitions
/// (recursive, no bit tricks), to check the production algorithms against.
enum Reference {
    static func k(_ n: Int) -> Int { var k = 1; while k * 2 < n { k *= 2 }; return k }

    static func mth(_ d: ArraySlice<Hash>) -> Hash {
        if d.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        if d.count == 1 { return d.first! }
        let mid = d.startIndex + k(d.count)
        return MerkleTree.nodeHash(mth(d[..<mid]), mth(d[mid...]))
    }

    /// The root an inclusion proof implies, by walking PATH's definition backwards.
    static func rootFromInclusion(index m: Int, size n: Int, leaf: Hash, proof: ArraySlice<Hash>) -> Hash? {
        if n == 1 { return proof.isEmpty ? leaf : nil }
        guard let last = proof.last else { return nil }
        let rest = proof.dropLast()
        let k = k(n)
        if m < k {
            return rootFromInclusion(index: m, size: k, leaf: leaf, proof: rest).map { MerkleTree.nodeHash($0, last) }
        }
        return rootFromInclusion(index: m - k, size: n - k, leaf: leaf, proof: rest).map { MerkleTree.nodeHash(last, $0) }
    }

    /// The (old, new) roots a consistency proof implies, by walking SUBPROOF's definition.
    static func rootsFromConsistency(_ m: Int, _ n: Int, proof: ArraySlice<Hash>, oldRoot: Hash, complete: Bool) -> (Hash, Hash)? {
        if m == n {
            if complete { return proof.isEmpty ? (oldRoot, oldRoot) : nil }
            return proof.count == 1 ? (proof.first!, proof.first!) : nil
        }
        guard let last = proof.last else { return nil }
        let rest = proof.dropLast()
        let k = k(n)
        if m <= k {
            return rootsFromConsistency(m, k, proof: rest, oldRoot: oldRoot, complete: complete).map { ($0.0, MerkleTree.nodeHash($0.1, last)) }
        }
        return rootsFromConsistency(m - k, n - k, proof: rest, oldRoot: oldRoot, complete: false)
            .map { (MerkleTree.nodeHash(last, $0.0), MerkleTree.nodeHash(last, $0.1)) }
    }
}

@Suite("RFC 9162 Merkle tree")
struct MerkleTreeTests {
    static let leaves: [Hash] = (0..<3100).map { MerkleTree.leafHash(Array("entry \($0)".utf8)) }
    static let sizes: [Int] = Array(1...70) + [127, 128, 129, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025, 2047, 2048, 2049, 3000]

    static func samples(_ n: Int) -> [Int] {
        Array(Set([0, 1, n / 3, n / 2, n - 2, n - 1, (n * 7) / 11].filter { $0 >= 0 && $0 < n })).sorted()
    }

    @Test("hashes are RFC 9162's: domain-separated leaves and nodes; the empty tree is SHA-256 of nothing")
    func hashes() {
        #expect(MerkleTree.leafHash([]) == Array(SHA256.hash(data: [0x00])))
        #expect(MerkleTree.nodeHash([1], [2]) == Array(SHA256.hash(data: [0x01, 1, 2])))
        #expect(MerkleTree.root([Hash]()) == Array(SHA256.hash(data: [UInt8]())))
        // A known value: the root of one leaf "" is SHA-256(0x00).
        #expect(MerkleTree.root([MerkleTree.leafHash([])]).map { String(format: "%02x", $0) }.joined()
                == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    }

    @Test("roots agree with the reference for every size", arguments: sizes)
    func roots(n: Int) {
        #expect(MerkleTree.root(Self.leaves[..<n]) == Reference.mth(Self.leaves[..<n]))
    }

    @Test("inclusion proofs verify, match the reference, and fail when tampered", arguments: sizes)
    func inclusion(n: Int) {
        let tree = Self.leaves[..<n]
        let root = MerkleTree.root(tree)
        for m in Self.samples(n) {
            let proof = MerkleTree.inclusionProof(index: m, tree)
            #expect(MerkleTree.verifyInclusion(index: m, treeSize: n, leafHash: tree[m], proof: proof, root: root), "m=\(m) n=\(n)")
            #expect(Reference.rootFromInclusion(index: m, size: n, leaf: tree[m], proof: proof[...]) == root, "m=\(m) n=\(n)")
            #expect(!MerkleTree.verifyInclusion(index: m, treeSize: n, leafHash: MerkleTree.leafHash([9]), proof: proof, root: root))
            if !proof.isEmpty {
                var bad = proof
                bad[bad.count / 2][0] ^= 1
                #expect(!MerkleTree.verifyInclusion(index: m, treeSize: n, leafHash: tree[m], proof: bad, root: root))
                #expect(!MerkleTree.verifyInclusion(index: m, treeSize: n, leafHash: tree[m], proof: proof.dropLast(), root: root))
            }
            if n > 1 {
                let other = (m + 1) % n
                #expect(tree[other] == tree[m] || !MerkleTree.verifyInclusion(index: other, treeSize: n, leafHash: tree[m], proof: proof, root: root))
            }
        }
    }

    @Test("consistency proofs verify, match the reference, and fail when tampered", arguments: sizes)
    func consistency(n: Int) {
        let tree = Self.leaves[..<n]
        let newRoot = MerkleTree.root(tree)
        for m in Self.samples(n).map({ $0 + 1 }) {
            let oldRoot = MerkleTree.root(Self.leaves[..<m])
            let proof = MerkleTree.consistencyProof(oldSize: m, tree)
            #expect(MerkleTree.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: proof), "m=\(m) n=\(n)")
            let implied = Reference.rootsFromConsistency(m, n, proof: proof[...], oldRoot: oldRoot, complete: true)
            #expect(implied?.0 == oldRoot && implied?.1 == newRoot, "m=\(m) n=\(n)")
            #expect(!MerkleTree.verifyConsistency(oldSize: m, newSize: n, oldRoot: MerkleTree.leafHash([7]), newRoot: newRoot, proof: proof))
            if !proof.isEmpty {
                var bad = proof
                bad[0][31] ^= 0x80
                #expect(!MerkleTree.verifyConsistency(oldSize: m, newSize: n, oldRoot: oldRoot, newRoot: newRoot, proof: bad))
            }
        }
    }
}
