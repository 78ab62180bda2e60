import Testing
@testable import CustodyLedger

@Suite("Merkle tree index: stored subtrees give the same roots and proofs")
struct MerkleTreeIndexTests {
    static let index = MerkleTreeIndex(leaves: MerkleTreeTests.leaves)

    @Test("prefix roots equal the reference's for every size", arguments: [0] + MerkleTreeTests.sizes)
    func roots(n: Int) {
        #expect(Self.index.root(size: n) == Reference.mth(MerkleTreeTests.leaves[..<n]))
    }

    @Test("inclusion proofs equal PATH(m, D[n]) and imply the reference root", arguments: MerkleTreeTests.sizes)
    func inclusion(n: Int) {
        let tree = MerkleTreeTests.leaves[..<n]
        let root = Reference.mth(tree)
        for m in MerkleTreeTests.samples(n) {
            let proof = Self.index.inclusionProof(index: m, size: n)
            #expect(proof == MerkleTree.inclusionProof(index: m, tree), "m=\(m) n=\(n)")
            #expect(Reference.rootFromInclusion(index: m, size: n, leaf: tree[m], proof: proof[...]) == root, "m=\(m) n=\(n)")
        }
    }

    @Test("consistency proofs equal PROOF(m, D[n]) and imply both reference roots", arguments: MerkleTreeTests.sizes)
    func consistency(n: Int) {
        let tree = MerkleTreeTests.leaves[..<n]
        for m in MerkleTreeTests.samples(n).map({ $0 + 1 }) {
            let proof = Self.index.consistencyProof(oldSize: m, size: n)
            #expect(proof == MerkleTree.consistencyProof(oldSize: m, tree), "m=\(m) n=\(n)")
            let implied = Reference.rootsFromConsistency(m, n, proof: proof[...], oldRoot: Reference.mth(MerkleTreeTests.leaves[..<m]), complete: true)
            #expect(implied?.1 == Reference.mth(tree), "m=\(m) n=\(n)")
        }
    }
}
