import Foundation
import MDEAPI
import Testing

/// `canonicalText()` is RFC 8785 (JCS): pinned by the RFC's own examples, so an auditor's standard
/// serialiser reproduces every hashed byte.
struct CanonicalJSONTests {
    /// RFC 8785 §3.2.2: the sample with numbers, escapes and literals.
    @Test func theRFCsValueSample() throws {
        let input = #"""
            {
              "numbers": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],
              "escaping": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """#
        #expect(
            try JSONValue.parse(input).canonicalText()
                == #"{"escaping":"€$\u000f\nA'B\"\\\\\"/","literals":[null,true,false],"numbers":[1e+30,4.5,333333333.3333333,0.002,1e-27]}"#
        )
    }

    /// RFC 8785 §3.2.3: keys sorted by UTF-16 code units (the smiley, a surrogate pair, sorts before U+FB33).
    @Test func theRFCsSortingSample() throws {
        let input = #"""
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """#
        let keys = ["\r", "1", "\u{80}", "ö", "€", "😀", "\u{FB33}"]
        let expected =
            "{"
            + keys.map { key in
                let value = try! JSONValue.parse(input)[key]!.canonicalText()
                return JSONValue.string(key).canonicalText() + ":" + value
            }.joined(separator: ",") + "}"
        #expect(try JSONValue.parse(input).canonicalText() == expected)
        #expect(expected.hasPrefix(#"{"\r":"Carriage Return","1":"One","#))
    }

    /// RFC 8785 Appendix B: IEEE 754 doubles and the text ECMAScript prints for them.
    @Test(arguments: [
        ("0000000000000000", "0"), ("8000000000000000", "0"), ("0000000000000001", "5e-324"),
        ("8000000000000001", "-5e-324"), ("7fefffffffffffff", "1.7976931348623157e+308"),
        ("4340000000000000", "9007199254740992"), ("4430000000000000", "295147905179352830000"),
        ("44b52d02c7e14af5", "9.999999999999997e+22"), ("44b52d02c7e14af6", "1e+23"),
        ("44b52d02c7e14af7", "1.0000000000000001e+23"), ("444b1ae4d6e2ef4e", "999999999999999700000"),
        ("444b1ae4d6e2ef50", "1e+21"), ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
        ("3eb0c6f7a0b5ed8d", "0.000001"), ("41b3de4355555553", "333333333.3333332"),
        ("41b3de4355555557", "333333333.33333343"), ("becbf647612f3696", "-0.0000033333333333333333"),
        ("43143ff3c1cb0959", "1424953923781206.2"),
    ])
    func numbersPrintAsECMAScriptDoes(bits: String, expected: String) {
        let value = Double(bitPattern: UInt64(bits, radix: 16)!)
        #expect(JSONValue.double(value).canonicalText() == expected)
    }

    /// Control characters use the short escapes where JSON has them (the old envelope wrote `\u0008`).
    @Test func controlCharactersUseShortEscapes() {
        #expect(JSONValue.string("\u{8}\u{C}\u{1}\u{7F}").canonicalText() == "\"\\b\\f\\u0001\u{7F}\"")
    }
}
