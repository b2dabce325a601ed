import ArgumentParser
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The whole story on an embedded simulator: syncs, a retirement list, offboarding, monthly reports.",
        discussion: """
            Starts the simulator in this process on a free loopback port with a seeded tenant, then lets months of \
            virtual time pass: a sync every week, a retirement list written into DIR and imported, a dry run and a \
            real offboard of the retired devices, devices that keep reporting after offboarding, retired devices \
            never offboarded, actions that time out, devices going stale, inactive and past retention. At every \
            month end it writes the license-compliance report as Markdown, CSV and HTML into DIR/reports, and it \
            ends with a summary: the last month's findings, one still-reporting device's status, the report paths \
            and the ledger's verify head. The same seed gives the same ledger apart from the run's local times.

            DIR (default ./mde-ledger-demo) must be new, empty or an earlier demo folder; the ledger is \
            DIR/mde-ledger.sqlite. The simulator's rate limits are switched off so offboarding takes seconds.
            """
    )

    @Option(help: ArgumentHelp("The folder to write the ledger, lists and reports into.", valueName: "dir"))
    var out = "mde-ledger-demo"

    @Option(help: "Seed of the simulated tenant and the story.")
    var seed: UInt64 = 1

    @Option(help: "Number of devices in the simulated tenant.")
    var devices = 2_000

    @Option(help: "Months of virtual time (each ends with the monthly reports).")
    var months = 7

    func validate() throws {
        guard (20...100_000).contains(devices) else { throw ValidationError("--devices must be 20…100000") }
        guard (1...24).contains(months) else { throw ValidationError("--months must be 1…24") }
    }

    func run() async throws {
        let folder = try DemoFolder.prepare(out)
        let started = ContinuousClock.now
        let story = DemoStory(folder: folder, seed: seed, devices: devices, months: months)
        try await story.run()
        let elapsed = ContinuousClock.now - started
        print("demo finished in \(elapsed.components.seconds) s")
    }
}
