import Testing

@testable import MDEAPI

/// The compact set of ids a listing has returned: two ids are one entry exactly when their texts are equal.
@Suite struct SeenIDsTests {
    @Test func machineIdsAndOtherIdsRepeatOnlyWhenEqual() {
        var seen = SeenIDs()
        let machine = "0105a7c673ad8f7571bcde96e2ff0db3fbb2103a"
        let first = seen.insert(machine)
        let again = seen.insert(machine)
        #expect(first && !again)
        // One digit apart in each of the three packed words, and the same digits in another case or length.
        for other in [
            "1105a7c673ad8f7571bcde96e2ff0db3fbb2103a", "0105a7c673ad8f7671bcde96e2ff0db3fbb2103a",
            "0105a7c673ad8f7571bcde96e2ff0db3fbb2103b", machine.uppercased(), String(machine.dropLast()),
            machine + "0", "0000000000000000000000000000000000000000", "000000000000000000000000000000000000000g",
            "7d4b5c2e-9f0a-4c1b-8e3d-2a6f9b0c1d2e",
        ] {
            let new = seen.insert(other)
            let repeated = !seen.insert(other)
            #expect(new, "\(other) is new")
            #expect(repeated, "\(other) repeats")
        }
        #expect(seen.count == 10)
    }

    @Test func everyHexDigitInEveryPlaceIsKept() {
        // Ids that differ in one place by one digit are all distinct: no digit is lost in the packing.
        var seen = SeenIDs()
        let digits = Array("0123456789abcdef")
        var count = 0
        for place in 0..<40 {
            for digit in digits {
                var id = Array(repeating: Character("0"), count: 40)
                id[place] = digit
                if seen.insert(String(id)) { count += 1 }
            }
        }
        // Each place gives 15 ids besides the all-zero one, which only the first place adds.
        #expect(count == 40 * 15 + 1)
    }
}
