import Foundation

/// Checks the shape and ranges of TOML date-times (which are kept as written):
///
/// - offset date-time `1979-05-27T07:32:00Z`, `1979-05-27 00:32:00.999-07:00`
/// - local date-time `1979-05-27T07:32:00`
/// - local date `1979-05-27`
/// - local time `07:32:00.5`
///
/// The separator may be `T`, `t` or a space; `Z` may be lower case. Seconds are
/// required (TOML 1.0); a leap second (`:60`) is accepted as RFC 3339 allows.
struct TOMLDateTimeValidator {
    let token: ArraySlice<UInt8>
    let text: String
    var i: Int

    static func validate(_ token: ArraySlice<UInt8>, text: String) throws(TOMLTokenError) {
        var v = TOMLDateTimeValidator(token: token, text: text, i: token.startIndex)
        try v.run()
    }

    private func at(_ k: Int) -> UInt8? { k < token.endIndex ? token[k] : nil }

    private func fail(_ offset: Int, _ problem: String) -> TOMLTokenError {
        TOMLTokenError(offset: offset, message: "invalid date-time '\(text)': \(problem)")
    }

    private func describe(_ k: Int) -> String {
        guard let b = at(k) else { return "end of value" }
        if b == TOMLByte.space { return "a space" }
        return "'\(Character(Unicode.Scalar(b)))'"
    }

    /// Exactly `count` digits as a number, in `range`.
    private mutating func number(_ count: Int, _ name: String, _ range: ClosedRange<Int>) throws(TOMLTokenError) -> Int {
        let start = i
        var value = 0
        for _ in 0..<count {
            guard let b = at(i), TOMLScalar.isDigit(b) else {
                throw fail(i, "expected \(count) digits for the \(name), found \(describe(i))")
            }
            value = value * 10 + Int(b - UInt8(ascii: "0"))
            i += 1
        }
        guard range.contains(value) else {
            let low = String(repeating: "0", count: max(0, count - String(range.lowerBound).count)) + String(range.lowerBound)
            throw fail(start, "the \(name) must be between \(low) and \(range.upperBound)")
        }
        return value
    }

    private mutating func expect(_ byte: UInt8, after name: String) throws(TOMLTokenError) {
        guard at(i) == byte else {
            throw fail(i, "expected '\(Character(Unicode.Scalar(byte)))' after the \(name), found \(describe(i))")
        }
        i += 1
    }

    private mutating func run() throws(TOMLTokenError) {
        if TOMLScalar.looksLikeTime(token) {
            try time()
            try finish(allowOffset: false, what: "local time")
            return
        }
        let year = try number(4, "year", 0...9999)
        try expect(UInt8(ascii: "-"), after: "year")
        let month = try number(2, "month", 1...12)
        try expect(UInt8(ascii: "-"), after: "month")
        let dayStart = i
        let day = try number(2, "day", 1...31)
        if day > Self.daysIn(month: month, year: year) {
            throw fail(dayStart, "day \(day) does not exist in month \(month) of \(year)")
        }
        guard let sep = at(i) else { return }  // local date
        guard sep == UInt8(ascii: "T") || sep == UInt8(ascii: "t") || sep == TOMLByte.space else {
            throw fail(i, "expected 'T' or a space between the date and the time, found \(describe(i))")
        }
        i += 1
        try time()
        try finish(allowOffset: true, what: "date-time")
    }

    /// `HH:MM:SS` with optional `.fraction`.
    private mutating func time() throws(TOMLTokenError) {
        _ = try number(2, "hour", 0...23)
        try expect(UInt8(ascii: ":"), after: "hour")
        _ = try number(2, "minute", 0...59)
        try expect(UInt8(ascii: ":"), after: "minute")
        _ = try number(2, "second", 0...60)
        if at(i) == TOMLByte.dot {
            i += 1
            guard let b = at(i), TOMLScalar.isDigit(b) else {
                throw fail(i, "expected digits after '.', found \(describe(i))")
            }
            while let b = at(i), TOMLScalar.isDigit(b) { i += 1 }
        }
    }

    /// An optional offset (`Z` or `±HH:MM`), then the end of the token.
    private mutating func finish(allowOffset: Bool, what: String) throws(TOMLTokenError) {
        if allowOffset, let b = at(i) {
            if b == UInt8(ascii: "Z") || b == UInt8(ascii: "z") {
                i += 1
            } else if b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                i += 1
                _ = try number(2, "offset hour", 0...23)
                try expect(UInt8(ascii: ":"), after: "offset hour")
                _ = try number(2, "offset minute", 0...59)
            }
        }
        if i < token.endIndex {
            throw fail(i, "unexpected \(describe(i)) in \(what)")
        }
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }
}
