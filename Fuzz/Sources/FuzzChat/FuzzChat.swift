import CaseworkCore
import Foundation
import FuzzSupport

// A chat socket's frames, for libFuzzer (`scripts/fuzz`): any text a client sends is decoded
// as a frame, and a line goes through the rules a visitor's line meets (cleaning and length,
// the visitor's name and email, screening, NHS-number masking) before anything is stored.

private let screener = Screener()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChat(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  guard let frame = ClientFrame.decode(text) else { return 0 }
  _ = frame.validClientID
  if let body = frame.body, let line = try? ChatRules.validate(body) {
    _ = screener.screen(line)
    _ = NHSNumber.mask(in: line)
  }
  _ = InputRules.cleanLine(frame.name)
  if let email = frame.email { _ = InputRules.isPlausibleEmail(email) }
  return 0
}

/// SwiftPM's entry point for this target; libFuzzer takes over from it.
@_cdecl("FuzzChat_main")
func fuzzChatMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzzChat)
}
