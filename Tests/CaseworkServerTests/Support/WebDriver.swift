import CaseworkTestSupport
import Foundation
import Testing
import Vapor

/// A minimal W3C WebDriver client: enough to drive a real headless Chromium through
/// chromedriver the way a person would (open pages, type, click, read).
final class WebDriver: @unchecked Sendable {
  // @unchecked: `process` is set once in `start` and read in `stop`, from one test task.
  private let client: any Client
  private var process: Process?
  private(set) var base: String = ""

  init(client: any Client) {
    self.client = client
  }

  /// Starts chromedriver on a free loopback port. The paths come from the test command.
  func start() async throws {
    let environment = ProcessInfo.processInfo.environment
    guard let driver = environment["CASEWORK_CHROMEDRIVER"], FileManager.default.isExecutableFile(atPath: driver) else {
      throw TestSetupError(description: "Browser tests need CASEWORK_CHROMEDRIVER (Debian's chromium-driver): run scripts/test.")
    }
    let port = Int.random(in: 20_000..<60_000)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: driver)
    process.arguments = ["--port=\(port)", "--allowed-ips=127.0.0.1", "--log-level=OFF"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    self.process = process
    base = "http://127.0.0.1:\(port)"
    for _ in 0..<100 {
      if let ready = try? await call(.GET, "/status"), (ready["value"] as? [String: Any])?["ready"] as? Bool == true { return }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw TestSetupError(description: "chromedriver did not start")
  }

  /// Ends chromedriver (and with it the browsers it started). Polls rather than calling
  /// `waitUntilExit`, which spins a run loop off the main thread on Linux.
  func stop() async {
    guard let process, process.isRunning else { return }
    process.terminate()
    for _ in 0..<50 where process.isRunning {
      try? await Task.sleep(for: .milliseconds(100))
    }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
  }

  @discardableResult
  func call(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> [String: Any] {
    let response = try await client.send(method, to: URI(string: base + path)) { request in
      if let body {
        request.headers.contentType = .json
        request.body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: body))
      }
    }
    guard let buffer = response.body, let object = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
    else {
      throw TestSetupError(description: "WebDriver answered \(response.status) with no JSON")
    }
    if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
      throw TestSetupError(description: "WebDriver \(path): \(error): \(value["message"] as? String ?? "")")
    }
    return object
  }

  /// A new headless browser session (its own cookies: one person).
  func newSession() async throws -> BrowserSession {
    let chromium = ProcessInfo.processInfo.environment["CASEWORK_CHROMIUM"] ?? "/usr/bin/chromium"
    let created = try await call(
      .POST, "/session",
      [
        "capabilities": [
          "alwaysMatch": [
            "browserName": "chrome",
            "goog:chromeOptions": [
              "binary": chromium,
              "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1400"],
            ],
          ]
        ]
      ])
    guard let id = (created["value"] as? [String: Any])?["sessionId"] as? String else {
      throw TestSetupError(description: "WebDriver gave no session id")
    }
    return BrowserSession(driver: self, id: id)
  }
}

struct BrowserSession: Sendable {
  static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
  let driver: WebDriver
  let id: String

  func open(_ url: String) async throws {
    try await driver.call(.POST, "/session/\(id)/url", ["url": url])
  }

  func element(_ css: String) async throws -> String {
    let found = try await driver.call(.POST, "/session/\(id)/element", ["using": "css selector", "value": css])
    guard let element = (found["value"] as? [String: Any])?[Self.elementKey] as? String else {
      throw TestSetupError(description: "no element \(css)")
    }
    return element
  }

  /// Runs an element operation, finding the element afresh each try: while the next page
  /// loads, elements are missing or belong to the old page (stale). Gives up after 10 s.
  @discardableResult
  private func retrying<T>(_ css: String, _ operation: (String) async throws -> T) async throws -> T {
    var lastError: (any Error)?
    for _ in 0..<100 {
      do {
        return try await operation(try await element(css))
      } catch {
        let text = String(describing: error)
        guard
          text.contains("stale element") || text.contains("no element") || text.contains("no such element")
            || text.contains("does not belong to the document")
        else {
          throw error
        }
        lastError = error
        try await Task.sleep(for: .milliseconds(100))
      }
    }
    throw lastError ?? TestSetupError(description: "no element \(css)")
  }

  func type(_ css: String, _ text: String) async throws {
    try await retrying(css) { element in
      try await driver.call(.POST, "/session/\(id)/element/\(element)/value", ["text": text])
    }
  }

  /// Empties a text field (before typing over what the page filled in).
  func clear(_ css: String) async throws {
    try await retrying(css) { element in
      try await driver.call(.POST, "/session/\(id)/element/\(element)/clear", [:])
    }
  }

  func click(_ css: String) async throws {
    try await retrying(css) { element in
      try await driver.call(.POST, "/session/\(id)/element/\(element)/click", [:])
    }
  }

  func text(_ css: String) async throws -> String {
    try await retrying(css) { element in
      try await driver.call(.GET, "/session/\(id)/element/\(element)/text")["value"] as? String ?? ""
    }
  }

