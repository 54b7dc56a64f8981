import CaseworkCore
import CaseworkMail
import CaseworkPolicy
import CaseworkStore
import Foundation

/// Every setting Casework reads, with where its value came from. One place reads the
/// environment; everything else is given an `AppConfig`.
public struct AppConfig: Sendable {
  public var dataDirectory: String
  public var databaseURL: String?
  public var hostname: String
  public var port: Int
  public var publicURL: String
  public var bcryptCost: Int
  public var maxBodyKilobytes: Int
  public var publicSubmissionsPerHour: Int
  public var publicSubmissionsPerEmailPerHour = 10
  /// The supplier's name on public pages and in the sender of emails (`CASEWORK_ORGANISATION`).
  public var organisation = "Technical support"
  public var adminEmail: String
  public var secureCookies: Bool
  public var runWorker: Bool
  public var logLevel: String
  public var sqliteDurability: SQLiteDurability
  /// `CASEWORK_ROW_READER`: the case listing read through the driver (default) or SQLKit.
  public var rowReader = RowReaderChoice.driver
  /// The deadline policy in force: the file named by CASEWORK_POLICY_FILE, or the shipped one.
  public var policy: DeadlinePolicy = PolicyFile.shipped()
  public var policyPath: String?
  /// How often the deadline monitor looks for warnings and breaches.
  public var deadlineSweepSeconds: Int = 60
  /// The domain of our Message-IDs (default: the public URL's host).
  public var mailDomain: String = "casework.local"
  /// Recipient address to the kind of case it opens (`complaints@example.com` → complaint).
  public var mailKinds: [String: CaseKind] = [:]
  /// The largest inbound message accepted, in megabytes.
  public var maxMailMegabytes: Int = 25
  /// `smtp://user:pass@host:587` (STARTTLS) or `smtps://host:465`; nil writes `.eml` files instead.
  public var smtp: SMTPTransport.Settings?
  /// A Maildir to watch for inbound email (its `new/` folder), or nil.
  public var maildir: String?
  /// Who our emails come from.
  public var mailFrom = MailAddress(name: "Technical support", address: "support@casework.local")
  /// How complaints are run: time-limit preset, automatic acknowledgement, letter signature.
  public var complaints = ComplaintPolicy.standard
  /// The shared secret social-media connectors sign their webhook calls with; nil turns
  /// `POST /api/v1/inbound/social` off.
  public var socialWebhookSecret: String?
  /// Chat tools told of incident events (outgoing webhooks), and the secret calls are signed with.
  public var webhookURLs: [String] = []
  public var webhookSecret: String?
  /// How long a staff sign-in lasts without a request, and at most.
  public var sessionLimits = SessionLimits.standard
  /// The sites whose pages may frame the chat (the widget); nil: the public URL's origin.
  public var chatEmbedOrigins: [String]?
  var framingOrigins: [String] { chatEmbedOrigins ?? [Self.origin(publicURL) ?? publicURL] }
  /// The authserv-id our receiving mail server writes in `Authentication-Results`; nil: none
  /// is believed, and a subject tag never joins a case by itself.
  public var mailAuthservID: String?
  /// `CASEWORK_REQUIRE_2FA`: every member of staff must set up two-factor sign-in.
  public var requireTwoFactor = false
  /// Failed sign-ins allowed in 15 minutes for one account, and from one address.
  public var signInFailuresPerAccount = 5
  public var signInFailuresPerAddress = 50
  /// Replies through one requester link, or from one address, in an hour.
  public var requesterRepliesPerHour = 30
  /// Reverse proxies whose `X-Forwarded-For` names the client.
  public var trustedProxies = TrustedProxies()
  /// How often an open staff chat socket checks that its user and session are still valid.
  public var staffSocketRecheckSeconds: Double = 5

  /// One line of `casework config check`.
  public struct Setting: Sendable, Equatable {
    public var name: String
    public var value: String?
    public var source: String
    public var secret: Bool
  }

  public private(set) var settings: [Setting] = []

  public struct Problem: Error, CustomStringConvertible, Sendable {
    public var messages: [String]
    public var description: String { messages.joined(separator: "\n") }
  }

