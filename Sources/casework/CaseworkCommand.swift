import ArgumentParser
import CaseworkCore
import CaseworkServer
import Foundation
import Logging
import Vapor

struct CaseworkCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "casework",
    abstract: "Casework: a service desk for support requests, complaints and incidents.",
    discussion: """
      Settings come from environment variables; `casework config check` lists them. With no \
      DATABASE_URL, data lives in an SQLite file under CASEWORK_DATA_DIR (default ./data).
      """,
    subcommands: [
      Serve.self, Migrate.self, Users.self, Tokens.self, Demo.self, ConfigCommand.self, CalendarCommand.self, PolicyCommand.self,
      MailCommand.self,
    ])
}

/// Loads settings and builds the app through the composition root, reporting bad settings
/// clearly instead of failing later.
func withApplication<T>(_ body: (Application, AppConfig) async throws -> T) async throws -> T {
  let config: AppConfig
  do {
    config = try AppConfig.load()
  } catch let problem as AppConfig.Problem {
    printError("Casework cannot start because of its settings:\n\(problem.description)")
    throw ExitCode(78)
  }
  bootstrapLogging(level: config.logLevel)
  let app = try await CaseworkApp.make(config: config)
  do {
    let result = try await body(app, config)
    try await app.asyncShutdown()
    return result
  } catch {
    try? await app.asyncShutdown()
    throw error
  }
}

/// Logs go to standard error as `key=value` metadata (`LineLogHandler`); nothing personal is
/// ever put in them.
func bootstrapLogging(level: String) {
  let logLevel = Logger.Level(rawValue: level) ?? .info
  LoggingSystem.bootstrap { label in
    var handler = LineLogHandler(label: label)
    handler.logLevel = logLevel
    return handler
  }
}

func printError(_ message: String) {
  FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// A Core error shown as a sentence and a non-zero exit, not a stack of types.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
  do {
    return try await body()
  } catch let error as CaseworkError {
    switch error {
    case .invalid(let fields):
      printError(fields.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
    default:
      printError(error.message)
    }
    throw ExitCode(1)
  }
}

struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run the web server (applies pending migrations first; creates the first administrator on an empty database).")

  @ArgumentParser.Option(help: "Address to listen on (default CASEWORK_HOST or 127.0.0.1).")
  var hostname: String?

  @ArgumentParser.Option(help: "Port to listen on (default CASEWORK_PORT or 8080).")
  var port: Int?

  func run() async throws {
    try await withApplication { app, config in
      if let message = try await CaseworkApp.prepareDatabase(app) {
        print(message)
        fflush(nil)  // flush every stream: stdout may be a pipe to a log collector
      }
      if config.runWorker {
        // The deadline monitor re-queues itself; the first run is queued here.
        try await app.casework.jobs.enqueueUnlessPending(kind: DeadlineSweepJob.kind, payload: "{}", runAt: Date())
        try await app.casework.jobs.enqueueUnlessPending(kind: OutboxSender.jobKind, payload: "{}", runAt: Date())
        try await app.casework.jobs.enqueueUnlessPending(kind: WebhookSender.jobKind, payload: "{}", runAt: Date())
        try await app.casework.jobs.enqueueUnlessPending(kind: SessionSweep.jobKind, payload: "{}", runAt: Date())
        app.lifecycle.use(
          JobWorker(queue: app.casework.jobs, handlers: CaseworkApp.jobHandlers(app), logger: app.logger))
        if let maildir = config.maildir {
          app.lifecycle.use(
            MaildirWatcher(
              directory: URL(fileURLWithPath: maildir), intake: app.casework.mail, logger: app.logger,
              // As the API: up to four times the limit is kept (headers read only); beyond, refused.
              maxFileBytes: 4 * config.maxMailMegabytes * 1024 * 1024))
        }
      }
      let host = hostname ?? config.hostname
      let port = self.port ?? config.port
      app.environment.arguments = ["casework", "serve", "--hostname", host, "--port", String(port)]
      // Vapor stops on these signals too; chat sockets are told "going away" at the same time,
      // so the graceful stop does not wait for them to time out.
      let signals = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { Task { await CaseworkApp.closeChatConnections(app) } }
        source.resume()
        return source
      }
      defer { signals.forEach { $0.cancel() } }
      try await app.execute()
    }
  }
}

struct Migrate: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Apply pending database migrations, or revert the last batch.")

  @ArgumentParser.Flag(help: "Revert the last batch of migrations instead.")
  var revert = false

  func run() async throws {
    try await withApplication { app, _ in
      if revert {
        try await app.migrator.setupIfNeeded().get()
        try await app.migrator.revertLastBatch().get()
        print("Reverted the last batch of migrations.")
      } else {
        try await app.autoMigrate()
        print("Database is up to date.")
      }
    }
  }
}

