import CaseworkPolicy
import Foundation

// The deadline policy file reader against any text, for libFuzzer (`scripts/fuzz`).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPolicy(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  _ = try? PolicyFile.parse(text)
  return 0
}

/// SwiftPM links an executable's entry point as `FuzzPolicy_main`; this one hands over to libFuzzer.
@_cdecl("FuzzPolicy_main")
func fuzzPolicyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  var count = argc
  var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
  return LLVMFuzzerRunDriver(&count, &arguments, fuzzPolicy)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt
