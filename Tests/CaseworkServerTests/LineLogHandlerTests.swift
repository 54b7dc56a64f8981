import CaseworkServer
import Foundation
import Logging
import Synchronization
import Testing

@Suite("Log lines")
struct LineLogHandlerTests {
  /// A temporary file opened for appending, its contents read back after `body`.
  func withLogFile(_ body: (LineOutput) async throws -> Void, clock: LogClock = LogClock()) async throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("casework-log-\(UUID().uuidString)").path
    let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    #expect(descriptor >= 0)
    defer {
      close(descriptor)
      unlink(path)
    }
    try await body(LineOutput(descriptor: descriptor, clock: clock))
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  final class Captured: TextOutputStream, @unchecked Sendable {  // written by one test thread only
    var text = ""
    func write(_ string: String) { text += string }
  }

  @Test("a line reads as swift-log's stream handler writes it, after the time")
  func sameAsStreamHandler() async throws {
    struct Failure: Error, CustomStringConvertible { var description: String { "it broke" } }
    let captured = Captured()
    var stream = Logger(label: "casework.test") { StreamLogHandler(label: $0, stream: captured, metadataProvider: nil) }
    let written = try await withLogFile { output in
      var logger = Logger(label: "casework.test") { LineLogHandler(label: $0, output: output) }
      for index in 0..<2 {
        for var each in [logger, stream] {
          each[metadataKey: "request-id"] = "abc-\(index)"
          each.info("request", metadata: ["status": "201", "method": "POST", "ms": .stringConvertible(3.5)])
          each.warning("plain")
          each.log(level: .error, "failed", error: Failure())
          each[metadataKey: "request-id"] = nil
          each.notice("no metadata", metadata: [:])
        }
      }
      logger.logLevel = .warning
      stream.logLevel = .warning
      logger.info("not written")
      stream.info("not written")
    }
    let withoutTimes = { (text: String) in
      text.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1).dropFirst().joined() }
    }
    #expect(withoutTimes(written).count == 8)
    #expect(withoutTimes(written) == withoutTimes(captured.text))
    #expect(written.contains("info casework.test: method=POST ms=3.5 request-id=abc-0 status=201 ["))
  }

  @Test("the time is local time in the stream handler's format, and moves on each second")
  func clock() async throws {
    let second = Mutex<time_t>(1_795_255_200)
    let clock = LogClock(now: { second.withLock { $0 } })
    let written = try await withLogFile(
      { output in
        let logger = Logger(label: "t") { LineLogHandler(label: $0, output: output) }
        logger.info("one")
        logger.info("two")
        second.withLock { $0 += 1 }
        logger.info("three")
      }, clock: clock)
    let times = written.split(separator: "\n").map { String($0.split(separator: " ")[0]) }
    #expect(times.count == 3)
    #expect(times[0] == times[1])
    #expect(times[1] != times[2])
    var seconds: time_t = 1_795_255_201
    var local = tm()
    _ = localtime_r(&seconds, &local)
    #expect(
      times[2].hasPrefix(
        String(
          format: "%04d-%02d-%02dT%02d:%02d:%02d", local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
          local.tm_min, local.tm_sec)))
    #expect(times[2].wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}/) != nil)
  }

  @Test("lines logged at once from many tasks arrive whole")
  func concurrentLines() async throws {
    let written = try await withLogFile { output in
      await withTaskGroup(of: Void.self) { group in
        for task in 0..<8 {
          group.addTask {
            let logger = Logger(label: "t\(task)") { LineLogHandler(label: $0, output: output) }
            for line in 0..<300 {
              logger.info(
                "line", metadata: ["task": "\(task)", "line": "\(line)", "padding": "\(String(repeating: "x", count: 200))"])
            }
          }
        }
      }
    }
    let lines = written.split(separator: "\n")
    #expect(lines.count == 2_400)
    #expect(lines.allSatisfy { $0.contains(" info t") && $0.hasSuffix("[CaseworkServerTests] line") })
  }
}