struct Users: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Manage staff users.", subcommands: [Create.self, List.self, ResetTwoFactor.self])

  struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a staff user.")

    @ArgumentParser.Option(help: "Email address used to sign in.")
    var email: String

    @ArgumentParser.Option(help: "Full name shown to colleagues.")
    var name: String

    @ArgumentParser.Option(help: "One of: support_specialist, support_manager, incident_manager, clinical_safety_officer, admin.")
    var role: String

    @ArgumentParser.Flag(help: "Read the password from standard input instead of generating a one-time password.")
    var passwordStdin = false

    func run() async throws {
      var password: String?
      if passwordStdin {
        password = readLine(strippingNewline: true) ?? ""
      }
      try await withApplication { app, _ in
        try await app.autoMigrate()
        let (user, oneTime) = try await reportingErrors {
          try await app.casework.staffAccounts.create(email: email, name: name, role: role, password: password)
        }
        print("Created \(user.role.displayName) \(user.email) (\(user.id.lowercaseString)).")
        if let oneTime { print("One-time password (shown once; they choose their own at first sign-in): \(oneTime)") }
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List staff users.")

    func run() async throws {
      try await withApplication { app, _ in
        try await app.autoMigrate()
        for user in try await app.casework.staff.all() {
          print(
            "\(user.id.lowercaseString)  \(user.role.rawValue)  \(user.active ? "active" : "inactive")  \(user.email)  \(user.name)"
          )
        }
      }
    }
  }

  struct ResetTwoFactor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "reset-2fa",
      abstract: "Turn off a locked-out user's two-factor sign-in and end their sessions; they set it up again.")

    @ArgumentParser.Option(help: "Email of the staff user.")
    var email: String

    func run() async throws {
      try await withApplication { app, _ in
        try await app.autoMigrate()
        guard let user = try await app.casework.staff.find(email: email) else {
          throw ValidationError("No staff user has the email \(email).")
        }
        try await app.casework.twoFactor.reset(user.id)
        try await app.casework.sessions.deleteAll(of: user.id, keeping: nil)
        print("Two-factor sign-in is off for \(user.email); they sign in with their password and set it up again.")
      }
    }
  }
}

struct Tokens: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Manage API tokens.", subcommands: [Create.self, List.self, Revoke.self])

  struct Create: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Create an API token for a staff user; the token is printed alone on the last line.")

    @ArgumentParser.Option(help: "Email of the staff user the token acts as.")
    var user: String

    @ArgumentParser.Option(help: "A name to recognise the token by.")
    var name: String = "API token"

    func run() async throws {
      try await withApplication { app, _ in
        try await app.autoMigrate()
        guard let owner = try await app.casework.staff.find(email: user) else {
          printError("There is no staff user \(user). Create one with `casework users create`.")
          throw ExitCode(1)
        }
        let (token, secret) = try await app.casework.staffAccounts.createToken(for: owner, name: name)
        print("Created token \(token.id.lowercaseString) for \(owner.email). It is shown only once:")
        print(secret)
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List a user's API tokens.")

    @ArgumentParser.Option(help: "Email of the staff user.")
    var user: String

    func run() async throws {
      try await withApplication { app, _ in
        try await app.autoMigrate()
        guard let owner = try await app.casework.staff.find(email: user) else {
          printError("There is no staff user \(user).")
          throw ExitCode(1)
        }
        for token in try await app.casework.tokens.tokens(of: owner.id) {
          print("\(token.id.lowercaseString)  \(token.revokedAt == nil ? "active " : "revoked")  \(token.name)")
        }
      }
    }
  }

  struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id.")

    @ArgumentParser.Option(help: "The token's id (from `casework tokens list`).")
    var id: String

    func run() async throws {
      guard let tokenID = UUID(uuidString: id) else {
        throw ValidationError("--id must be a token id such as 0f8b…, as listed by `casework tokens list`.")
      }
      try await withApplication { app, _ in
        try await app.autoMigrate()
        try await app.casework.tokens.revoke(id: tokenID, at: Date())
        print("Revoked token \(id). Servers stop accepting it within a few seconds.")
      }
    }
  }
}

struct Demo: AsyncParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Load realistic demo staff and cases.")

  @ArgumentParser.Option(help: "How many cases to create.")
  var cases: Int = 40

  func run() async throws {
    guard (1...10_000).contains(cases) else { throw ValidationError("--cases must be from 1 to 10000.") }
    try await withApplication { app, _ in
      if let message = try await CaseworkApp.prepareDatabase(app) { print(message) }
      for line in try await CaseworkApp.loadDemo(app, cases: cases) { print(line) }
    }
  }
}

struct ConfigCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "config", abstract: "Inspect settings.", subcommands: [Check.self])

  struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List every setting, its value or \"unset\", and where it came from.")

    func run() async throws {
      do {
        let config = try AppConfig.load()
        for setting in config.report {
          let name = setting.name.padding(toLength: 38, withPad: " ", startingAt: 0)
          print("\(name)\(setting.value ?? "unset")  (\(setting.source))")
        }
        print("Database: \(config.store.engineName)")
      } catch let problem as AppConfig.Problem {
        printError(problem.description)
        throw ExitCode(78)
      }
    }
  }
}