  /// Reads settings from environment variables, with defaults for everything, and reports every
  /// value that cannot be used.
  public static func load(from environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfig {
    var settings: [Setting] = []
    var problems: [String] = []

    func read(_ name: String, default fallback: String?, secret: Bool = false) -> String? {
      if let value = environment[name], !value.isEmpty {
        settings.append(Setting(name: name, value: value, source: "environment", secret: secret))
        return value
      }
      settings.append(Setting(name: name, value: fallback, source: fallback == nil ? "unset" : "default", secret: secret))
      return fallback
    }
    func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
      let text = read(name, default: String(fallback)) ?? String(fallback)
      guard let value = Int(text), range.contains(value) else {
        problems.append("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound); it is \"\(text)\".")
        return fallback
      }
      return value
    }
    func boolean(_ name: String, default fallback: Bool) -> Bool {
      let text = (read(name, default: fallback ? "true" : "false") ?? "").lowercased()
      switch text {
      case "1", "true", "yes", "on": return true
      case "0", "false", "no", "off": return false
      default:
        problems.append("\(name) must be true or false; it is \"\(text)\".")
        return fallback
      }
    }

    let dataDirectory = read("CASEWORK_DATA_DIR", default: "./data")!
    let databaseURL = read("DATABASE_URL", default: nil, secret: true)
    if let databaseURL, !(databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://")) {
      problems.append("DATABASE_URL must start with postgres:// (leave it unset to use SQLite under CASEWORK_DATA_DIR).")
    }
    let hostname = read("CASEWORK_HOST", default: "127.0.0.1")!
    let port = integer("CASEWORK_PORT", default: 8080, range: 0...65535)
    let publicURL = read("CASEWORK_PUBLIC_URL", default: "http://\(hostname):\(port)")!
    if URL(string: publicURL)?.scheme == nil {
      problems.append("CASEWORK_PUBLIC_URL must be an absolute URL such as https://support.example.com.")
    }
    let bcryptCost = integer("CASEWORK_BCRYPT_COST", default: 12, range: 4...31)
    let maxBody = integer("CASEWORK_MAX_BODY_KB", default: 256, range: 1...102_400)
    // Accepted submissions only. Per connection generously (a GP practice behind one NHS
    // address), per email address tightly (one person).
    let perHour = integer("CASEWORK_PUBLIC_SUBMISSIONS_PER_HOUR", default: 60, range: 1...1_000_000)
    let perEmailPerHour = integer("CASEWORK_PUBLIC_SUBMISSIONS_PER_EMAIL_PER_HOUR", default: 10, range: 1...1_000_000)
    let adminEmail = read("CASEWORK_ADMIN_EMAIL", default: "admin@casework.local")!
    let secure = boolean("CASEWORK_SECURE_COOKIES", default: publicURL.lowercased().hasPrefix("https://"))
    let worker = boolean("CASEWORK_WORKER", default: true)
    let logLevel = read("LOG_LEVEL", default: "info")!
    let durabilityText = read("CASEWORK_SQLITE_SYNCHRONOUS", default: "normal")!.lowercased()
    let durability = SQLiteDurability(rawValue: durabilityText) ?? .normal
    if SQLiteDurability(rawValue: durabilityText) == nil {
      problems.append("CASEWORK_SQLITE_SYNCHRONOUS must be normal or full; it is \"\(durabilityText)\".")
    }
    let rowReaderText = read("CASEWORK_ROW_READER", default: "driver")!.lowercased()
    if RowReaderChoice(rawValue: rowReaderText) == nil {
      problems.append("CASEWORK_ROW_READER must be driver or sqlkit; it is \"\(rowReaderText)\".")
    }

    let policyPath = read("CASEWORK_POLICY_FILE", default: nil)
    var policy = PolicyFile.shipped()
    if let policyPath {
      do {
        policy = try PolicyFile.load(path: policyPath)
      } catch {
        let invalid = error
        problems.append(
          "CASEWORK_POLICY_FILE (\(policyPath)) cannot be used; `casework policy check \(policyPath)` lists the same:\n"
            + invalid.problems.map { "  \($0)" }.joined(separator: "\n"))
      }
    }
    let sweep = integer("CASEWORK_DEADLINE_SWEEP_SECONDS", default: 60, range: 5...3600)
    let mailDomain = read("CASEWORK_MAIL_DOMAIN", default: URL(string: publicURL)?.host ?? "casework.local")!
    var mailKinds: [String: CaseKind] = [:]
    for entry in (read("CASEWORK_MAIL_KINDS", default: nil) ?? "").split(separator: ",") {
      let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, parts[0].contains("@"), let kind = CaseKind(rawValue: parts[1]) else {
        problems.append(
          "CASEWORK_MAIL_KINDS must be address=kind pairs separated by commas, such as complaints@example.com=complaint; \"\(entry)\" is not one."
        )
        continue
      }
      mailKinds[parts[0].lowercased()] = kind
    }
    let maxMail = integer("CASEWORK_MAX_MAIL_MB", default: 25, range: 1...200)
    let maildir = read("CASEWORK_MAILDIR", default: nil)
    var smtp: SMTPTransport.Settings?
    if let smtpText = read("SMTP_URL", default: nil, secret: true) {
      smtp = SMTPTransport.Settings(url: smtpText, heloName: mailDomain)
      if smtp == nil {
        problems.append("SMTP_URL must look like smtp://user:password@mail.example.com:587 or smtps://mail.example.com:465.")
      } else if let problem = smtp?.problem {
        problems.append(problem)
      }
    }
    // The supplier's name brands the public pages and emails; the product's name is for staff.
    let organisation = read("CASEWORK_ORGANISATION", default: "Technical support")!
    if organisation.isEmpty || organisation.count > 80 || organisation.contains(where: { $0.isNewline || $0 == "<" || $0 == ">" })
    {
      problems.append("CASEWORK_ORGANISATION must be a name of 1 to 80 characters on one line, such as \"Acme Health\".")
    }
    let fromText = read("CASEWORK_MAIL_FROM", default: "\(organisation) <support@\(mailDomain)>")!
    let mailFrom = MailAddress.list(fromText).first
    if mailFrom == nil {
      problems.append(
        "CASEWORK_MAIL_FROM must be an address such as \"Technical support <support@example.com>\"; it is \"\(fromText)\".")
    }
    let presetText = read("CASEWORK_COMPLAINT_TIME_LIMITS", default: EligibilityPreset.sourcePolicy.rawValue)!
    let preset = EligibilityPreset(rawValue: presetText)
    if preset == nil {
      problems.append(
        "CASEWORK_COMPLAINT_TIME_LIMITS must be source_policy (6 months, or 6 months from discovery within 12) or nhs_england (12 months); it is \"\(presetText)\"."
      )
    }
    let complaints = ComplaintPolicy(
      preset: preset ?? .sourcePolicy, autoAcknowledge: boolean("CASEWORK_COMPLAINT_AUTO_ACKNOWLEDGE", default: false),
      organisation: organisation,
      signature: read("CASEWORK_COMPLAINT_SIGNATURE", default: "The support team manager")!)

    let webhookURLs = (read("CASEWORK_WEBHOOK_URLS", default: nil) ?? "").split(separator: ",").map {
      $0.trimmingCharacters(in: .whitespaces)
    }.filter { !$0.isEmpty }
    for url in webhookURLs where URL(string: url).map({ ["http", "https"].contains($0.scheme ?? "") && $0.host != nil }) != true {
      problems.append("CASEWORK_WEBHOOK_URLS must be http(s) addresses separated by commas; \"\(url)\" is not one.")
    }
    let webhookSecret = read("CASEWORK_WEBHOOK_SECRET", default: nil, secret: true)
    if !webhookURLs.isEmpty && (webhookSecret?.utf8.count ?? 0) < 32 {
      problems.append("CASEWORK_WEBHOOK_SECRET (32 characters or more) is needed to sign calls to CASEWORK_WEBHOOK_URLS.")
    }
    let socialSecret = read("CASEWORK_SOCIAL_WEBHOOK_SECRET", default: nil, secret: true)
    if let socialSecret, socialSecret.utf8.count < 32 {
      problems.append("CASEWORK_SOCIAL_WEBHOOK_SECRET must be at least 32 characters (for example from `openssl rand -hex 32`).")
    }

    var proxyRanges: [TrustedProxies.Range] = []
    for entry in (read("CASEWORK_TRUSTED_PROXIES", default: nil) ?? "").split(separator: ",") {
      guard let range = TrustedProxies.Range(String(entry)) else {
        problems.append(
          "CASEWORK_TRUSTED_PROXIES must be addresses or CIDR ranges separated by commas, such as 10.0.0.0/8,::1; \"\(entry)\" is not one."
        )
        continue
      }
      proxyRanges.append(range)
    }
    var embedOrigins: [String] = []
    let defaultOrigin = Self.origin(publicURL) ?? publicURL
    for entry in (read("CASEWORK_CHAT_EMBED_ORIGINS", default: defaultOrigin) ?? "").split(separator: ",") {
      let text = entry.trimmingCharacters(in: .whitespaces)
      guard let origin = Self.origin(text), origin == text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
      else {
        problems.append(
          "CASEWORK_CHAT_EMBED_ORIGINS must be origins separated by commas, such as https://www.example.com; \"\(text)\" is not one."
        )
        continue
      }
      embedOrigins.append(origin)
    }
    let requireTwoFactor = boolean("CASEWORK_REQUIRE_2FA", default: false)
    let authservID = read("CASEWORK_MAIL_AUTHSERV_ID", default: nil)
    let failuresPerAccount = integer("CASEWORK_SIGNIN_FAILURES_PER_ACCOUNT", default: 5, range: 1...1000)
    let failuresPerAddress = integer("CASEWORK_SIGNIN_FAILURES_PER_ADDRESS", default: 50, range: 1...100_000)
    let repliesPerHour = integer("CASEWORK_REQUESTER_REPLIES_PER_HOUR", default: 30, range: 1...100_000)
    let idleMinutes = integer("CASEWORK_SESSION_IDLE_MINUTES", default: 60, range: 5...1440)
    let maxHours = integer("CASEWORK_SESSION_MAX_HOURS", default: 12, range: 1...168)

    guard problems.isEmpty else { throw Problem(messages: problems) }
    var config = AppConfig(
      dataDirectory: dataDirectory, databaseURL: databaseURL, hostname: hostname, port: port, publicURL: publicURL,
      bcryptCost: bcryptCost, maxBodyKilobytes: maxBody, publicSubmissionsPerHour: perHour, adminEmail: adminEmail,
      secureCookies: secure, runWorker: worker, logLevel: logLevel, sqliteDurability: durability)
    config.settings = settings
    config.rowReader = RowReaderChoice(rawValue: rowReaderText) ?? .driver
    config.publicSubmissionsPerEmailPerHour = perEmailPerHour
    config.organisation = organisation
    config.policy = policy
    config.policyPath = policyPath
    config.deadlineSweepSeconds = sweep
    config.mailDomain = mailDomain
    config.mailKinds = mailKinds
    config.maxMailMegabytes = maxMail
    if let mailFrom { config.mailFrom = mailFrom }
    config.smtp = smtp
    config.maildir = maildir
    config.complaints = complaints
    config.socialWebhookSecret = socialSecret
    config.webhookURLs = webhookURLs
    config.webhookSecret = webhookSecret
    config.trustedProxies = TrustedProxies(proxyRanges)
    config.chatEmbedOrigins = embedOrigins
    config.requesterRepliesPerHour = repliesPerHour
    config.mailAuthservID = authservID
    config.requireTwoFactor = requireTwoFactor
    config.signInFailuresPerAccount = failuresPerAccount
    config.signInFailuresPerAddress = failuresPerAddress
    config.sessionLimits = SessionLimits(idle: TimeInterval(idleMinutes * 60), absolute: TimeInterval(maxHours * 3600))
    return config
  }

