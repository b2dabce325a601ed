import Foundation
import Testing

@testable import AzureAccess
@testable import MDEAPI

/// `JSONValue.parseList` hands back each item of `value` exactly as the service sent it.
@Suite struct ListTextTests {
    @Test func itemTextsAreTheReceivedBytes() throws {
        let body = """
            {"@odata.context": "x", "value": [
              {"id": "a", "machineTags": ["t1", "t2"], "lastSeen": "2026-11-02T00:02:56.6486630Z"} ,
              {"b":1,"a":[[]]}
            ], "other": [1, 2]}
            """
        let (document, texts) = try JSONValue.parseList(Data(body.utf8))
        #expect(document == (try JSONValue.parse(body)))
        #expect(
            texts == [
                #"{"id": "a", "machineTags": ["t1", "t2"], "lastSeen": "2026-11-02T00:02:56.6486630Z"}"#,
                #"{"b":1,"a":[[]]}"#,
            ])
    }

    @Test func entitiesAndEmptyListsHaveNoOrNoTexts() throws {
        #expect(try JSONValue.parseList(Data(#"{"id":"a","value":"x"}"#.utf8)).itemTexts == nil)
        #expect(try JSONValue.parseList(Data(#"{"value":[]}"#.utf8)).itemTexts == [])
        #expect(try JSONValue.parseList(Data(#"[{"value":[1]}]"#.utf8)).itemTexts == nil, "only the top level")
    }

    @Test func nonASCIITextSurvives() throws {
        let body = #"{"value":[{"computerDnsName":"pc-müller-ø","note":"\u00e9"}]}"#
        #expect(
            try JSONValue.parseList(Data(body.utf8)).itemTexts == [
                #"{"computerDnsName":"pc-müller-ø","note":"\u00e9"}"#
            ])
    }
}
