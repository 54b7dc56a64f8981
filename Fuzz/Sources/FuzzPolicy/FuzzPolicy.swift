import CaseworkPolicy
import Foundation
import FuzzSupport

// The deadline policy file reader against any text, for libFuzzer (`scripts/fuzz`).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  _ = try? PolicyFile.parse(text)
  return 0
}

/// SwiftPM's entry point for this target; libFuzzer takes over from it.
@_cdecl("FuzzPolicy_main")
func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(argc, argv, fuzzPolicy)
}
