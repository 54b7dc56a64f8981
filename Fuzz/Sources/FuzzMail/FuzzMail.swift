import CaseworkMail
import Foundation

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

/// SwiftPM links an executable's entry point as `FuzzMail_main`; this one hands over to libFuzzer.
@_cdecl("FuzzMail_main")
func fuzzMailMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  var count = argc
  var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
  return LLVMFuzzerRunDriver(&count, &arguments, fuzzMail)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt
