import Foundation
import MDEAPI
import Testing

@Suite struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue.parse(#"{"a":null,"b":true,"c":-12,"d":1.5,"e":"x","f":[1,"2"],"g":{"h":false}}"#)
        #expect(
            value
                == .object([
                    "a": .null, "b": .bool(true), "c": .int(-12), "d": .double(1.5), "e": .string("x"),
                    "f": .array([.int(1), .string("2")]), "g": .object(["h": .bool(false)]),
                ]))
    }

    @Test func wholeNumbersStayIntegers() throws {
        #expect(try JSONValue.parse("140") == .int(140))
        #expect(try JSONValue.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("1.0") == .double(1))
        #expect(try JSONValue.parse("1e3") == .double(1000))
    }

    @Test func decodesEscapes() throws {
        #expect(try JSONValue.parse(#""a\"b\\c\/d\n\t\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\n\té😀"))
        #expect(try JSONValue.parse("\"caf\u{e9}\"") == .string("café"))
    }

    @Test(arguments: [
        "", "{", "[1,]", #"{"a":1,}"#, "01", "1.", "-", "tru", #""abc"#, "\"a\nb\"", #""\x""#, #""\ud800""#,
        "{} x", "[1 2]", #"{"a" 1}"#, "NaN", "1e999",
    ])
    func rejectsInvalidJSON(text: String) {
        let error = #expect(throws: MDEDecodingError.self) { try JSONValue.parse(text) }
        #expect(error?.isSyntaxError == true)
        #expect(error?.description.hasPrefix("invalid JSON at byte ") == true)
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: MDEDecodingError.self) { try JSONValue.parse(Data([0x22, 0xC3, 0x28, 0x22])) }
    }

    @Test func skipsByteOrderMark() throws {
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF] + Array("[]".utf8))) == .array([]))
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: MDEDecodingError.self) { try JSONValue.parse(deep) }
    }

    @Test func canonicalTextSortsKeysAndIsCompact() throws {
        let value = try JSONValue.parse(
            """
            { "b": [1, 2.5, "x"], "a": {"z": null, "y": true}, "B": "upper", "é": 1, "e": "\\u0001\\"\\n" }
            """)
        #expect(
            value.canonicalText()
                == #"{"B":"upper","a":{"y":true,"z":null},"b":[1,2.5,"x"],"e":"\u0001\"\n","é":1}"#)
    }

    @Test(arguments: [
        #"{"id":"1e5b","rbacGroupId":140,"machineTags":["a","b"],"x":{"y":[null,false,-0.5,1e-07]}}"#,
        #"["tab\there","quote\"","slash\\","ctl\u001f","emoji😀"]"#, "0", "-3", "1.5", "1e+20", #""""#,
    ])
    func canonicalTextRoundTrips(text: String) throws {
        let value = try JSONValue.parse(text)
        let canonical = value.canonicalText()
        #expect(try JSONValue.parse(canonical) == value)
        #expect(try JSONValue.parse(canonical).canonicalText() == canonical)
    }

    @Test func canonicalTextIgnoresInputKeyOrder() throws {
        let first = try JSONValue.parse(#"{"a":1,"b":{"c":2,"d":3}}"#)
        let second = try JSONValue.parse(#"{"b":{"d":3,"c":2},"a":1}"#)
        #expect(first.canonicalText() == second.canonicalText())
    }

    @Test func stringValueRendersNumbers() {
        #expect(JSONValue.string("abc").stringValue == "abc")
        #expect(JSONValue.int(140).stringValue == "140")
        #expect(JSONValue.double(140).stringValue == "140")
        #expect(JSONValue.double(1.5).stringValue == "1.5")
        #expect(JSONValue.bool(true).stringValue == nil)
        #expect(JSONValue.null.stringValue == nil)
    }

    @Test func subscriptReadsObjectMembersOnly() throws {
        let value = try JSONValue.parse(#"{"a":{"b":"c"}}"#)
        #expect(value["a"]?["b"] == .string("c"))
        #expect(value["missing"] == nil)
        #expect(JSONValue.array([]).self["a"] == nil)
    }

    @Test func codableAgreesWithParse() throws {
        let text = #"{"a":[1,2.5,"x",null,true],"b":{"c":140}}"#
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(decoded == (try JSONValue.parse(text)))
        let encoded = try JSONEncoder().encode(decoded)
        #expect(try JSONValue.parse(encoded) == decoded)
    }
}
