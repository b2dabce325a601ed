import Foundation
import Testing

@testable import MDELedger

/// Each lifecycle rule and each threshold edge, on the pure Swift rules.
@Suite struct LifecycleRulesTests {
    static let t = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28T20:26:40Z
    static let hour: TimeInterval = 3_600
    static let day: TimeInterval = 86_400

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var facts: DeviceFacts
        var expected: DeviceState
        var finding: Bool
        var testDescription: String { name }
    }

    static func ago(_ seconds: TimeInterval) -> Date { t.addingTimeInterval(-seconds) }

    static let cases: [Case] = [
        Case(name: "reporting", facts: .init(lastSeen: ago(hour)), expected: .active, finding: false),
        Case(
            name: "stale edge: exactly 48 h", facts: .init(lastSeen: ago(48 * hour)), expected: .active, finding: false),
        Case(name: "stale: 48 h + 1 s", facts: .init(lastSeen: ago(48 * hour + 1)), expected: .stale, finding: false),
        Case(
            name: "inactive edge: exactly 7 d", facts: .init(lastSeen: ago(7 * day)), expected: .stale, finding: false),
        Case(
            name: "inactive: 7 d + 1 s", facts: .init(lastSeen: ago(7 * day + 1)), expected: .inactive, finding: false),
        Case(
            name: "retention edge: 180 d − 1 s", facts: .init(lastSeen: ago(180 * day - 1)), expected: .inactive,
            finding: false),
        Case(
            name: "retention: exactly 180 d", facts: .init(lastSeen: ago(180 * day)), expected: .retentionExpired,
            finding: false),
        Case(
            name: "not onboarded", facts: .init(lastSeen: ago(hour), onboardingStatus: "CanBeOnboarded"),
            expected: .notOnboarded, finding: false),
        Case(
            name: "onboarded in doc casing", facts: .init(lastSeen: ago(hour), onboardingStatus: "onboarded"),
            expected: .active, finding: false),
        Case(
            name: "onboarding status missing counts as not onboarded",
            facts: .init(lastSeen: ago(hour), onboardingStatus: nil), expected: .notOnboarded, finding: false),
        Case(
            name: "unknown onboarding value counts as not onboarded",
            facts: .init(lastSeen: ago(hour), onboardingStatus: "Onboarding"), expected: .notOnboarded, finding: false),
        Case(name: "never seen is stale", facts: .init(lastSeen: nil), expected: .stale, finding: false),
        Case(
            name: "removed before retention", facts: .init(removedFromSnapshot: true, lastSeen: ago(10 * day)),
            expected: .removed, finding: true),
        Case(
            name: "removed after retention", facts: .init(removedFromSnapshot: true, lastSeen: ago(180 * day)),
            expected: .retentionExpired, finding: false),
        Case(
            name: "offboard failed",
            facts: .init(lastSeen: ago(hour), offboardRequestedAt: ago(day), offboardStatus: "Failed"),
            expected: .offboardFailed, finding: true),
        Case(
            name: "offboard timed out",
            facts: .init(lastSeen: ago(hour), offboardRequestedAt: ago(day), offboardStatus: "TimeOut"),
            expected: .offboardFailed, finding: true),
        Case(
            name: "offboard cancelled",
            facts: .init(lastSeen: ago(hour), offboardRequestedAt: ago(day), offboardStatus: "Cancelled"),
            expected: .offboardFailed, finding: true),
        Case(
            name: "pending exactly 7 d",
            facts: .init(lastSeen: ago(hour), offboardRequestedAt: ago(7 * day), offboardStatus: "Pending"),
            expected: .offboardPending, finding: false),
        Case(
            name: "in progress 7 d + 1 s",
            facts: .init(lastSeen: ago(hour), offboardRequestedAt: ago(7 * day + 1), offboardStatus: "InProgress"),
            expected: .offboardPending, finding: true),
        Case(
            name: "succeeded, lastSeen exactly R + 24 h",
            facts: .init(lastSeen: ago(2 * day), offboardRequestedAt: ago(3 * day), offboardStatus: "Succeeded"),
            expected: .offboarded, finding: false),
        Case(
            name: "succeeded, lastSeen R + 24 h + 1 s",
            facts: .init(lastSeen: ago(2 * day - 1), offboardRequestedAt: ago(3 * day), offboardStatus: "Succeeded"),
            expected: .offboardedStillReporting, finding: true),
        Case(
            name: "succeeded, T < R + 24 h",
            facts: .init(lastSeen: ago(day), offboardRequestedAt: ago(day - 1), offboardStatus: "Succeeded"),
            expected: .offboardConfirming, finding: false),
        Case(
            name: "succeeded, T = R + 24 h",
            facts: .init(lastSeen: ago(2 * day), offboardRequestedAt: ago(day), offboardStatus: "Succeeded"),
            expected: .offboarded, finding: false),
        Case(
            name: "offboard beats retirement",
            facts: .init(
                lastSeen: ago(hour), offboardRequestedAt: ago(3 * day), offboardStatus: "Succeeded",
                retiredAt: ago(10 * day)),
            expected: .offboardedStillReporting, finding: true),
        Case(
            name: "retired, lastSeen D + 24 h + 1 s",
            facts: .init(lastSeen: ago(day - 1), retiredAt: ago(2 * day)), expected: .retiredStillReporting,
            finding: true),
        Case(
            name: "retired, lastSeen exactly D + 24 h",
            facts: .init(lastSeen: ago(day), retiredAt: ago(2 * day)), expected: .retiredNotOffboarded, finding: true),
        Case(
            name: "retired exactly now", facts: .init(lastSeen: ago(3 * day), retiredAt: t),
            expected: .retiredNotOffboarded, finding: true),
        Case(
            name: "retirement in the future", facts: .init(lastSeen: ago(hour), retiredAt: t.addingTimeInterval(1)),
            expected: .active, finding: false),
        Case(
            name: "retention beats retirement", facts: .init(lastSeen: ago(200 * day), retiredAt: ago(190 * day)),
            expected: .retentionExpired, finding: false),
    ]

    @Test(arguments: cases)
    func rule(_ c: Case) {
        let verdict = LifecycleRules.verdict(c.facts, asOf: Self.t, policy: LifecyclePolicy())
        #expect(verdict == DeviceVerdict(c.expected, finding: c.finding))
    }

    @Test func everyStateIsCovered() {
        #expect(Set(Self.cases.map(\.expected)) == Set(DeviceState.allCases))
    }

    @Test func thresholdsComeFromThePolicy() {
        var policy = LifecyclePolicy()
        policy.staleHours = 12
        policy.retentionDays = 30
        #expect(
            LifecycleRules.verdict(.init(lastSeen: Self.ago(13 * Self.hour)), asOf: Self.t, policy: policy).state
                == .stale)
        #expect(
            LifecycleRules.verdict(.init(lastSeen: Self.ago(30 * Self.day)), asOf: Self.t, policy: policy).state
                == .retentionExpired)
    }
}
