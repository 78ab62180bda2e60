import CustodyTestSupport
import Foundation
import Testing
@testable import CustodyTOML

/// Runs Python's `tomllib` (an independent TOML 1.0 implementation, in the
/// standard library since 3.11) over documents as a reference. Without it the
/// cross-check fails, naming what is missing.
enum PythonTOML {

    /// Encodes a parsed document exactly as `TOMLCanonical.encode` does.
    static let encoder = #"""
        import datetime, json, struct, sys, tomllib

        def scalars(s):
            return ".".join("%x" % ord(c) for c in s)

        def enc(v):
            if isinstance(v, bool): return "b:true" if v else "b:false"
            if isinstance(v, int): return "i:%d" % v
            if isinstance(v, float):
                if v != v: return "f:nan"
                return "f:%d" % struct.unpack("<q", struct.pack("<d", v))[0]
            if isinstance(v, str): return "s:" + scalars(v)
            if isinstance(v, datetime.datetime):
                off = v.utcoffset()
                o = "local" if off is None else "%d" % (off.total_seconds() // 60)
                return "dt:%04d-%02d-%02d %02d:%02d:%02d.%06d %s" % (
                    v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond, o)
            if isinstance(v, datetime.date): return "d:%04d-%02d-%02d" % (v.year, v.month, v.day)
            if isinstance(v, datetime.time):
                return "t:%02d:%02d:%02d.%06d" % (v.hour, v.minute, v.second, v.microsecond)
            if isinstance(v, list): return "[" + ",".join(enc(x) for x in v) + "]"
            if isinstance(v, dict): return "{" + ",".join(scalars(k) + "=" + enc(v[k]) for k in sorted(v)) + "}"
            raise TypeError(type(v))

        out = []
        for doc in json.load(open(sys.argv[1], encoding="utf-8")):
            try:
                out.append(enc(tomllib.loads(doc)))
            except Exception as e:
                out.append("error: " + repr(e))
        json.dump(out, sys.stdout)
        """#

    /// `tomllib`'s canonical text for each document, or "error: ..." where it rejects one.
    static func canonical(_ documents: [String]) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("toml-crosscheck-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("encode.py")
        let input = dir.appendingPathComponent("documents.json")
        try Data(encoder.utf8).write(to: script)
        try JSONEncoder().encode(documents).write(to: input)
        // Python older than 3.11 has no tomllib: the run fails, and its message says so.
        let output = try ExternalTool.python3.runBlocking([script.path, input.path])
        return try JSONDecoder().decode([String].self, from: output)
    }
}

/// Compares our parser with Python's `tomllib` on valid documents (same values),
/// on invalid ones (both reject), and on seeded generated documents: random,
/// mutated, structured and scalar-focused (same verdict and values, apart from
/// the two documented differences below).
@Suite("TOML cross-check with Python tomllib")
struct TOMLCrossCheckTests {
    static let validDocuments: [String] = TOMLFuzzCorpus.seeds + [
        TOMLTableReaderTests.document,
        """
        # The TOML README example
        title = "TOML Example"

        [owner]
        name = "Tom Preston-Werner"
        dob = 1979-05-27T07:32:00-08:00

        [database]
        enabled = true
        ports = [ 8000, 8001, 8002 ]
        data = [ ["delta", "phi"], [3.14] ]
        temp_targets = { cpu = 79.5, case = 72.0 }

        [servers]

        [servers.alpha]
        ip = "10.0.0.1"
        role = "frontend"

        [servers.beta]
        ip = "10.0.0.2"
        role = "backend"
        """,
        "a = \"\"\"\nRoses\\\n   are red\r\n\"\"\"\"\"\nb = '''\n'''\nc = \"\"\"\"\"\"\nd = '''''x'''''\n",
        "e = \"\\b\\t\\n\\f\\r\\\"\\\\\\u00E9\\U0001F600\"\n\"\\u0041\" = 1\n'\\u0041' = 2\n\"\" = 3\n",
        "i = [+99, 42, 0, -17, 1_000, 5_349_221, 0xDEADBEEF, 0xdead_beef, 0o755, 0b1101_0110, 9223372036854775807, -9223372036854775808]\n",
        "f = [+1.0, 3.1415, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991_228, -0.0, 1e400, -inf, -nan, 1e-400, 0.1, 1e16, 123456789012345678.0]\n",
        "d = [1979-05-27T07:32:00Z, 1979-05-27t00:32:00.999999-07:00, 1979-05-27 07:32:00.1234567z, 1979-05-27T00:32:00+14:00, 1979-05-27T00:32:00-00:00]\n"
            + "l = [1979-05-27T07:32:00, 1979-05-27 00:32:00.5, 2000-02-29, 00:00:00, 23:59:59.999999999]\n",
        "[a.b.c]\nz = 1\n[a]\nb.d = 2\n[x.y]\n[x]\n[x.w]\n",
        "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n",
        "[[fruits]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"red delicious\"\n[[fruits.varieties]]\nname = \"granny smith\"\n[[fruits]]\nname = \"banana\"\n[[fruits.varieties]]\nname = \"plantain\"\n",
        "[[a]]\n[a.b]\nx = 1\n[[a]]\n[a.b]\nx = 2\n",
        "points = [ { x = 1, y = 2, z = 3 },\n  { x = 7, y = 8, z = 9 },\n  { x = 2, y = 4, z = 8 } ]\nmixed = [1, 'a', [], {}, 1.5, true, 1979-05-27]\n",
        "x = { a.b = 1, a.c = { d = [ { e = 'f' } ] } }\ny = {}\nz = { \"q k\" = \"\", 'l.k' = 0 }\n",
        "  k\t=\t1  # spaces and tabs\n\t[ t . u ]  \n\tv = 2\n",
        "\"ʎǝʞ\" = 1\n\"ʎǝʞ2\" = \"😀é\"\n# ünïcödé comment\n",
        "a = 1\r\nb = [\r\n  2,\r\n]\r\n[c]\r\nd = 3\r\n",
        "1 = 1\n2.3 = 'x'\ntrue = false\ninf = nan\n-a- = '-'\n_ = '_'\n",
    ]

    @Test func validDocumentsMatch() throws {
        let expected = try PythonTOML.canonical(Self.validDocuments)
        for (doc, python) in zip(Self.validDocuments, expected) {
            #expect(TOMLCanonical.result(doc) == .success(python), "\(doc.debugDescription)")
        }
    }

    @Test func invalidDocumentsAreRejectedByBoth() throws {
        // tomllib accepts integers of any size; TOML 1.0 requires an error past 64 bits.
        let unbounded: Set = ["integer too large", "integer too small", "hex too large"]
        let cases = (TOMLErrorTests.structure + TOMLErrorTests.syntax).filter { !unbounded.contains($0.name) }
        let python = try PythonTOML.canonical(cases.map(\.text))
        for (c, verdict) in zip(cases, python) {
            #expect(verdict.hasPrefix("error: "), "tomllib accepted \(c.name): \(c.text.debugDescription)")
            if case .success = TOMLCanonical.result(c.text) {
                Issue.record("we accepted \(c.name)")
            }
        }
    }

    @Test func generatedDocumentsAgree() throws {
        var rng = SplitMix64(seed: 0x70_4D4C)
        let documents = (0..<3000).map { TOMLFuzzCorpus.any($0, &rng) }
        let python = try PythonTOML.canonical(documents)
        var agreed = 0
        for (doc, reference) in zip(documents, python) {
            let ours = TOMLCanonical.result(doc)
            switch ours {
            case .success(let text) where text == reference:
                agreed += 1
            case .failure where reference.hasPrefix("error: "):
                agreed += 1
            case .failure(let e) where e.message.hasSuffix("does not fit in 64 bits"):
                break  // tomllib has unbounded integers
            case .success where reference.hasPrefix("error: ") && doc.contains(":60"):
                break  // a leap second: RFC 3339 allows it, Python's datetime does not
            default:
                Issue.record("disagreement on \(doc.debugDescription): ours \(ours), tomllib \(reference)")
            }
        }
        #expect(agreed > 2900)
    }
}
