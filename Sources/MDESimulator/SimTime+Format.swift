/// Text forms of virtual time: MDE's seven-digit ISO 8601, whole-second ISO 8601, RFC 7231, and the
/// OData date literals a `$filter` may contain.
extension SimTime {
    /// `2026-11-02T08:13:41.1234567Z`, as MDE writes `lastSeen` and friends.
    var mdeString: String {
        let c = civil
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):"
            + "\(pad(c.second, 2)).\(pad(Int(c.fraction), 7))Z"
    }

    /// `2026-11-02T08:13:41Z`.
    var isoSeconds: String {
        let c = civil
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))T\(pad(c.hour, 2)):\(pad(c.minute, 2)):"
            + "\(pad(c.second, 2))Z"
    }

    /// `Mon, 02 Nov 2026 09:00:00 GMT`, the HTTP `Date` header form (RFC 7231 IMF-fixdate).
    var httpDate: String {
        let c = civil
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[c.weekday]), \(pad(c.day, 2)) \(months[c.month - 1]) \(pad(c.year, 4)) "
            + "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)) GMT"
    }

    /// Parses `2018-08-01`, `2018-08-01Z`, `2026-11-01T00:00:00Z`, `…T00:00:00.1234567Z` and `…+02:00`.
    /// A date without a time means midnight UTC; a time without a zone is taken as UTC.
    static func parse(_ text: String) -> SimTime? {
        let b = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= b.count else { return nil }
            var v = 0
            for k in i..<(i + width) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                v = v * 10 + Int(b[k] - 48)
            }
            i += width
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = number(4), expect(45), let mo = number(2), expect(45), let d = number(2),
            (1...12).contains(mo), (1...31).contains(d)
        else { return nil }
        var ticks = Int64(days(fromCivil: y, mo, d)) * ticksPerDay
        if expect(84) {  // "T"
            guard let h = number(2), expect(58), let mi = number(2), h < 24, mi < 60 else { return nil }
            var s = 0
            if expect(58) {
                guard let sec = number(2), sec < 60 else { return nil }
                s = sec
            }
            ticks += Int64(h * 3600 + mi * 60 + s) * ticksPerSecond
            if expect(46) {  // "." fraction, up to 7 digits count; more are ignored
                var digits = 0
                var frac: Int64 = 0
                while i < b.count, b[i] >= 48, b[i] <= 57 {
                    if digits < 7 { frac = frac * 10 + Int64(b[i] - 48) }
                    digits += 1
                    i += 1
                }
                guard digits > 0 else { return nil }
                for _ in min(digits, 7)..<7 { frac *= 10 }
                ticks += frac
            }
        }
        if expect(90) || i == b.count { return i == b.count ? SimTime(ticks: ticks) : nil }  // "Z"
        guard i < b.count, b[i] == 43 || b[i] == 45 else { return nil }  // "+" / "-"
        let sign: Int64 = b[i] == 43 ? 1 : -1
        i += 1
        guard let oh = number(2), expect(58), let om = number(2), i == b.count else { return nil }
        return SimTime(ticks: ticks - sign * Int64(oh * 3600 + om * 60) * ticksPerSecond)
    }
}

private func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}
