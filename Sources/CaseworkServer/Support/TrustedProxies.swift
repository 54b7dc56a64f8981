import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The reverse proxies whose `X-Forwarded-For` we believe (`CASEWORK_TRUSTED_PROXIES`, CIDRs).
/// Behind a proxy every request comes from the proxy's address, so without this all users
/// would share one rate-limit allowance; believing the header from anyone else would let a
/// client choose its own address.
public struct TrustedProxies: Sendable, Equatable {
  public struct Range: Sendable, Equatable {
    let network: [UInt8]
    let prefix: Int

    /// `10.0.0.0/8`, `2001:db8::/32`, or a single address.
    public init?(_ text: String) {
      let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
      guard (1...2).contains(parts.count), let address = IPAddressBytes.parse(String(parts[0])) else { return nil }
      let bits = address.count * 8
      let prefix = parts.count == 2 ? Int(parts[1]) : bits
      guard let prefix, (0...bits).contains(prefix) else { return nil }
      network = address
      self.prefix = prefix
    }

    func contains(_ address: [UInt8]) -> Bool {
      guard address.count == network.count else { return false }
      var left = prefix
      for (a, b) in zip(address, network) where left > 0 {
        let mask: UInt8 = left >= 8 ? 0xFF : ~(0xFF >> UInt8(left))
        if a & mask != b & mask { return false }
        left -= 8
      }
      return true
    }
  }

  public var ranges: [Range]

  public init(_ ranges: [Range] = []) {
    self.ranges = ranges
  }

  public func trusts(_ address: String) -> Bool {
    guard let bytes = IPAddressBytes.parse(address) else { return false }
    return ranges.contains { $0.contains(bytes) }
  }

  /// The client's address: the socket's peer, unless that is a trusted proxy; then the last
  /// address in `X-Forwarded-For` that is not a trusted proxy (the one the nearest trusted
  /// proxy saw), read from the right because anything to its left the client may have written.
  public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
    guard let peer, trusts(peer), !forwardedFor.isEmpty else { return peer }
    // Some proxies write `ip:port` or `[v6]:port`; an entry that is no address at all
    // (`unknown`, junk) is passed over rather than ending the walk at the proxy.
    let hops = forwardedFor.flatMap { $0.split(separator: ",") }.compactMap { Self.address(in: String($0)) }
    for hop in hops.reversed() where !trusts(hop) { return hop }
    return hops.first ?? peer
  }

  /// The address in one `X-Forwarded-For` entry, without brackets or port; nil if none.
  static func address(in entry: String) -> String? {
    var text = entry.trimmingCharacters(in: .whitespaces)
    if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
      text = String(text[text.index(after: text.startIndex)..<close])
    } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
      text = String(text[..<colon])
    }
    return IPAddressBytes.parse(text) != nil ? text : nil
  }
}

/// An IPv4 or IPv6 address as bytes; an IPv4-mapped IPv6 address reads as IPv4.
enum IPAddressBytes {
  static func parse(_ text: String) -> [UInt8]? {
    var v4 = in_addr()
    if inet_pton(AF_INET, text, &v4) == 1 {
      return withUnsafeBytes(of: &v4) { Array($0) }
    }
    var v6 = in6_addr()
    guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
    let bytes = withUnsafeBytes(of: &v6) { Array($0) }
    if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
    return bytes
  }
}
