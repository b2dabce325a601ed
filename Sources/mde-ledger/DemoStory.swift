import Foundation
import MDESimulator

/// `mde-ledger demo`: the simulator runs in this process while the story plays against it over loopback HTTP.
struct DemoStory {
    let folder: DemoFolder
    let seed: UInt64
    let devices: Int
    let months: Int

    func run() async throws {
        // The real service allows 100 calls a minute; the demo lifts that on both sides so it takes seconds.
        let configuration = SimulatorConfiguration(
            seed: seed, devices: devices, host: "127.0.0.1", port: 0, rateLimits: .unlimited)
        let simulator = MDESimulator(configuration: configuration)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = simulator.buildApplication { port in
            portContinuation.yield(port)
            portContinuation.finish()
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { portContinuation.finish() }
                try await application.run()
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                throw CLIFailure(message: "the simulator did not start; try again")
            }
            do {
                var play = try DemoPlay(
                    folder: folder, simulator: simulator, port: port, seed: seed, months: months)
                try await play.run()
                group.cancelAll()
            } catch {
                group.cancelAll()
                throw error
            }
        }
    }
}

/// The dates the story visits: a sync every week from the simulator's start, and every month end.
struct DemoCalendar {
    let start: Date
    let monthEnds: [Date]

    init(start: Date, months: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        self.start = start
        let first = calendar.dateInterval(of: .month, for: start)!
        monthEnds = (1...months).map { n in
            calendar.date(byAdding: .month, value: n, to: first.start)!.addingTimeInterval(-1)
        }
    }

    /// Week numbers and month ends in time order; a month end carries the index of its month.
    var steps: [(date: Date, week: Int?, month: Int?)] {
        let week = 7.0 * 86_400
        let weeks = Int(monthEnds.last!.timeIntervalSince(start) / week)
        let weekly = (0...weeks).map {
            (date: start.addingTimeInterval(Double($0) * week), week: Optional($0), month: Int?.none)
        }
        let ends = monthEnds.enumerated().map { (date: $0.element, week: Int?.none, month: Optional($0.offset)) }
        return (weekly + ends).sorted { $0.date < $1.date }
    }

    var weekCount: Int { steps.filter { $0.week != nil }.count }
}
