/// One token of an expression, with its place in the source in characters.
struct ExpressionToken: Sendable {
    enum Kind: Sendable, Equatable {
        case number(Double)
        case duration(Double)
        case string(String)
        case name(String)
        case keyword(Keyword)
        case symbol(Symbol)
        case end
    }

    enum Keyword: String, Sendable, CaseIterable {
        case and, or, not, `in`, `if`, then, `else`, `true`, `false`, null
    }

    enum Symbol: String, Sendable {
        case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
        case comma = ",", dot = ".", range = "..", question = "?"
        case plus = "+", minus = "-", star = "*", slash = "/"
        case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">=", equal = "=", notEqual = "!="
    }

    var kind: Kind
    /// The first character's offset.
    var start: Int
    /// The offset just past the last character.
    var end: Int

    /// The token as a message quotes it.
    var quoted: String {
        switch kind {
        case .number(let value): "'\(ExpressionValue.numberText(value))'"
        case .duration(let value): "'\(ExpressionValue.durationText(value))'"
        case .string(let value): "'\(ExpressionValue.quoted(value))'"
        case .name(let name): "'\(name)'"
        case .keyword(let keyword): "'\(keyword.rawValue)'"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "the end"
        }
    }
}

/// Splits an expression's source into tokens.
///
/// Numbers are decimal (`42`, `0.5`, `1e-3`); a number followed directly by a unit is a duration
/// (`90s`, `15m`, `4h`, `2d`, `1w`, `1h30m`); strings are in double quotes with `\"`, `\\`, `\n`,
/// `\r`, `\t`, `\/` and `\uXXXX` escapes and do not span lines.
struct ExpressionLexer {
    let source: String
    private let characters: [Character]
    private var index = 0

    init(_ source: String) {
        self.source = source
        self.characters = Array(source)
    }

