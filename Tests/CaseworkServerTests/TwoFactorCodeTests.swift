import CaseworkCore
import Crypto
import Foundation
import Testing

@testable import CaseworkServer

/// The pieces of two-factor sign-in: TOTP against RFC 6238's own test vectors, base32, and
/// the QR code, decoded by zbar as a phone's camera would.
@Suite("Two-factor codes")
struct TwoFactorCodeTests {
  static let hmac: TOTP.HMACSHA1 = { key, message in
    Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key)))
  }

  @Test("TOTP gives RFC 6238's SHA-1 test vectors (last 6 digits)")
  func rfcVectors() {
    let totp = TOTP(secret: Array("12345678901234567890".utf8), hmac: Self.hmac)
    let vectors: [(TimeInterval, String)] = [
      (59, "287082"), (1_111_111_109, "081804"), (1_111_111_111, "050471"), (1_234_567_890, "005924"),
      (2_000_000_000, "279037"), (20_000_000_000, "353130"),
    ]
    for (time, expected) in vectors {
      #expect(totp.code(step: TOTP.step(at: Date(timeIntervalSince1970: time))) == expected, "\(time)")
    }
  }

  @Test("a code is accepted one step either side, never twice, and never for an earlier step")
  func window() {
    let totp = TOTP(secret: Array("12345678901234567890".utf8), hmac: Self.hmac)
    let now = Date(timeIntervalSince1970: 1_795_255_200)
    let step = TOTP.step(at: now)
    #expect(totp.matchingStep(totp.code(step: step), at: now, after: nil) == step)
    #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: nil) == step - 1)
    #expect(totp.matchingStep(totp.code(step: step + 1), at: now, after: nil) == step + 1)
    #expect(totp.matchingStep(totp.code(step: step - 2), at: now, after: nil) == nil)
    #expect(totp.matchingStep(totp.code(step: step), at: now, after: step) == nil, "used once")
    #expect(totp.matchingStep(totp.code(step: step - 1), at: now, after: step) == nil, "no going back")
    let spaced = totp.code(step: step)
    #expect(totp.matchingStep("\(spaced.prefix(3)) \(spaced.suffix(3))", at: now, after: nil) == step)
    #expect(totp.matchingStep("12345", at: now, after: nil) == nil)
    #expect(totp.matchingStep("١٢٣٤٥٦", at: now, after: nil) == nil, "only ASCII digits")
  }

  @Test("base32 round-trips and reads RFC 4648's examples")
  func base32() {
    #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")
    #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8))
    #expect(Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
    #expect(Base32.decode("MZXW1") == nil)
    for length in 0..<40 {
      let bytes = SecureRandom.bytes(length)
      #expect(Base32.decode(Base32.encode(bytes)) == bytes)
    }
  }

  @Test("the QR code drawn on the server decodes to the link, for short and long links (versions 1 to 10)")
  func qrDecodes() throws {
    let secret = SecureRandom.bytes(20)
    let texts = [
      "hello",
      TOTP.provisioningURI(secret: secret, account: "sam@casework.test", issuer: "Casework"),
      TOTP.provisioningURI(
        secret: secret, account: "firstname.lastname@nhs-digital-supplier.example.co.uk", issuer: "Example Health"),
      String(repeating: "x", count: 200),
    ]
    for text in texts {
      for mask in [nil, 3, 7] {
        let code = try QRCode(bytes: Array(text.utf8), mask: mask)
        #expect(
          try Self.decode(code.svg(label: "test")) == text, "version \(code.version), mask \(mask.map(String.init) ?? "chosen")")
      }
    }
    #expect(throws: QRCode.TooLong.self) { try QRCode(text: String(repeating: "x", count: 300)) }
  }

  /// SVG → PNG (rsvg-convert) → text (zbarimg), both installed by `scripts/test`.
  static func decode(_ svg: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casework-qr-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let svgFile = folder.appendingPathComponent("code.svg")
    let pngFile = folder.appendingPathComponent("code.png")
    try Data(svg.utf8).write(to: svgFile)
    _ = try run("rsvg-convert", ["-o", pngFile.path, svgFile.path])
    return try run("zbarimg", ["--quiet", "--raw", "-Sbinary", pngFile.path])
  }

  static func run(_ tool: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [tool] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw TestSetupError(description: "\(tool) exited \(process.terminationStatus); scripts/test installs it")
    }
    var text = String(decoding: data, as: UTF8.self)
    if text.hasSuffix("\n") { text.removeLast() }
    return text
  }
}
