import CaseworkCore
import CaseworkTestSupport
import Foundation
import SQLKit
import Testing
import Vapor

/// Two `casework serve` processes on one PostgreSQL database: a visitor on one and an agent on
/// the other talk as if on one server (fan-out through LISTEN/NOTIFY).
@Suite("Live chat across processes", .serialized, .enabled(if: TestServers.postgres, "needs CASEWORK_TEST_POSTGRES_URL"))
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

  /// A server process, with what it prints kept in a file for a failure message.
  struct Server {
    var process: Process
    var log: URL
    var port: Int
  }

  func serve(environment: [String: String]) throws -> Server {
    let port = try freePort()
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("casework-serve-\(port)-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let output = try FileHandle(forWritingTo: log)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.binary)
    process.arguments = ["serve", "--hostname", "127.0.0.1", "--port", String(port)]
    process.environment = environment
    process.standardOutput = output
    process.standardError = output
    try process.run()
    return Server(process: process, log: log, port: port)
  }

  /// A loopback port nothing listens on now (the kernel's choice for a socket bound to 0).
  func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
      }
    }
    guard bound else { throw TestSetupError(description: "no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
  }

  /// Connects once the server is listening (it starts while the rest of the suite runs on the
  /// same cores, and took 35 s once, so it is given two minutes). A server that exits is
  /// reported with what it printed.
  func connect(_ server: Server, _ path: String, headers: HTTPHeaders = [:]) async throws -> ChatClient {
    var lastError: (any Error)?
    for _ in 0..<1200 {
      guard server.process.isRunning else {
        let printed = (try? String(contentsOf: server.log, encoding: .utf8)) ?? ""
        throw TestSetupError(description: "casework serve exited: \(printed.suffix(2000))")
      }
      do { return try await ChatClient.connect("ws://127.0.0.1:\(server.port)\(path)", headers: headers) } catch {
        lastError = error
      }
      try await Task.sleep(for: .milliseconds(100))
    }
    throw lastError ?? TestSetupError(description: "could not connect to port \(server.port)")
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
    environment["CASEWORK_WORKER"] = "false"
    environment["CASEWORK_DATA_DIR"] = FileManager.default.temporaryDirectory.appendingPathComponent(name).path
    var servers: [Server] = []
    do {
      _ = try await run(["migrate"], environment: environment)
      _ = try await run(
        [
          "users", "create", "--email", "agent@casework.test", "--name", "Agent Ada", "--role", "support_specialist",
          "--password-stdin",
        ], environment: environment, input: "violet harbour lantern 88\n")
      let token = try #require(
        try await run(["tokens", "create", "--user", "agent@casework.test", "--name", "chat"], environment: environment)
          .split(separator: "\n").last.map(String.init))
      servers = [try serve(environment: environment), try serve(environment: environment)]

      var headers = HTTPHeaders()
      headers.bearerAuthorization = BearerAuthorization(token: token)
      let agent = try await connect(servers[1], "/staff/chat/socket", headers: headers)
      try agent.send(["type": "hello"])
      try await agent.next("panel")
      let visitor = try await connect(servers[0], "/chat/socket")
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

  func stop(_ servers: [Server]) {
    for server in servers {
      if server.process.isRunning { server.process.terminate() }
      try? FileManager.default.removeItem(at: server.log)
    }
  }
}
