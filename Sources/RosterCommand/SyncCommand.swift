import ArgumentParser
import Foundation
import RosterServer
import RosterStore
import RosterSync

/// `roster sync --event ID [--dry-run]`: a forced sync from the shell, with a progress bar on a
/// terminal and plain lines otherwise.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Force a sync of every participant of an event into its Salesforce campaign.",
        discussion: "Uses the event's connector settings and connection (connect first, e.g. with the REST API's …/connect)."
    )

    @Option(help: "The event's id.")
    var event: String

    @Flag(help: "Plan only: report what would be created, updated or linked; write nothing to Salesforce.")
    var dryRun = false

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let configuration = try AppConfiguration.resolve(host: nil, port: nil, database: database.database, logLevel: "warning")
        let services = try await AppServices.open(configuration: configuration)
        let outcome: SyncRun
        do {
            guard try await services.events.find(id: event) != nil else { throw SyncCommandFailure("no event with id \(event)") }
            let run = try await services.engine.queueRun(eventId: event, dryRun: dryRun)
            let progress = ProgressDisplay(isTerminal: isatty(STDOUT_FILENO) == 1, dryRun: dryRun)
            outcome = try await services.engine.execute(run, progress: { await progress.show($0) })
            await progress.finish(outcome)
        } catch {
            await services.close()
            throw error
        }
        await services.close()
        switch outcome.state {
        case .succeeded: return
        case .paused: throw SyncCommandFailure("paused: \(outcome.pausedReason ?? "")")
        case .cancelled: throw SyncCommandFailure("cancelled before the end (POST …/runs/\(outcome.id)/cancel)")
        case .running: throw SyncCommandFailure("this process stalled past its lease on the event and another took it over; a worker (roster serve) finishes run \(outcome.id)")
        default: throw SyncCommandFailure("the sync failed: \(outcome.pausedReason ?? "see the log")")
        }
    }
}

/// A sync that did not finish, for exit code 1.
struct SyncCommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Draws `[#####-----] 50% 1,000/2,000 created 10 updated 5 …` in place on a terminal, or one line
/// per batch when the output is a file or a pipe.
actor ProgressDisplay {
    let isTerminal: Bool
    let dryRun: Bool

    init(isTerminal: Bool, dryRun: Bool) {
        self.isTerminal = isTerminal
        self.dryRun = dryRun
    }

    func show(_ run: SyncRun) {
        let line = Self.line(run, dryRun: dryRun)
        if isTerminal {
            let width = 30
            let share = run.total > 0 ? Double(run.processed) / Double(run.total) : 1
            let filled = Int((share * Double(width)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardOutput.write(Data("\r\u{1B}[2K\(bar) \(Int(share * 100))% \(line)".utf8))
        } else if run.state == .running {
            print(line)
        }
    }

    func finish(_ run: SyncRun) {
        if isTerminal { FileHandle.standardOutput.write(Data("\n".utf8)) }
        print("\(run.state.rawValue): \(Self.line(run, dryRun: dryRun))")
        for error in run.errors.prefix(20) { print("  \(error.email): \(error.message)") }
        fflush(nil)
    }

    static func line(_ run: SyncRun, dryRun: Bool) -> String {
        "\(run.processed)/\(run.total) \(dryRun ? "would create" : "created") \(run.created), updated \(run.updated), linked \(run.linked), unchanged \(run.unchanged), failed \(run.failed), API calls \(run.apiCalls)"
    }
}
