import Foundation

/// Random misbehaviour of the `/api/…` routes, deterministic for a given seed and request order.
///
/// ```swift
/// let faults = try SimulatedFaults(parsing: "500@0.05,429@0.02,reset@0.01,truncate@0.01,delay=2s@0.01,token-ttl=120s")
/// ```
/// Each API request draws one number and gets at most one fault; the probabilities must add up to 1 or less.
public struct SimulatedFaults: Sendable, Equatable, CustomStringConvertible {
    /// One kind of fault and how often it strikes.
    public struct Rule: Sendable, Equatable {
        public var kind: InjectedFault
        public var probability: Double

        public init(_ kind: InjectedFault, probability: Double) {
            self.kind = kind
            self.probability = probability
        }
    }

    public var rules: [Rule]
    /// Real seconds after which a token stops working (401); the token response still says 3599, as a
    /// token revoked or shortened server-side would.
    public var tokenLifetime: Double?

    /// No faults.
    public static let none = SimulatedFaults(rules: [])

    public init(rules: [Rule], tokenLifetime: Double? = nil) {
        self.rules = rules
        self.tokenLifetime = tokenLifetime
    }

    /// Parses comma-separated items: `500@0.05` (any status 400–599), `reset@0.01`, `truncate@0.01`,
    /// `delay=2s@0.01`, `token-ttl=120s`; an empty spec or `none` means no faults.
    public init(parsing spec: String) throws(SimulatorSpecError) {
        rules = []
        let trimmed = spec.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.lowercased() != "none" else { return }
        for item in trimmed.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            if item.hasPrefix("token-ttl=") {
                guard let seconds = SpecDuration.seconds(String(item.dropFirst("token-ttl=".count))) else {
                    throw SimulatorSpecError("bad fault '\(item)'; write token-ttl=120s")
                }
                tokenLifetime = seconds
                continue
            }
            let parts = item.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, let p = Double(parts[1]), (0...1).contains(p) else {
                throw SimulatorSpecError(
                    "bad fault '\(item)'; write KIND@PROBABILITY, e.g. 500@0.05, reset@0.01, delay=2s@0.01")
            }
            rules.append(Rule(try Self.kind(String(parts[0]), item: item), probability: p))
        }
        let total = rules.reduce(0) { $0 + $1.probability }
        guard total <= 1 + 1e-9 else {
            throw SimulatorSpecError("fault probabilities add up to \(total); keep their sum at 1 or less")
        }
    }

    private static func kind(_ text: String, item: String) throws(SimulatorSpecError) -> InjectedFault {
        switch text {
        case "reset": return .reset
        case "truncate": return .truncate
        default:
            if text.hasPrefix("delay="), let seconds = SpecDuration.seconds(String(text.dropFirst(6))) {
                return .delay(seconds)
            }
            if let status = Int(text), (400...599).contains(status) { return .status(status) }
            throw SimulatorSpecError(
                "unknown fault '\(item)'; use a status 400–599, reset, truncate, delay=2s or token-ttl=120s")
        }
    }

    /// The fault for a draw `u` in `0..<1`, if any.
    func pick(_ u: Double) -> InjectedFault? {
        var edge = 0.0
        for rule in rules {
            edge += rule.probability
            if u < edge { return rule.kind }
        }
        return nil
    }

    /// The spec form, e.g. `500@0.05,reset@0.01,token-ttl=120s` (or `none`).
    public var description: String {
        var items = rules.map { rule -> String in
            let kind: String
            switch rule.kind {
            case .status(let s): kind = String(s)
            case .reset: kind = "reset"
            case .truncate: kind = "truncate"
            case .dropResponse: kind = "drop"
            case .expireToken: kind = "expire-token"
            case .garbledBody: kind = "garbled"
            case .echoRequest: kind = "echo"
            case .delay(let seconds): kind = "delay=\(SpecDuration.text(seconds))"
            }
            return "\(kind)@\(SpecDuration.number(rule.probability))"
        }
        if let ttl = tokenLifetime { items.append("token-ttl=\(SpecDuration.text(ttl))") }
        return items.isEmpty ? "none" : items.joined(separator: ",")
    }
}
