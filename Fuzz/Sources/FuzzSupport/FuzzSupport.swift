// What every fuzz target shares: SwiftPM links an executable's entry point as `<Target>_main`,
// and each target's one hands over to libFuzzer's driver (linked in by `-sanitize=fuzzer`).

public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

/// Runs libFuzzer with the command line as given, calling `callback` for every input.
public func runFuzzer(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>, _ callback: FuzzCallback)
  -> CInt
{
  var count = argc
  var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
  return LLVMFuzzerRunDriver(&count, &arguments, callback)
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: FuzzCallback
) -> CInt
