// Live chat under load against a running `casework serve` (scripts/bench/chat starts one):
// holds idle visitor connections open, runs conversations between visitors and one agent,
// and measures delivery from sender to recipient in both directions.
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

struct Options {
  var host = "127.0.0.1:8080"
  var token = ""
  var idle = 1000
  var conversations = 100
  var seconds = 20.0
  var interval = 1.0

  init(_ arguments: [String]) {
    var iterator = arguments.dropFirst().makeIterator()
    while let flag = iterator.next() {
      let value = iterator.next() ?? ""
      switch flag {
      case "--host": host = value
      case "--token": token = value
      case "--idle": idle = Int(value) ?? idle
      case "--conversations": conversations = Int(value) ?? conversations
      case "--seconds": seconds = Double(value) ?? seconds
      case "--interval": interval = Double(value) ?? interval
      default: fatalError("unknown option \(flag)")
      }
    }
  }
}

struct Frame: Decodable {
  struct Line: Decodable {
    var author: String
    var body: String
  }
  var type: String
  var chatId: String?
  var line: Line?
  var code: String?
}

func nowNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// Delivery times in milliseconds and counters, shared by every socket's callbacks.
final class Tally: Sendable {
  let toAgent = NIOLockedValueBox<[Double]>([])
  let toVisitor = NIOLockedValueBox<[Double]>([])
  let errors = NIOLockedValueBox<[String: Int]>([:])

  func error(_ code: String) { errors.withLockedValue { $0[code, default: 0] += 1 } }

  static func latency(of body: String) -> Double? {
    // Bodies are "t:<nanoseconds>:…".
    let parts = body.split(separator: ":")
    guard parts.count >= 2, parts[0] == "t", let sent = UInt64(parts[1]) else { return nil }
    return Double(nowNanos() &- sent) / 1_000_000
  }
}

func connect(
  _ url: String, headers: HTTPHeaders = [:], group: any EventLoopGroup, onText: @escaping @Sendable (WebSocket, String) -> Void
)
  async throws -> WebSocket
{
  let box = NIOLockedValueBox<WebSocket?>(nil)
  // The console's queue frame grows with the queue: past the client's default 16 KB.
  try await WebSocket.connect(
    to: url, headers: headers, configuration: WebSocketClient.Configuration(maxFrameSize: 1 << 20), on: group
  ) { socket in
    socket.onText(onText)
    box.withLockedValue { $0 = socket }
  }
  for _ in 0..<500 where box.withLockedValue({ $0 }) == nil { try await Task.sleep(for: .milliseconds(2)) }
  guard let socket = box.withLockedValue({ $0 }) else { throw Abort(.internalServerError, reason: "no socket") }
  return socket
}

func percentile(_ values: [Double], _ p: Double) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func report(_ name: String, _ values: [Double]) {
  print(
    String(
      format: "%@: %d delivered, p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms", name, values.count,
      percentile(values, 0.5), percentile(values, 0.9), percentile(values, 0.99), values.max() ?? .nan))
}

let options = Options(CommandLine.arguments)
let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
let tally = Tally()
let decoder = JSONDecoder()

// 1. Idle visitors: connected, greeted, waiting.
var idle: [WebSocket] = []
let welcomed = NIOLockedValueBox(0)
for _ in 0..<options.idle {
  let socket = try await connect("ws://\(options.host)/chat/socket", group: group) { _, text in
    if text.contains("\"type\":\"welcome\"") { welcomed.withLockedValue { $0 += 1 } }
  }
  socket.send("{\"type\":\"hello\"}", promise: nil)
  idle.append(socket)
}
for _ in 0..<500 where welcomed.withLockedValue({ $0 }) < options.idle { try await Task.sleep(for: .milliseconds(10)) }
print("idle visitor connections open and greeted: \(welcomed.withLockedValue { $0 }) of \(options.idle)")

