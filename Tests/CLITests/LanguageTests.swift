import Foundation
import MDESimulator
import MDETestSupport
import Testing

/// Issue 21: `--lang ja` and `--tz` for the human output of `report`, `status` and `devices`; JSON and CSV stay
/// English identifiers and UTC; a user report names its own title per language.
@Suite struct LanguageTests {
    @Test func japaneseAndTokyoTimeReachEveryHumanOutputAndNothingElse() async throws {
        let folder = try TemporaryFolder()
        let db = folder.path("l.sqlite")
        let configuration = SimulatorConfiguration(devices: 40, rateLimits: .unlimited, reonboardFraction: 0)
        try await withSimulator(configuration) { sim in
            let sync = try await CLIRunner.run(
                ["sync", "--no-progress", "--no-graph", "--db", db], environment: sim.environment)
            #expect(sync.status == 0, "\(sync.stderr)")
            let list = try await CLIRunner.run(["devices", "--db", db, "--format", "json"])
            let devices = try #require(
                try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
            let device = try #require(devices.first { $0["state"] as? String == "active" })
            let id = try #require(device["id"] as? String)
            let lastSeen = try #require(device["lastSeen"] as? String)
            let tokyo = try #require(
                ISO8601DateFormatter().date(from: lastSeen).map { date in
                    let format = DateFormatter()
                    format.timeZone = TimeZone(identifier: "Asia/Tokyo")
                    format.locale = Locale(identifier: "en_US_POSIX")
                    format.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
                    return format.string(from: date) + "+09:00"
                })

            // LANG chooses the language when --lang is not given; --tz shows times in the zone with the offset.
            let status = try await CLIRunner.run(
                ["status", id, "--db", db, "--tz", "Asia/Tokyo"], environment: ["LANG": "ja_JP.UTF-8"])
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.hasPrefix("アクティブ: 正常に報告中、lastSeen \(tokyo)"), "\(status.stdout)")
            #expect(status.stdout.contains("状態:") && status.stdout.contains("証跡:"))
            let english = try await CLIRunner.run(["status", id, "--db", db], environment: ["LANG": "C.UTF-8"])
            #expect(english.stdout.hasPrefix("active: reporting normally, lastSeen \(lastSeen)"), "\(english.stdout)")
            let json = try await CLIRunner.run(
                ["status", id, "--db", db, "--json", "--lang", "ja", "--tz", "Asia/Tokyo"])
            #expect(json.stdout.contains("\"state\" : \"active\"") && json.stdout.contains(lastSeen))

            let table = try await CLIRunner.run(["devices", "--db", db, "--lang", "ja", "--tz", "Asia/Tokyo"])
            #expect(table.stdout.contains("デバイス名") && table.stdout.contains("アクティブ"), "\(table.stdout)")
            #expect(table.stdout.contains(tokyo))
            let csv = try await CLIRunner.run(["devices", "--db", db, "--lang", "ja", "--format", "csv"])
            #expect(
                csv.stdout.hasPrefix("id,computerDnsName,state,finding,lastSeen") && csv.stdout.contains(",active,"))

            // A user report: its own Japanese title, translated headings and state names; CSV headings only on ask.
            let reports = folder.path("reports")
            try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
            try """
            -- title: Active devices
            -- title.ja: アクティブなデバイス
            -- params: as_of, tenant
            SELECT tenant_name, machine_id, state, last_seen, 'my own words' AS note FROM device_states
            WHERE state = 'active' AND (:tenant IS NULL OR tenant_name = :tenant);
            """.write(toFile: reports + "/active.sql", atomically: true, encoding: .utf8)
            let report = ["report", "active", "--reports", reports, "--db", db]
            let markdown = try await CLIRunner.run(report + ["--lang", "ja", "--tz", "Asia/Tokyo"])
            #expect(markdown.status == 0, "\(markdown.stderr)")
            #expect(markdown.stdout.hasPrefix("# アクティブなデバイス\n"), "\(markdown.stdout)")
            #expect(markdown.stdout.contains("| テナント | デバイス ID | 状態 | 最終報告 | note |"))
            #expect(markdown.stdout.contains("| アクティブ | \(tokyo) | my own words |"))
            #expect(markdown.stdout.contains("ユーザー レポート"))
            let html = try await CLIRunner.run(report + ["--lang", "ja", "--format", "html"])
            #expect(html.stdout.contains("<html lang=\"ja\">"))
            let plain = try await CLIRunner.run(report + ["--lang", "ja", "--format", "csv"])
            #expect(plain.stdout.hasPrefix("tenant_name,machine_id,state,last_seen,note\n"))
            #expect(plain.stdout.contains(",active,\(lastSeen),my own words"))
            let localized = try await CLIRunner.run(
                report + ["--lang", "ja", "--format", "csv", "--headers", "localized"])
            #expect(localized.stdout.hasPrefix("テナント,デバイス ID,状態,最終報告,note\n"), "\(localized.stdout)")
            let data = try await CLIRunner.run(report + ["--lang", "ja", "--tz", "Asia/Tokyo", "--format", "json"])
            #expect(data.stdout.contains("\"state\" : \"active\"") && data.stdout.contains(lastSeen))

            // --month in Tokyo's zone: the month ends nine hours before UTC's.
            let month = try await CLIRunner.run(
                report + ["--tz", "Asia/Tokyo", "--month", "2026-10", "--format", "json", "--allow-partial"])
            #expect(month.stdout.contains("\"asOf\" : \"2026-10-31T14:59:59Z\""), "\(month.stdout)")

            for (args, word) in [
                (["--lang", "fr"], "--lang"), (["--tz", "Mars/Olympus_Mons"], "--tz"),
                (["--headers", "fancy"], "--headers"),
            ] {
                let bad = try await CLIRunner.run(report + args)
                #expect(bad.status == 64 && bad.stderr.contains(word), "\(args): \(bad.stderr)")
            }
        }
    }
}
