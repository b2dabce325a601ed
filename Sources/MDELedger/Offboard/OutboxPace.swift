import Foundation
import MDEAPI

/// How long a plan takes: the least the rate-limit policy allows, and the pace the service actually allowed.
public enum OutboxPace {
    /// How long `calls` requests take at least under `policy`: each window admits `limit` calls per `seconds`.
    public static func minimumDuration(calls: Int, policy: RateLimitPolicy) -> Double {
        policy.windows.map { window in Double(max(0, (calls - 1) / window.limit)) * window.seconds }.max() ?? 0
    }

    /// `2 h 5 min`, `3 min`, `under a minute`.
    public static func durationText(_ seconds: Double) -> String {
        if seconds < 60 { return "under a minute" }
        let minutes = Int((seconds / 60).rounded(.up))
        return minutes < 60 ? "\(minutes) min" : "\(minutes / 60) h \(minutes % 60) min"
    }

    /// `120/300 devices done, 1.9/s, ETA 2 min`. The ETA is the longer of the policy's minimum for what is left and
    /// what is left at the pace so far, so waits the service imposed (429 `Retry-After`) lengthen it.
    public static func progressText(
        done: Int, total: Int, elapsed: Double, policy: RateLimitPolicy, callsPerDevice: Int
    ) -> String {
        let left = max(0, total - done)
        let minimum = minimumDuration(calls: left * callsPerDevice + 1, policy: policy)
        let observed = done > 0 && elapsed > 0 ? Double(left) * elapsed / Double(done) : 0
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        return "\(done)/\(total) devices done, \(String(format: "%.1f", rate))/s, "
            + "ETA \(durationText(max(minimum, observed)))"
    }
}