// 2. One agent, who answers every visitor line at once.
var agentHeaders = HTTPHeaders()
agentHeaders.bearerAuthorization = BearerAuthorization(token: options.token)
let agentBox = NIOLockedValueBox<WebSocket?>(nil)
let counter = NIOLockedValueBox(0)
let agentFrames = NIOLockedValueBox(0)
let agent = try await connect("ws://\(options.host)/staff/chat/socket", headers: agentHeaders, group: group) { socket, text in
  agentFrames.withLockedValue { $0 += 1 }
  guard let frame = try? decoder.decode(Frame.self, from: Data(text.utf8)) else { return }
  if frame.type == "error" { tally.error(frame.code ?? "?") }
  guard frame.type == "message", let line = frame.line, line.author == "visitor", let chat = frame.chatId,
    let latency = Tally.latency(of: line.body)
  else { return }
  tally.toAgent.withLockedValue { $0.append(latency) }
  let id = counter.withLockedValue { value -> Int in
    value += 1
    return value
  }
  socket.send(
    "{\"type\":\"reply\",\"chatId\":\"\(chat)\",\"clientId\":\"a\(id)\",\"body\":\"t:\(nowNanos()):reply\"}", promise: nil)
}
agentBox.withLockedValue { $0 = agent }
agent.send("{\"type\":\"hello\"}", promise: nil)

// 3. Conversations: each visitor starts a chat, the agent accepts it.
var visitors: [WebSocket] = []
let chatIDs = NIOLockedValueBox<[String]>([])
for index in 0..<options.conversations {
  let socket = try await connect("ws://\(options.host)/chat/socket", group: group) { socket, text in
    guard let frame = try? decoder.decode(Frame.self, from: Data(text.utf8)) else { return }
    switch frame.type {
    case "session":
      if let chat = frame.chatId {
        chatIDs.withLockedValue { $0.append(chat) }
        agent.send("{\"type\":\"accept\",\"chatId\":\"\(chat)\"}", promise: nil)
      }
    case "message":
      if let line = frame.line, line.author == "agent", let latency = Tally.latency(of: line.body) {
        tally.toVisitor.withLockedValue { $0.append(latency) }
      }
    case "error": tally.error(frame.code ?? "?")
    default: break
    }
  }
  socket.send("{\"type\":\"hello\"}", promise: nil)
  socket.send("{\"type\":\"send\",\"clientId\":\"v\(index)-0\",\"body\":\"Benchmark chat \(index)\"}", promise: nil)
  visitors.append(socket)
}
for _ in 0..<1000 where chatIDs.withLockedValue({ $0.count }) < options.conversations {
  try await Task.sleep(for: .milliseconds(10))
}
try await Task.sleep(for: .seconds(2))
print("conversations started and accepted: \(chatIDs.withLockedValue { $0.count }) of \(options.conversations)")
print("connections held: \(idle.count + visitors.count + 1)")

// 4. Each visitor writes every `interval` seconds, staggered; the agent replies to each line.
let start = Date()
var round = 0
while Date().timeIntervalSince(start) < options.seconds {
  round += 1
  let step = options.interval / Double(max(1, visitors.count))
  for (index, socket) in visitors.enumerated() {
    socket.send(
      "{\"type\":\"send\",\"clientId\":\"v\(index)-\(round)\",\"body\":\"t:\(nowNanos()):line \(round)\"}", promise: nil)
    try await Task.sleep(for: .milliseconds(Int(step * 1000)))
  }
}
try await Task.sleep(for: .seconds(2))
let elapsed = Date().timeIntervalSince(start)
let toAgent = tally.toAgent.withLockedValue { $0 }
let toVisitor = tally.toVisitor.withLockedValue { $0 }
print(String(format: "ran %.1f s: %d visitor lines sent", elapsed, round * visitors.count))
report("visitor → agent", toAgent)
report("agent → visitor", toVisitor)
report("both directions", toAgent + toVisitor)
print("errors: \(tally.errors.withLockedValue { $0 }); frames the agent received: \(agentFrames.withLockedValue { $0 })")
for socket in idle + visitors + [agent] { socket.close(promise: nil) }
try await group.shutdownGracefully()
