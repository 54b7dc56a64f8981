import Foundation

/// Random secrets for links and tokens: 32 bytes from the system's secure generator,
/// base64url without padding.
public enum SecretGenerator {
  public static func token(bytes count: Int = 32) -> String {
    let bytes = SecureRandom.bytes(count)
    return Base64URL.encode(bytes)
  }
}

/// base64url (RFC 4648 §5) without padding, written directly rather than by patching the
/// output of standard base64.
public enum Base64URL {
  private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

  public static func encode(_ bytes: [UInt8]) -> String {
    var out = [UInt8]()
    out.reserveCapacity((bytes.count * 4 + 2) / 3)
    var index = 0
    while index + 2 < bytes.count {
      let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
      out.append(alphabet[Int(chunk >> 18 & 63)])
      out.append(alphabet[Int(chunk >> 12 & 63)])
      out.append(alphabet[Int(chunk >> 6 & 63)])
      out.append(alphabet[Int(chunk & 63)])
      index += 3
    }
    let rest = bytes.count - index
    if rest == 1 {
      let chunk = UInt32(bytes[index]) << 16
      out += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)]]
    } else if rest == 2 {
      let chunk = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
      out += [alphabet[Int(chunk >> 18 & 63)], alphabet[Int(chunk >> 12 & 63)], alphabet[Int(chunk >> 6 & 63)]]
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Compares secrets (tokens, signatures, codes) in time that depends only on their length, so
/// a guess cannot be refined byte by byte from how fast it is refused.
public enum ConstantTime {
  public static func equal(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
  }
}
