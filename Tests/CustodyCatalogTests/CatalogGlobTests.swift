import Testing
@testable import CustodyCatalog

@Suite("File patterns of the paths and exclude options")
struct CatalogGlobTests {
    func matches(_ pattern: String, _ path: String) throws -> Bool {
        try #require(CatalogGlob(validating: pattern)).matches(path)
    }

    @Test("* and ? stay within a segment; ** crosses any number of segments")
    func wildcards() throws {
        #expect(try matches("DCIM/*.MP4", "DCIM/FILE0001.MP4"))
        #expect(try !matches("DCIM/*.MP4", "DCIM/100MEDIA/FILE0001.MP4"))
        #expect(try matches("DCIM/*/*.MP4", "DCIM/100MEDIA/FILE0001.MP4"))
        #expect(try matches("DCIM/**", "DCIM/100MEDIA/FILE0001.MP4"))
        #expect(try matches("DCIM/**", "DCIM/A.JPG"))
        #expect(try !matches("DCIM/**", "AUDIO/A.WAV"))
        #expect(try !matches("DCIM/**", "DCIMX/A.JPG"))
        #expect(try matches("**/*.TMP", "DCIM/100MEDIA/REC.TMP"))
        #expect(try matches("**/*.TMP", "REC.TMP"))
        #expect(try matches("**", "any/depth/at/all.bin"))
        #expect(try matches("DCIM/**/*.JPG", "DCIM/A.JPG"))
        #expect(try matches("DCIM/**/*.JPG", "DCIM/1/2/3/A.JPG"))
        #expect(try !matches("DCIM/**/*.JPG", "DCIM/1/2/3/A.MP4"))
        #expect(try matches("FILE????.MP4", "FILE0001.MP4"))
        #expect(try !matches("FILE????.MP4", "FILE001.MP4"))
        #expect(try matches("*", "x"))
        #expect(try !matches("*", "a/b"))
        #expect(try matches("a*b*c", "aXXbYYbZc"))
    }

    @Test("matching ignores case, as FAT does, and a leading '/' of the path")
    func caseAndLeadingSlash() throws {
        #expect(try matches("dcim/**", "DCIM/100MEDIA/File.mp4"))
        #expect(try matches("DCIM/*.mp4", "/dcim/FILE.MP4"))
    }

    @Test("invalid patterns are refused with a reason")
    func invalid() {
        #expect(CatalogGlob.problem(with: "") != nil)
        #expect(CatalogGlob.problem(with: "/DCIM") != nil)
        #expect(CatalogGlob.problem(with: "DCIM//A") != nil)
        #expect(CatalogGlob.problem(with: "DCIM/") != nil)
        #expect(CatalogGlob.problem(with: "../etc/*") != nil)
        #expect(CatalogGlob.problem(with: "DCIM/./A") != nil)
        #expect(CatalogGlob.problem(with: "a**") != nil)
        #expect(CatalogGlob.problem(with: "[abc].MP4") != nil)
        #expect(CatalogGlob.problem(with: "{a,b}") != nil)
        #expect(CatalogGlob(validating: "/DCIM") == nil)
        #expect(CatalogGlob.problem(with: "DCIM/100*/FILE?.MP4") == nil)
    }

    @Test("options select files included by paths and not excluded")
    func selects() {
        let options = DriverOptions(paths: ["DCIM/**", "AUDIO/**"], exclude: ["**/*.TMP"])
        #expect(options.selects("DCIM/100MEDIA/FILE0001.MP4"))
        #expect(options.selects("AUDIO/NOTE.WAV"))
        #expect(!options.selects("DCIM/100MEDIA/FILE0002.TMP"))
        #expect(!options.selects("LOG/SYSTEM.TXT"))
        #expect(DriverOptions().selects("LOG/SYSTEM.TXT"))
    }
}
