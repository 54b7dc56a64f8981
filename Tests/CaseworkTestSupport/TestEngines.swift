import Foundation

/// Which database engines the storage suites run on. CASEWORK_TEST_ENGINES names them
/// ("sqlite,postgres"); unset, SQLite always and PostgreSQL when CASEWORK_TEST_POSTGRES_URL
/// names a server, so plain `swift test` runs with nothing installed. The test command sets
/// both variables, so CI runs both engines, and a PostgreSQL test with no server fails there.
public enum TestEngines {
  public static var names: [String] {
    let environment = ProcessInfo.processInfo.environment
    guard let listed = environment["CASEWORK_TEST_ENGINES"] else {
      return environment["CASEWORK_TEST_POSTGRES_URL"] == nil ? ["sqlite"] : ["sqlite", "postgres"]
    }
    return listed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      ["sqlite", "postgres"].contains($0)
    }
  }
}

/// Whether a suite's outside server is there. Plain `swift test` runs without them and leaves
/// those suites out; the test command starts every server and sets CASEWORK_TEST_ALL=1, so
/// there each of these suites runs, and fails if its server is missing.
public enum TestServers {
  public static var postgres: Bool { configured("CASEWORK_TEST_POSTGRES_URL") }
  public static var smtp: Bool { configured("CASEWORK_TEST_SMTP_URL") }
  public static var browser: Bool { configured("CASEWORK_CHROMEDRIVER") }

  static func configured(_ variable: String) -> Bool {
    let environment = ProcessInfo.processInfo.environment
    return environment["CASEWORK_TEST_ALL"] == "1" || !(environment[variable] ?? "").isEmpty
  }
}
