import Foundation
import Logging
import Synchronization

/// Writes log lines in swift-log's `StreamLogHandler` format (`<time> <level> <label>: k=v …
/// [<source>] <message>`, metadata sorted by key), each line with one `write` call. The stream
/// handler was a tenth of the CPU of a request at the info level, where every request logs a
/// line: it converted the time zone for every line, and wrote through `FILE` with a lock and a
/// flush. Here the time is formatted once a second. Written here because the mirror has no
/// other log handler for plain text.
public struct LineLogHandler: LogHandler {
  public var logLevel: Logger.Level = .info
  public var metadataProvider: Logger.MetadataProvider?
  public var metadata = Logger.Metadata() {
    didSet { prettyMetadata = Self.prettify(metadata) }
  }

  private let label: String
  private let output: LineOutput
  private var prettyMetadata: String?

  public init(label: String, output: LineOutput = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
    self.label = label
    self.output = output
    self.metadataProvider = metadataProvider
  }

  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  public func log(event: LogEvent) {
    var pretty = prettyMetadata
    let provided = metadataProvider?.get() ?? [:]
    if !provided.isEmpty || !(event.metadata ?? [:]).isEmpty || event.error != nil {
      var merged = metadata
      merged.merge(provided) { _, provided in provided }
      if let explicit = event.metadata { merged.merge(explicit) { _, explicit in explicit } }
      if let error = event.error {
        merged["error.message"] = "\(error)"
        merged["error.type"] = "\(String(reflecting: type(of: error)))"
      }
      pretty = Self.prettify(merged)
    }
    var line = output.clock.timestamp()
    line += " "
    line += event.level.rawValue
    if !label.isEmpty {
      line += " "
      line += label
    }
    line += ":"
    if let pretty {
      line += " "
      line += pretty
    }
    line += " ["
    line += event.source
    line += "] "
    line += event.message.description
    line += "\n"
    output.write(line)
  }

  static func prettify(_ metadata: Logger.Metadata) -> String? {
    metadata.isEmpty ? nil : metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
  }
}

/// Where log lines go: a file descriptor, written to with one `write` call per line, so that
/// lines from different threads never interleave (each is shorter than a pipe's atomic size
/// or goes to a file opened for appending); and the clock that stamps them.
public final class LineOutput: Sendable {
  let descriptor: Int32
  let clock: LogClock

  public init(descriptor: Int32, clock: LogClock = LogClock()) {
    self.descriptor = descriptor
    self.clock = clock
  }

  public static let standardError = LineOutput(descriptor: STDERR_FILENO)

  func write(_ line: String) {
    var line = line
    line.withUTF8 { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written > 0 {
          offset += written
        } else if written < 0, errno == EINTR {
          continue
        } else {
          return  // a log that cannot be written is dropped; the request goes on
        }
      }
    }
  }
}

/// Local time as `StreamLogHandler` writes it (`%Y-%m-%dT%H:%M:%S%z`), formatted once per
/// second.
public final class LogClock: Sendable {
  private let cached = Mutex<(second: Int, text: String)>((-1, ""))
  private let now: @Sendable () -> time_t

  public init(now: @escaping @Sendable () -> time_t = { time(nil) }) {
    self.now = now
    tzset()  // once: `localtime_r` need not read the time zone itself
  }

  func timestamp() -> String {
    let second = now()
    if let text = cached.withLock({ $0.second == Int(second) ? $0.text : nil }) { return text }
    var seconds = second
    var local = tm()
    guard localtime_r(&seconds, &local) != nil else { return "<unknown>" }
    var buffer = [CChar](repeating: 0, count: 64)
    let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
    let text = buffer.prefix(length).withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    cached.withLock { $0 = (Int(second), text) }
    return text
  }
}
