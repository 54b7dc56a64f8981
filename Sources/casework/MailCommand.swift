import ArgumentParser
import CaseworkCore
import CaseworkMail
import CaseworkServer
import Foundation

/// Email from a mail server's pipe (`| casework mail ingest`), with the exit codes mail
/// servers understand: 0 stored, 65 (EX_DATAERR) not a message, 75 (EX_TEMPFAIL) try again later.
struct MailCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(commandName: "mail", abstract: "Email in.", subcommands: [Ingest.self])

  struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Read one raw message on standard input, store it and thread it to its case.",
      discussion: "Exit 0 when stored (or already stored), 65 when the input is not an email message, 75 on a temporary failure.")

    func run() async throws {
      let input = FileHandle.standardInput.readDataToEndOfFile()
      do {
        _ = try AppConfig.load()
      } catch {
        printError("Casework's settings cannot be used: \(error)")
        throw ExitCode(75)
      }
      let outcome: IntakeOutcome
      do {
        outcome = try await withApplication { app, _ in
          try await CaseworkApp.migrateDatabase(app)
          return try await app.casework.mail.receive(input, source: "pipe")
        }
      } catch let exit as ExitCode {
        throw exit.rawValue == 78 ? ExitCode(75) : exit
      } catch {
        printError("The message could not be stored now; the mail server should try again later.")
        throw ExitCode(75)
      }
      switch outcome {
      case .opened(_, let reference): print("Opened \(reference).")
      case .appended(_, let reference): print("Added to \(reference).")
      case .deliveryFailure(_, let reference): print("Delivery failure recorded on \(reference).")
      case .duplicate: print("Already received; nothing changed.")
      case .deferred: print("Stored. New tickets are not being accepted; it will be processed when intake reopens.")
      case .notAMessage:
        printError("The input is not an email message (it has no header fields). It was kept, and nothing else was done.")
        throw ExitCode(65)
      }
    }
  }
}
