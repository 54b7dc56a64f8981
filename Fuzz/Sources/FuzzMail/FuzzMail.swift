import CaseworkMail
import Foundation
import FuzzSupport

// The MIME parser against any bytes, for libFuzzer: `scripts/fuzz` builds this package with
// `-sanitize=fuzzer,address`, and the fuzzer's own main calls this entry point.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMail(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let data = Data(bytes: bytes, count: count)
  if let message = try? MailParser.parse(data) {
    // Everything intake reads from a message, as intake reads it.
    _ = message.reply.newText
    _ = message.subject.bracketedCaseReference
    _ = message.isAutomatic
    _ = SenderAuthentication.isVerified(message, authservID: "mx.example.com")
  }
  return 0
}

/// SwiftPM's entry point for this target; libFuzzer takes over from it.
@_cdecl("FuzzMail_main")
func fuzzMailMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzzMail)
}
