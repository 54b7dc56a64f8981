import CaseworkCore
import CaseworkServer
import Foundation
import Testing

@Suite("Complaint settings from the environment")
struct ComplaintConfigTests {
  @Test("the time-limit preset, automatic acknowledgement and signature are read; a wrong preset is refused with the choices")
  func settings() throws {
    let config = try AppConfig.load(from: [
      "CASEWORK_COMPLAINT_TIME_LIMITS": "nhs_england", "CASEWORK_COMPLAINT_AUTO_ACKNOWLEDGE": "true",
      "CASEWORK_ORGANISATION": "Patient App Ltd", "CASEWORK_DATA_DIR": NSTemporaryDirectory(),
    ])
    #expect(config.complaints.preset == .nhsEngland)
    #expect(config.complaints.autoAcknowledge)
    #expect(config.complaints.organisation == "Patient App Ltd")
    #expect(try AppConfig.load(from: ["CASEWORK_DATA_DIR": NSTemporaryDirectory()]).complaints.preset == .sourcePolicy)
    do {
      _ = try AppConfig.load(from: ["CASEWORK_COMPLAINT_TIME_LIMITS": "six_months", "CASEWORK_DATA_DIR": NSTemporaryDirectory()])
      Issue.record("a wrong preset was accepted")
    } catch {
      #expect(String(describing: error).contains("CASEWORK_COMPLAINT_TIME_LIMITS must be source_policy"))
    }
  }
}
