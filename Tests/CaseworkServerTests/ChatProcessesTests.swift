import CaseworkCore
import Foundation
import SQLKit
import Testing
import Vapor

/// Two `casework serve` processes on one PostgreSQL database: a visitor on one and an agent on
/// the other talk as if on one server (fan-out through LISTEN/NOTIFY).
@Suite("Live chat across processes", .serialized)
struct ChatProcessesTests {
  /// The binary the test command built.
  static var binary: String {
    ProcessInfo.processInfo.environment["CASEWORK_BINARY"]
      ?? FileManager.default.currentDirectoryPath + "/.build/debug/casework"
  }

  /// Runs the CLI to completion and returns what it printed.
  func run(_ arguments: [String], environment: [String: String], input: String? = nil) async throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = arguments
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let stdin = Pipe()
    process.standardInput = stdin
    try process.run()
    if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
    try stdin.fileHandleForWriting.close()
    // Polled: `waitUntilExit` spins a run loop off the main thread on Linux.
    for _ in 0..<600 where process.isRunning { try await Task.sleep(for: .milliseconds(100)) }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard process.terminationStatus == 0 else {
      throw TestSetupError(description: "casework \(arguments.joined(separator: " ")) failed: \(text)")
    }
    return text
  }

  func serve(port: Int, environment: [String: String]) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
    process.environment = environment
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  /// Connects once the server is listening (it migrates and starts first).
  func connect(_ url: String, headers: HTTPHeaders = [:]) async throws -> ChatClient {
    var lastError: (any Error)?
    for _ in 0..<200 {
      do { return try await ChatClient.connect(url, headers: headers) } catch { lastError = error }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw lastError ?? TestSetupError(description: "could not connect to \(url)")
  }

  @Test("a visitor on one process and an agent on another exchange lines, state and typing")
  func twoProcesses() async throws {
    guard let base = ProcessInfo.processInfo.environment["CASEWORK_TEST_POSTGRES_URL"] else {
      throw TestSetupError(description: "This test needs CASEWORK_TEST_POSTGRES_URL: run scripts/test, which starts a server.")
    }
    guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
      throw TestSetupError(description: "Build the casework binary first (scripts/test does): \(Self.binary)")
    }
    // A database of its own, made and dropped through the test server.
    try await withApp(.postgres) { app in
      try await runServers(base: base, admin: app.db as! any SQLDatabase)
    }
  }

  func runServers(base: String, admin: any SQLDatabase) async throws {
    let name = "chat_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    try await admin.raw("CREATE DATABASE \(ident: name)").run()
    var components = URLComponents(string: base)!
    components.path = "/\(name)"
    var environment = ProcessInfo.processInfo.environment
    environment["DATABASE_URL"] = components.string!
    environment["LOG_LEVEL"] = "error"
    environment["CASEWORK_BCRYPT_COST"] = "4"
    environment["CASEWORK_DATA_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
    var servers: [Process] = []
    do {
      _ = try await run(["migrate"], environment: environment)
      _ = try await run(
        [
          "users", "create", "--email", "agent@casework.test", "--name", "Agent Ada", "--role", "support_specialist",
          "--password-stdin",
        ], environment: environment, input: "correct horse battery staple\n")
      let token = try #require(
        try await run(["tokens", "create", "--user", "agent@casework.test", "--name", "chat"], environment: environment)
          .split(separator: "\n").last.map(String.init))
      let ports = (Int.random(in: 20_000..<40_000), Int.random(in: 40_000..<60_000))
      servers = [try serve(port: ports.0, environment: environment), try serve(port: ports.1, environment: environment)]

      var headers = HTTPHeaders()
      headers.bearerAuthorization = BearerAuthorization(token: token)
      let agent = try await connect("ws://127.0.0.1:\(ports.1)/staff/chat/socket", headers: headers)
      try agent.send(["type": "hello"])
      try await agent.next("panel")
      let visitor = try await connect("ws://127.0.0.1:\(ports.0)/chat/socket")
      try visitor.send(["type": "hello"])
      try await visitor.next("welcome")
      try visitor.send(["type": "send", "clientId": "a", "body": "Hello from process one"])
      let session = try await visitor.next("session")
      let chatID = try #require(session["chatId"] as? String)

      let heard = try await agent.next("message") { $0.line["author"] as? String == "visitor" }
      #expect(heard.line["body"] as? String == "Hello from process one")
      #expect(heard["chatId"] as? String == chatID)
      try await agent.next("panel") { (($0["queue"] as? [[String: Any]]) ?? []).contains { $0["chatId"] as? String == chatID } }

      try agent.send(["type": "accept", "chatId": chatID])
      try await visitor.next("state") { $0["state"] as? String == "active" }
      try agent.send(["type": "reply", "chatId": chatID, "clientId": "r", "body": "Hello from process two"])
      let reply = try await visitor.next("message") { $0.line["author"] as? String == "agent" }
      #expect(reply.line["body"] as? String == "Hello from process two")
      #expect(reply.line["name"] as? String == "Agent Ada")

      try visitor.send(["type": "typing", "active": true])
      let typing = try await agent.next("typing")
      #expect(typing["from"] as? String == "visitor")
      try agent.send(["type": "typing", "chatId": chatID, "active": true])
      #expect(try await visitor.next("typing")["from"] as? String == "agent")
      await visitor.close()
      await agent.close()
    } catch {
      stop(servers)
      try? await admin.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
      throw error
    }
    stop(servers)
    try await admin.raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
  }

  func stop(_ servers: [Process]) {
    for server in servers where server.isRunning { server.terminate() }
  }
}
