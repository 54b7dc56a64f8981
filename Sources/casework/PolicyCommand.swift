import ArgumentParser
import CaseworkCore
import CaseworkPolicy
import CaseworkServer
import Foundation

/// The deadline policy file: check one before using it, or see what is in force.
struct PolicyCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "policy", abstract: "Check a deadline policy file, or show the policy in force.",
    subcommands: [Check.self, Show.self, Template.self])

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Validate a policy file; every error is listed with its line and field.")

    @ArgumentParser.Argument(help: "The YAML policy file.")
    var file: String

    func run() throws {
      do {
        let policy = try PolicyFile.load(path: file)
        print("\(file) is valid: \(policy.rules.count) deadline rules, \(policy.timetables.count) timetables.")
      } catch {
        printError("\(file) has \(error.problems.count) problem(s):")
        for problem in error.problems { printError("  \(problem)") }
        throw ExitCode(1)
      }
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the deadlines, timetables and bank-holiday data in force.")

    func run() async throws {
      let config: AppConfig
      do {
        config = try AppConfig.load()
      } catch let problem as AppConfig.Problem {
        printError(problem.description)
        throw ExitCode(78)
      }
      print("Policy: \(config.policyPath ?? "shipped default (set CASEWORK_POLICY_FILE to use your own)")")
      print(config.policy.summary)
      let holidays = try await currentHolidays()
      print("")
      if let first = holidays.coveredYears.first, let last = holidays.coveredYears.last {
        print("Bank holidays: published dates for \(first) to \(last); other years follow the statutory rules.")
      }
    }
  }

  struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the shipped policy file, to copy and edit.")

    func run() throws {
      print(PolicyFile.shippedText(), terminator: "")
    }
  }
}
