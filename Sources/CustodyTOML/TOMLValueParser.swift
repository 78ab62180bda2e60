import Foundation

extension TOMLParser {
    /// A value after `=` or inside an array. The returned value's line is the
    /// line where it starts. `depth` is its nesting depth; `path` its key path
    /// (for messages inside inline tables).
    mutating func parseValue(depth: Int, path: [String]) throws(TOMLError) -> TOMLValue {
        let start = pos
        let line = source.line(at: start)
        guard let b = peek() else { throw error("expected a value, found end of file") }
        switch b {
        case TOMLByte.quote:
            if peek(1) == TOMLByte.quote, peek(2) == TOMLByte.quote {
                return TOMLValue(.string(try parseMultilineBasicString()), line: line)
            }
            return TOMLValue(.string(try parseBasicString()), line: line)
        case TOMLByte.apostrophe:
            if peek(1) == TOMLByte.apostrophe, peek(2) == TOMLByte.apostrophe {
                return TOMLValue(.string(try parseMultilineLiteralString()), line: line)
            }
            return TOMLValue(.string(try parseLiteralString()), line: line)
        case TOMLByte.openBracket:
            return try parseArray(depth: depth, path: path)
        case TOMLByte.openBrace:
            return try parseInlineTable(depth: depth, path: path)
        default:
            guard Self.isScalarTokenByte(b) else { throw error("expected a value, found \(found)") }
            return TOMLValue(try parseScalarToken(), line: line)
        }
    }

    /// `[ v, v, ... ]`, possibly over several lines, with comments and a trailing comma.
    mutating func parseArray(depth: Int, path: [String]) throws(TOMLError) -> TOMLValue {
        let open = pos
        let line = source.line(at: open)
        if depth > TOML.maximumNestingDepth {
            throw error("arrays and tables nest deeper than \(TOML.maximumNestingDepth) levels")
        }
        pos += 1
        var elements: [TOMLValue] = []
        while true {
            try skipWhitespaceCommentsAndNewlines()
            guard let b = peek() else { throw source.error(at: open, "unterminated array (missing ']')") }
            if b == TOMLByte.closeBracket {
                pos += 1
                break
            }
            elements.append(try parseValue(depth: depth + 1, path: path))
            try skipWhitespaceCommentsAndNewlines()
            guard let next = peek() else { throw source.error(at: open, "unterminated array (missing ']')") }
            if next == TOMLByte.comma {
                pos += 1
            } else if next == TOMLByte.closeBracket {
                pos += 1
                break
            } else {
                throw error("expected ',' or ']' after an array element, found \(found)")
            }
        }
        return TOMLValue(.array(elements), line: line)
    }

    /// `{ k = v, k.k = v }` on one line (newlines only inside values), no trailing comma.
    mutating func parseInlineTable(depth: Int, path: [String]) throws(TOMLError) -> TOMLValue {
        let open = pos
        let line = source.line(at: open)
        if depth > TOML.maximumNestingDepth {
            throw error("arrays and tables nest deeper than \(TOML.maximumNestingDepth) levels")
        }
        pos += 1
        let node = TOMLTableNode(origin: .inline, line: line, path: path)
        skipWhitespace()
        if peek() == TOMLByte.closeBrace {
            pos += 1
            return TOMLValue(.table(node.freeze()), line: line)
        }
        while true {
            skipWhitespace()
            switch peek() {
            case nil:
                throw source.error(at: open, "unterminated inline table (missing '}')")
            case TOMLByte.lf?, TOMLByte.cr?:
                throw error("newlines are not allowed in an inline table outside its values")
            case TOMLByte.closeBrace?:
                throw error("a trailing comma is not allowed in an inline table")
            default:
                break
            }
            try parseKeyValue(into: node, depth: depth)
            skipWhitespace()
            switch peek() {
            case TOMLByte.comma?:
                pos += 1
            case TOMLByte.closeBrace?:
                pos += 1
                return TOMLValue(.table(node.freeze()), line: line)
            case nil:
                throw source.error(at: open, "unterminated inline table (missing '}')")
            case TOMLByte.lf?, TOMLByte.cr?:
                throw error("newlines are not allowed in an inline table outside its values")
            default:
                throw error("expected ',' or '}' after a value in an inline table, found \(found)")
            }
        }
    }
}
