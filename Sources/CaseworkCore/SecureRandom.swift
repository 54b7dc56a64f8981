import Foundation

/// Random bytes from the system's secure generator, fetched 256 at a time. The standard
/// `SystemRandomNumberGenerator` makes one `getrandom` call per eight bytes, and creating a
/// case takes a few dozen (its ids and its requester's link): those calls were 2.4% of the
/// CPU of creating cases. The bytes are the same generator's; the process never forks, so no
/// two processes share a buffer.
public enum SecureRandom {
  private static let pool = Pool()

  /// Eight random bytes.
  public static func next() -> UInt64 {
    pool.take(8) { bytes in bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } }
  }

  /// `count` random bytes.
  public static func bytes(_ count: Int) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(count)
    while out.count < count {
      let chunk = min(Pool.capacity, count - out.count)
      pool.take(chunk) { out.append(contentsOf: $0) }
    }
    return out
  }

  // The buffer and its read position are only touched while `lock` is held.
  private final class Pool: @unchecked Sendable {
    static let capacity = 256
    private let lock = NSLock()
    private var buffer = [UInt8](repeating: 0, count: capacity)
    private var used = capacity

    func take<T>(_ count: Int, _ body: (ArraySlice<UInt8>) -> T) -> T {
      lock.lock()
      defer { lock.unlock() }
      if used + count > Self.capacity {
        Self.fill(&buffer)
        used = 0
      }
      defer {
        // Bytes handed out are not kept.
        for index in used..<used + count { buffer[index] = 0 }
        used += count
      }
      return body(buffer[used..<used + count])
    }

    /// One call: glibc's `arc4random_buf` (2.36 and later) reads the kernel's generator with
    /// `getrandom`, as Darwin's does with its own.
    private static func fill(_ buffer: inout [UInt8]) {
      buffer.withUnsafeMutableBytes { raw in arc4random_buf(raw.baseAddress!, raw.count) }
    }
  }
}
