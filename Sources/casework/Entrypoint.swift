import NIOCore
import NIOPosix

/// Runs Swift concurrency on NIO's event loops, so async handlers and database calls do not
/// hop between two thread pools (a profile showed most CPU on the concurrency pool, with a
/// thread switch around every statement). Must happen first, on the main thread.
@main
enum Entrypoint {
  static func main() async {
    _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    await CaseworkCommand.main()
  }
}
