import CaseworkCore
import CaseworkMail
import CaseworkStore
import Fluent
import Foundation
import Leaf
import LeafKit
import SQLKit
import Vapor

/// The one composition root: the server, every CLI command and the tests build the
/// application here, so they all run the same wiring.
public enum CaseworkApp {
  /// Builds a configured application. Vapor does not parse the command line; the CLI does.
  public static func make(
    config: AppConfig, store: StoreConfiguration? = nil, clock: any WallClock = SystemWallClock(),
    environment: Environment = Environment(name: "production", arguments: ["casework"])
  ) async throws -> Application {
    let app = try await Application.make(environment)
    do {
      try await configure(app, config: config, store: store, clock: clock)
    } catch {
      try? await app.asyncShutdown()
      throw error
    }
    return app
  }

  public static func configure(
    _ app: Application, config: AppConfig, store: StoreConfiguration? = nil, clock: any WallClock = SystemWallClock()
  ) async throws {
    let store = store ?? config.store
    // SQLite runs its statements on this pool, and SQLiteNIO's busy handler retries a locked
    // write without sleeping. With the shared pool (one thread per core), connections spinning
    // on a lock could take every thread while the connection holding the lock waits for one to
    // commit: a deadlock (seen with several databases in one test process). Each application
    // gets its own pool with more threads than it has connections to one database.
    if store.engineName == "sqlite" {
      app.threadPool = NIOThreadPool(numberOfThreads: max(4, System.coreCount * 2))
    }
    if case .sqliteFile(let path) = store {
      try FileManager.default.createDirectory(
        at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    }
    app.logger.logLevel = Logger.Level(rawValue: config.logLevel) ?? .info
    try store.register(on: app.databases)
    app.migrations.add(StoreMigrations.all)
    app.migrations.add(SessionRecord.migration)
    app.migrations.add(DropClearTextSessions())
    try await store.prepare(app.db as! any SQLDatabase)

    app.sessions.use { _ in StaffSessionDriver() }
    app.sessions.configuration = SessionsConfiguration(cookieName: "casework_session") { id in
      HTTPCookies.Value(
        string: id.string, expires: nil, maxAge: Int(config.sessionLimits.absolute), path: "/",
        isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }

    let resources = try resourcesDirectory()
    app.views.use(.leaf)
    let views = resources.appendingPathComponent("Views").path + "/"
    app.leaf.configuration = LeafConfiguration(rootDirectory: views)
    // Sandboxed to the views folder; `toVisibleFiles` is left out because a development build
    // keeps its resources under `.build/`.
    app.leaf.sources = .singleSource(
      NIOLeafFiles(fileio: app.fileio, limits: [.toSandbox, .requireExtensions], sandboxDirectory: views, viewDirectory: views))
    app.directory.publicDirectory = resources.appendingPathComponent("Public").path + "/"

    configureJSON()
    app.routes.defaultMaxBodySize = ByteCount(value: config.maxBodyKilobytes * 1024)
    app.http.server.configuration.hostname = config.hostname
    app.http.server.configuration.port = config.port

    app.middleware = Middlewares()
    app.middleware.use(RequestLogging())
    app.middleware.use(ErrorResponder())
    app.middleware.use(SecurityHeaders())
    app.middleware.use(StaticFiles(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(MethodNotAllowed())

    try await store.primeConnections(
      app.databases, on: app.eventLoopGroup, durability: config.sqliteDurability, logger: app.logger)
    let writer = try store.dedicatedWriter(durability: config.sqliteDurability, logger: app.logger)
    if let writer { app.lifecycle.use(DedicatedWriterShutdown(writer: writer)) }
    app.storage[DedicatedWriterKey.self] = writer
    app.storage[RowReaderKey.self] = store.rowReader(config.rowReader)
    app.casework = try makeServices(app, config: config, store: store, clock: clock, writer: writer)
    app.lifecycle.use(ChatHubShutdown())
    try routes(app, config: config, resources: resources)
  }

  static func makeServices(
    _ app: Application, config: AppConfig, store: StoreConfiguration, clock: any WallClock, writer: DedicatedWriter?
  ) throws -> CaseworkServices {
    let handle = app.databaseHandle(logger: app.logger)
    let hasher = SHA256SecretHasher()
    let caseRepository = BatchingCaseRepository(
      base: SQLCaseRepository(handle: handle, webhookURLs: config.webhookURLs), writer: writer)
    let staff = SQLStaffRepository(handle: handle)
    let tokens = SQLTokenRepository(handle: handle)
    let policy = config.policy
    // Shipped holidays until the database is ready; `DeadlineMonitor.refresh` adds imports.
    let engine = CurrentDeadlineEngine(
      DeadlineEngine(policy: policy, calendars: Calendars(holidays: BankHolidayFile.shipped(), timetables: policy.timetables)))
    let signer = HMACMessageSigner()
    let cases = CaseService(
      cases: caseRepository, clock: clock, hasher: hasher, deadlines: engine, complaints: config.complaints,
      letterTemplates: SQLSettingsStore(handle: handle), staff: staff,
      caseLinks: MACCaseLinks(baseURL: config.publicURL, paths: .routes, mac: { [signer] in signer.mac($0) }))
    let intake = SQLIntakeSwitch(handle: handle)
    let chat = ChatService(
      store: SQLChatStore(handle: handle), cases: cases, staff: staff, intake: intake, clock: clock, hasher: hasher)
    let logger = app.logger
    let deadlines = DeadlineMonitor(
      cases: cases, store: SQLDeadlineStore(handle: handle), settings: SQLSettingsStore(handle: handle),
      people: StaffDirectory(staff), policy: policy, fingerprint: hasher,
      staffCaseLink: { config.publicURL + SiteRoute.staffCase.path($0) }, report: { logger.error("\($0)") })
    var relay: PostgresChatRelay?
    if case .postgres(let url, let searchPath) = store {
      relay = try PostgresChatRelay(url: url, searchPath: searchPath, handle: handle, logger: app.logger)
    }
    return CaseworkServices(
      config: config, clock: clock, hasher: hasher,
      cases: cases,
      staff: staff, tokens: tokens, jobs: SQLJobQueue(handle: handle, clock: clock),
      staffAccounts: StaffAccounts(
        staff: staff, tokens: tokens, hasher: hasher, clock: clock, passwords: BcryptPasswordHasher(cost: config.bcryptCost)),
      sessions: SQLStaffSessionStore(handle: handle),
      twoFactor: TwoFactorService(
        store: SQLTwoFactorStore(handle: handle), hasher: hasher, clock: clock, hmac: TwoFactorCrypto.hmacSHA1,
        requiredForEveryone: config.requireTwoFactor),
      tokenCache: TokenCache(),
      submissionLimiter: RateLimiter(limit: config.publicSubmissionsPerHour, window: 3600),
      submissionsPerEmail: RateLimiter(limit: config.publicSubmissionsPerEmailPerHour, window: 3600),
      signInFailures: SignInThrottle(perAccount: config.signInFailuresPerAccount, perAddress: config.signInFailuresPerAddress),
      replyLimiter: RateLimiter(limit: config.requesterRepliesPerHour, window: 3600),
      deadlineEngine: engine, deadlines: deadlines, settings: SQLSettingsStore(handle: handle),
      notifications: SQLNotificationRepository(handle: handle),
      mail: EmailIntake(
        cases: cases, store: SQLInboundMailStore(handle: handle), ids: ThreadingIDs(domain: config.mailDomain, signer: signer),
        kindByAddress: config.mailKinds, maxBytes: config.maxMailMegabytes * 1024 * 1024,
        returnedMail: SQLOutbox(handle: handle), intake: intake, authservID: config.mailAuthservID),
      intake: intake, status: SQLStatusStore(handle: handle),
      messageSigner: signer, chat: chat, chatHub: ChatHub(chats: chat, relay: relay, logger: app.logger),
      chatStartLimiter: RateLimiter(limit: config.publicSubmissionsPerHour, window: 3600),
      transcriptLimiter: RateLimiter(limit: TranscriptLimits.perAddressPerDay, window: 86_400))
  }

  static func routes(_ app: Application, config: AppConfig, resources: URL) throws {
    HealthController().boot(app)
    let openAPI = try Data(contentsOf: resources.appendingPathComponent("openapi.json"))
    app.get("openapi.json") { _ in
      Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(data: openAPI))
    }
    CaseAPIController().boot(app)
    ComplaintAPIController().boot(app)
    IncidentAPIController().boot(app)
    IncidentLifecycleAPI().boot(app)
    SocialWebhookController(secret: config.socialWebhookSecret).boot(app)
    // Up to four times the limit is accepted and kept (headers read only); beyond that, 413.
    InboundMailController(maxBytes: 4 * config.maxMailMegabytes * 1024 * 1024).boot(app)

    let pages = app.grouped(CSRFProtection(secureCookies: config.secureCookies)).grouped(StatusBannerMiddleware())
    PublicController().boot(pages)
    ComplaintPublicController().boot(pages)
    StatusPageController().boot(pages)
    IncidentReportController().boot(pages)
    let staffPages = app.grouped(app.sessions.middleware).grouped(
      CSRFProtection(secureCookies: config.secureCookies, bindToSession: true))
    StaffAuthController().boot(staffPages)
    StaffCasesController().boot(staffPages)
    StaffComplaintsController().boot(staffPages)
    StaffLettersController().boot(staffPages)
    StaffReportsController().boot(staffPages)
    StaffRecordComplaintController().boot(staffPages)
    StaffIntakeController().boot(staffPages)
    StaffStatusController().boot(staffPages)
    StaffIncidentsController().boot(staffPages)
    StaffTriageController().boot(staffPages)
    StaffUsersController().boot(staffPages)
    StaffAccountController().boot(staffPages)
    StaffNotificationsController().boot(staffPages)
    StaffEscalationsController().boot(staffPages)
    ChatController().boot(app, pages: pages, staffPages: staffPages)
  }

  /// Templates, static files and the OpenAPI document ship inside the binary's resource bundle,
  /// so the server works from any working directory.
  static func resourcesDirectory() throws -> URL {
    if let override = ProcessInfo.processInfo.environment["CASEWORK_RESOURCES_DIR"], !override.isEmpty {
      return URL(fileURLWithPath: override)
    }
    guard let url = Bundle.module.url(forResource: "Resources", withExtension: nil) else {
      throw Abort(
        .internalServerError, reason: "Casework's resource bundle is missing; reinstall the binary with its .resources folder.")
    }
    return url
  }

  /// ISO 8601 dates in and out; incoming dates may carry fractional seconds and are read
  /// strictly (`StrictDateTime`).
  static func configureJSON() {
    let encoder = JSONWriterContentEncoder()
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = StrictDateTime.decodingStrategy
    ContentConfiguration.global.use(encoder: encoder, for: .json)
    ContentConfiguration.global.use(encoder: encoder, for: ProblemDetails.mediaType)
    ContentConfiguration.global.use(decoder: decoder, for: .json)
  }

  /// Applies pending migrations, then creates the first administrator on an empty database.
  /// Returns the one-time sign-in instructions to print, or nil when staff already exist.
  public static func prepareDatabase(_ app: Application) async throws -> String? {
    try await migrateDatabase(app)
    return try await FirstRun.ensureAdministrator(app)
  }

  /// Applies pending migrations and loads what every process needs (the deadline schedule, the
  /// signing key), creating no users: for commands a mail server or a timer runs.
  public static func migrateDatabase(_ app: Application) async throws {
    try await app.autoMigrate()
    let recomputed = try await app.casework.deadlines.refresh()
    if recomputed > 0 { app.logger.info("deadlines recomputed", metadata: ["count": .stringConvertible(recomputed)]) }
    try await app.casework.messageSigner.load(from: app.casework.settings, now: app.casework.clock.now())
  }
}

extension CaseworkApp {
  /// Job kinds this version runs. Email and deadline work add theirs here.
  public static func jobHandlers(_ app: Application) -> [String: JobWorker.Handler] {
    [
      DeadlineSweepJob.kind: DeadlineSweepJob.handler(app.casework),
      OutboxSender.jobKind: outboxSender(app).handler(),
      WebhookSender.jobKind: webhookSender(app).handler(),
      SessionSweep.jobKind: SessionSweep(services: app.casework).handler(),
    ]
  }

  /// The outbox sender with the configured transport: SMTP when `SMTP_URL` is set, otherwise
  /// `.eml` files under the data directory.
  public static func outboxSender(_ app: Application, transport: (any MailTransport)? = nil) -> OutboxSender {
    let handle = app.databaseHandle(logger: app.logger)
    let files = FileMailTransport(
      directory: URL(fileURLWithPath: app.casework.config.dataDirectory).appendingPathComponent("outbox"))
    let configured: any MailTransport =
      app.casework.config.smtp.map { SMTPTransport(settings: $0, group: app.eventLoopGroup) } ?? files
    return OutboxSender(
      services: app.casework, outbox: SQLOutbox(handle: handle), transport: transport ?? configured, logger: app.logger)
  }

  public static func webhookSender(_ app: Application) -> WebhookSender {
    let handle = app.databaseHandle(logger: app.logger)
    return WebhookSender(
      deliveries: SQLWebhookDeliveries(handle: handle), client: app.client, secret: app.casework.config.webhookSecret ?? "",
      services: app.casework, logger: app.logger)
  }

  public static func loadDemo(_ app: Application, cases: Int) async throws -> [String] {
    try await DemoData.load(app, cases: cases)
  }
}

/// Closes the case writer's connection and stops its threads when the application stops.
struct DedicatedWriterShutdown: LifecycleHandler {
  let writer: DedicatedWriter

  func shutdownAsync(_ application: Application) async {
    await writer.shutdown()
  }
}

struct DedicatedWriterKey: StorageKey {
  typealias Value = DedicatedWriter
}

struct RowReaderKey: StorageKey {
  typealias Value = RowReader
}

extension Application {
  /// The database handle every repository of this application uses: the pool for reads, the
  /// dedicated writer for transactions on an SQLite file, and the process's one row reader
  /// (on PostgreSQL, with its prepared statements).
  func databaseHandle(logger: Logger) -> DatabaseHandle {
    DatabaseHandle(
      databases: databases, eventLoopGroup: eventLoopGroup, logger: logger, writer: storage[DedicatedWriterKey.self],
      rows: storage[RowReaderKey.self])
  }
}