    static func tokens(_ source: String) throws(ExpressionError) -> [ExpressionToken] {
        var lexer = ExpressionLexer(source)
        var tokens: [ExpressionToken] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .end { return tokens }
        }
    }

    private func error(_ message: String, at offset: Int) -> ExpressionError {
        ExpressionError(source: source, offset: offset, message: message)
    }

    private func peek(_ ahead: Int = 0) -> Character? {
        index + ahead < characters.count ? characters[index + ahead] : nil
    }

    private static func isDigit(_ character: Character?) -> Bool {
        guard let character, character.isASCII else { return false }
        return character.isNumber
    }

    private static func isNameStart(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character == "_"
    }

    private static func isNamePart(_ character: Character?) -> Bool {
        guard let character else { return false }
        return character.isLetter || character == "_" || isDigit(character)
    }

    mutating func next() throws(ExpressionError) -> ExpressionToken {
        while let character = peek(), character.isWhitespace { index += 1 }
        let start = index
        guard let character = peek() else { return ExpressionToken(kind: .end, start: start, end: start) }
        func symbol(_ symbol: ExpressionToken.Symbol, length: Int = 1) -> ExpressionToken {
            index += length
            return ExpressionToken(kind: .symbol(symbol), start: start, end: index)
        }
        switch character {
        case "(": return symbol(.leftParen)
        case ")": return symbol(.rightParen)
        case "[": return symbol(.leftBracket)
        case "]": return symbol(.rightBracket)
        case ",": return symbol(.comma)
        case "?": return symbol(.question)
        case "+": return symbol(.plus)
        case "-": return symbol(.minus)
        case "*": return symbol(.star)
        case "/": return symbol(.slash)
        case ".":
            if peek(1) == "." { return symbol(.range, length: 2) }
            if Self.isDigit(peek(1)) { return try number() }
            return symbol(.dot)
        case "<":
            if peek(1) == "=" { return symbol(.lessEqual, length: 2) }
            if peek(1) == ">" { throw error("'<>' is not an operator; write != for not equal", at: start) }
            return symbol(.less)
        case ">": return peek(1) == "=" ? symbol(.greaterEqual, length: 2) : symbol(.greater)
        case "=": return peek(1) == "=" ? symbol(.equal, length: 2) : symbol(.equal)
        case "!":
            if peek(1) == "=" { return symbol(.notEqual, length: 2) }
            throw error("'!' is not an operator; write not(...) to negate", at: start)
        case "&": throw error("'&' is not an operator; write 'and'", at: start)
        case "|": throw error("'|' is not an operator; write 'or'", at: start)
        case "'", "\u{2018}", "\u{2019}", "\u{201C}", "\u{201D}":
            throw error("strings are written in straight double quotes, \"like this\"", at: start)
        case "\"": return try string()
        default:
            if Self.isDigit(character) { return try number() }
            if Self.isNameStart(character) {
                while Self.isNamePart(peek()) { index += 1 }
                let name = String(characters[start..<index])
                if let keyword = ExpressionToken.Keyword(rawValue: name) {
                    return ExpressionToken(kind: .keyword(keyword), start: start, end: index)
                }
                return ExpressionToken(kind: .name(name), start: start, end: index)
            }
            throw error("unexpected character '\(character)'", at: start)
        }
    }

    /// Reads the digits of one number, without a unit.
    private mutating func numberValue() throws(ExpressionError) -> Double {
        let start = index
        while Self.isDigit(peek()) { index += 1 }
        if peek() == ".", Self.isDigit(peek(1)) {
            index += 1
            while Self.isDigit(peek()) { index += 1 }
        }
        if peek() == "e" || peek() == "E" {
            if Self.isDigit(peek(1)) {
                index += 1
            } else if (peek(1) == "+" || peek(1) == "-"), Self.isDigit(peek(2)) {
                index += 2
            }
            while Self.isDigit(peek()) { index += 1 }
        }
        guard let value = Double(String(characters[start..<index])), value.isFinite else {
            throw error("'\(String(characters[start..<index]))' is not a number this language can hold", at: start)
        }
        return value
    }

    private mutating func number() throws(ExpressionError) -> ExpressionToken {
        let start = index
        let value = try numberValue()
        guard Self.isNameStart(peek()) else {
            if Self.isDigit(peek()) || peek() == "." && Self.isDigit(peek(1)) {
                throw error("unexpected digits after a number", at: index)
            }
            return ExpressionToken(kind: .number(value), start: start, end: index)
        }
        // A duration: one or more number-unit pairs, such as 1h30m.
        var seconds = 0.0
        var amount = value
        while true {
            let unitStart = index
            while Self.isNamePart(peek()) && !Self.isDigit(peek()) { index += 1 }
            let unit = String(characters[unitStart..<index])
            guard let size = Self.unitSeconds[unit] else {
                throw error("'\(unit)' is not a duration unit; use s, m, h, d or w (as in 90s, 15m, 4h, 2d, 1h30m)", at: unitStart)
            }
            seconds += amount * size
            guard Self.isDigit(peek()) else { break }
            let partStart = index
            amount = try numberValue()
            guard Self.isNameStart(peek()) else {
                throw error("expected a unit after \(String(characters[partStart..<index])) (s, m, h, d or w)", at: index)
            }
        }
        guard seconds.isFinite else { throw error("this duration is too long", at: start) }
        return ExpressionToken(kind: .duration(seconds), start: start, end: index)
    }

    static let unitSeconds: [String: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604_800]

    private mutating func string() throws(ExpressionError) -> ExpressionToken {
        let start = index
        index += 1
        var value = ""
        while true {
            guard let character = peek(), character != "\n", character != "\r\n", character != "\r" else {
                throw error("unterminated string: a closing \" is missing", at: start)
            }
            index += 1
            if character == "\"" { break }
            guard character == "\\" else {
                value.append(character)
                continue
            }
            let escapeStart = index - 1
            guard let escaped = peek() else { throw error("unterminated string: a closing \" is missing", at: start) }
            index += 1
            switch escaped {
            case "\"": value.append("\"")
            case "\\": value.append("\\")
            case "/": value.append("/")
            case "n": value.append("\n")
            case "r": value.append("\r")
            case "t": value.append("\t")
            case "u":
                var code: UInt32 = 0
                for _ in 0..<4 {
                    guard let digit = peek()?.hexDigitValue else {
                        throw error("expected four hex digits after \\u", at: escapeStart)
                    }
                    code = code * 16 + UInt32(digit)
                    index += 1
                }
                guard let scalar = Unicode.Scalar(code) else {
                    throw error("\\u\(String(code, radix: 16)) is not a character", at: escapeStart)
                }
                value.unicodeScalars.append(scalar)
            default:
                throw error("unknown escape '\\\(escaped)'; use \\\", \\\\, \\n, \\r, \\t or \\uXXXX", at: escapeStart)
            }
        }
        return ExpressionToken(kind: .string(value), start: start, end: index)
    }

    /// Seconds for duration text such as `4h` or `1h30m` (what `duration("…")` reads at run
    /// time), or nil. Reads UTF-8 directly so that it does not allocate.
    static func durationSeconds(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { bytes -> Double? in
            var index = 0
            var total = 0.0
            var sawPart = false
            while index < bytes.count {
                var amount = 0.0
                var sawDigit = false
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    amount = amount * 10 + Double(bytes[index] - 48)
                    index += 1
                    sawDigit = true
                }
                if index < bytes.count, bytes[index] == 46 {
                    index += 1
                    var scale = 0.1
                    while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                        amount += Double(bytes[index] - 48) * scale
                        scale /= 10
                        index += 1
                        sawDigit = true
                    }
                }
                guard sawDigit, index < bytes.count else { return nil }
                let size: Double
                switch bytes[index] {
                case 115: size = 1  // s
                case 109: size = 60  // m
                case 104: size = 3600  // h
                case 100: size = 86400  // d
                case 119: size = 604_800  // w
                default: return nil
                }
                index += 1
                total += amount * size
                sawPart = true
            }
            return sawPart ? total : nil
        }
    }
}