  public init(
    dataDirectory: String = "./data", databaseURL: String? = nil, hostname: String = "127.0.0.1", port: Int = 8080,
    publicURL: String = "http://127.0.0.1:8080", bcryptCost: Int = 12, maxBodyKilobytes: Int = 256,
    publicSubmissionsPerHour: Int = 60, adminEmail: String = "admin@casework.local", secureCookies: Bool = false,
    runWorker: Bool = true, logLevel: String = "info", sqliteDurability: SQLiteDurability = .normal
  ) {
    self.sqliteDurability = sqliteDurability
    self.dataDirectory = dataDirectory
    self.databaseURL = databaseURL
    self.hostname = hostname
    self.port = port
    self.publicURL = publicURL
    self.bcryptCost = bcryptCost
    self.maxBodyKilobytes = maxBodyKilobytes
    self.publicSubmissionsPerHour = publicSubmissionsPerHour
    self.adminEmail = adminEmail
    self.secureCookies = secureCookies
    self.runWorker = runWorker
    self.logLevel = logLevel
  }

  /// `https://host[:port]` of a URL, lowercased, or nil when it has no http(s) scheme and host.
  static func origin(_ text: String) -> String? {
    guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
      let host = url.host?.lowercased(), !host.isEmpty, url.path.isEmpty || url.path == "/", url.query == nil
    else { return nil }
    return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")"
  }

  /// PostgreSQL when DATABASE_URL is set, otherwise an SQLite file in the data directory.
  public var store: StoreConfiguration {
    if let databaseURL { return .postgres(url: databaseURL) }
    return .sqliteFile(path: URL(fileURLWithPath: dataDirectory).appendingPathComponent("casework.sqlite").path)
  }

  /// Settings with secrets (passwords inside DATABASE_URL) hidden.
  public var report: [Setting] {
    settings.map { setting in
      var shown = setting
      if setting.secret, let value = setting.value, let url = URL(string: value), url.password != nil {
        shown.value = value.replacingOccurrences(of: ":\(url.password!)@", with: ":******@")
      }
      return shown
    }
  }
}