  func attribute(_ css: String, _ name: String) async throws -> String? {
    try await retrying(css) { element in
      try await driver.call(.GET, "/session/\(id)/element/\(element)/attribute/\(name)")["value"] as? String
    }
  }

  func title() async throws -> String {
    try await driver.call(.GET, "/session/\(id)/title")["value"] as? String ?? ""
  }

  func pageText() async throws -> String { try await text("body") }

  /// Waits (up to 10 s) until the page shows `expected`: after a click the next page may
  /// still be loading, and elements of the old one go stale.
  @discardableResult
  func waitFor(_ expected: String) async throws -> String {
    var last = ""
    for _ in 0..<100 {
      if let text = try? await pageText() {
        last = text
        if text.contains(expected) { return text }
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw TestSetupError(description: "the page never showed \"\(expected)\"; it showed: \(last.prefix(500))")
  }

  /// Waits (up to 10 s) until the element's text is `expected`: right after a click the old
  /// page may still be showing. Returns whether it got there.
  func waitForText(_ css: String, _ expected: String) async throws -> Bool {
    for _ in 0..<100 {
      if let text = try? await text(css), text == expected { return true }
      try await Task.sleep(for: .milliseconds(100))
    }
    return false
  }

  /// Saves a PNG of the page, for a person to look at.
  func screenshot(to path: String) async throws {
    let encoded = try await driver.call(.GET, "/session/\(id)/screenshot")["value"] as? String ?? ""
    try Data(base64Encoded: encoded)?.write(to: URL(fileURLWithPath: path))
  }

  /// Runs a script in the page and returns its result.
  func execute(_ script: String) async throws -> Any? {
    try await driver.call(.POST, "/session/\(id)/execute/sync", ["script": script, "args": []])["value"]
  }

  /// Cuts the browser off the network (or restores it), as when a phone loses signal.
  func setOffline(_ offline: Bool) async throws {
    try await driver.call(
      .POST, "/session/\(id)/chromium/network_conditions",
      [
        "network_conditions": [
          "offline": offline, "latency": 0, "download_throughput": 1_000_000, "upload_throughput": 1_000_000,
        ]
      ])
  }

  /// The viewport a person has: 375 wide for a phone, 1440 for a manager's screen.
  func setWindowSize(width: Int, height: Int) async throws {
    try await driver.call(.POST, "/session/\(id)/window/rect", ["width": width, "height": height])
  }

  /// Presses keys as a keyboard would, into whatever has focus (`Key.tab`, `Key.enter`, text).
  func press(_ keys: String) async throws {
    let actions = keys.unicodeScalars.flatMap { key -> [[String: Any]] in
      [["type": "keyDown", "value": String(key)], ["type": "keyUp", "value": String(key)]]
    }
    try await driver.call(
      .POST, "/session/\(id)/actions", ["actions": [["type": "key", "id": "keyboard", "actions": actions]]])
  }

  /// Presses Tab until the element with `id` has focus, as a keyboard user moves through a page.
  func tab(to id: String, atMost presses: Int = 20) async throws -> Bool {
    for _ in 0..<presses {
      try await press(Key.tab)
      if try await execute("return document.activeElement && document.activeElement.id") as? String == id { return true }
    }
    return false
  }

  /// How far the page is wider than the window: 0 when nothing makes it scroll sideways.
  /// (A vertical scroll bar makes the viewport narrower than the window, hence clientWidth.)
  func horizontalOverflow() async throws -> Int {
    let script = "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    guard let overflow = try await execute(script) as? Int else {
      throw TestSetupError(description: "could not measure the page's width")
    }
    return max(0, overflow)
  }

  func close() async {
    _ = try? await driver.call(.DELETE, "/session/\(id)")
  }
}

/// WebDriver's codes for keys that are not text.
enum Key {
  static let tab = "\u{E004}"
  static let enter = "\u{E007}"
}

/// Serves the app on a loopback port and opens one browser session on it; the browser,
/// chromedriver and the server are stopped afterwards, whether or not `body` threw.
func withBrowser<T>(_ app: Application, _ body: (BrowserSession, String) async throws -> T) async throws -> T {
  try await app.server.start(address: .hostname("127.0.0.1", port: 0))
  let port = try #require(app.http.server.shared.localAddress?.port)
  let driver = WebDriver(client: app.client)
  do {
    try await driver.start()
    let session = try await driver.newSession()
    do {
      let result = try await body(session, "http://127.0.0.1:\(port)")
      await session.close()
      await driver.stop()
      await app.server.shutdown()
      return result
    } catch {
      await session.close()
      throw error
    }
  } catch {
    await driver.stop()
    await app.server.shutdown()
    throw error
  }
}

/// Every browser journey, one at a time: each starts its own Chromium, and several at once on
/// two cores starve the server they drive.
@Suite("Browser journeys", .serialized, .enabled(if: TestServers.browser, "needs CASEWORK_CHROMEDRIVER"))
enum BrowserJourneys {}
