import Foundation

/// A QR code (ISO/IEC 18004) in byte mode with error correction level M, versions 1 to 10
/// (up to 213 bytes: an `otpauth://` link fits with room to spare), drawn as SVG on the
/// server. Written here because no QR package is in the package mirror; `QRCodeTests`
/// decodes what it draws with zbar.
struct QRCode: Sendable {
  struct TooLong: Error {}

  let version: Int
  let size: Int
  /// `modules[y][x]`: true is dark.
  private(set) var modules: [[Bool]]
  private var isFunction: [[Bool]]

  /// Error correction codewords per block and blocks, level M, versions 1 to 10.
  private static let eccPerBlock = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26]
  private static let blockCount = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5]

  init(bytes: [UInt8], mask forcedMask: Int? = nil) throws {
    guard
      let version = (1...10).first(where: { version in
        let countBits = version < 10 ? 8 : 16
        return 4 + countBits + bytes.count * 8 <= Self.dataCodewords(version) * 8
      })
    else { throw TooLong() }
    self.version = version
    size = version * 4 + 17
    modules = Array(repeating: Array(repeating: false, count: size), count: size)
    isFunction = modules
    drawFunctionPatterns()
    drawCodewords(Self.interleaved(Self.dataWithPadding(bytes, version: version), version: version))
    let chosen = forcedMask ?? (0..<8).min { penaltyWith(mask: $0) < penaltyWith(mask: $1) }!
    applyMask(chosen)
    drawFormatBits(mask: chosen)
  }

  init(text: String) throws {
    try self.init(bytes: Array(text.utf8))
  }

  /// The code as an SVG image with a quiet zone of four modules; `label` is its accessible name.
  func svg(label: String, pixelsPerModule: Int = 5) -> String {
    let border = 4
    let side = size + border * 2
    var path = ""
    for y in 0..<size {
      for x in 0..<size where modules[y][x] { path += "M\(x + border),\(y + border)h1v1h-1z" }
    }
    let escaped = label.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: "\"", with: "&quot;")
    return
      "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(side * pixelsPerModule)\" height=\"\(side * pixelsPerModule)\" role=\"img\" aria-label=\"\(escaped)\" shape-rendering=\"crispEdges\"><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/><path d=\"\(path)\" fill=\"#000\"/></svg>"
  }

  // MARK: Capacity and codewords

  static func rawDataModules(_ version: Int) -> Int {
    var result = (16 * version + 128) * version + 64
    if version >= 2 {
      let alignments = version / 7 + 2
      result -= (25 * alignments - 10) * alignments - 55
      if version >= 7 { result -= 36 }
    }
    return result
  }

  static func dataCodewords(_ version: Int) -> Int {
    rawDataModules(version) / 8 - eccPerBlock[version - 1] * blockCount[version - 1]
  }

  static func dataWithPadding(_ bytes: [UInt8], version: Int) -> [UInt8] {
    var bits: [Bool] = []
    func append(_ value: Int, _ count: Int) {
      for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }
    append(0b0100, 4)
    append(bytes.count, version < 10 ? 8 : 16)
    for byte in bytes { append(Int(byte), 8) }
    let capacity = dataCodewords(version) * 8
    append(0, min(4, capacity - bits.count))
    append(0, (8 - bits.count % 8) % 8)
    var data: [UInt8] = stride(from: 0, to: bits.count, by: 8).map { start in
      bits[start..<start + 8].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
    }
    var pad: UInt8 = 0xEC
    while data.count < capacity / 8 {
      data.append(pad)
      pad = pad == 0xEC ? 0x11 : 0xEC
    }
    return data
  }

  /// Splits the data into blocks, adds each block's Reed-Solomon codewords, and interleaves.
  static func interleaved(_ data: [UInt8], version: Int) -> [UInt8] {
    let blocks = blockCount[version - 1]
    let eccLength = eccPerBlock[version - 1]
    let raw = rawDataModules(version) / 8
    let shortBlocks = blocks - raw % blocks
    let shortLength = raw / blocks
    let divisor = ReedSolomon.divisor(degree: eccLength)
    var result: [[UInt8]] = []
    var offset = 0
    for i in 0..<blocks {
      let length = shortLength - eccLength + (i < shortBlocks ? 0 : 1)
      var block = Array(data[offset..<offset + length])
      offset += length
      let ecc = ReedSolomon.remainder(block, divisor: divisor)
      if i < shortBlocks { block.append(0) }  // a place holder, skipped below
      result.append(block + ecc)
    }
    var out: [UInt8] = []
    for i in 0..<result[0].count {
      for (j, block) in result.enumerated() where i != shortLength - eccLength || j >= shortBlocks {
        out.append(block[i])
      }
    }
    return out
  }

  // MARK: Drawing

  private mutating func set(_ x: Int, _ y: Int, _ dark: Bool) {
    modules[y][x] = dark
    isFunction[y][x] = true
  }

  private mutating func drawFunctionPatterns() {
    for i in 0..<size {
      set(6, i, i % 2 == 0)
      set(i, 6, i % 2 == 0)
    }
    drawFinder(3, 3)
    drawFinder(size - 4, 3)
    drawFinder(3, size - 4)
    let positions = alignmentPositions()
    for (i, a) in positions.enumerated() {
      for (j, b) in positions.enumerated() {
        let corner = (i == 0 && j == 0) || (i == 0 && j == positions.count - 1) || (i == positions.count - 1 && j == 0)
        if !corner { drawAlignment(a, b) }
      }
    }
    drawFormatBits(mask: 0)  // reserves the area; drawn for real once the mask is chosen
    drawVersion()
  }

  private mutating func drawFinder(_ cx: Int, _ cy: Int) {
    for dy in -4...4 {
      for dx in -4...4 {
        let distance = max(abs(dx), abs(dy))
        let x = cx + dx
        let y = cy + dy
        if (0..<size).contains(x), (0..<size).contains(y) { set(x, y, distance != 2 && distance != 4) }
      }
    }
  }

  private mutating func drawAlignment(_ cx: Int, _ cy: Int) {
    for dy in -2...2 {
      for dx in -2...2 { set(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1) }
    }
  }

  private func alignmentPositions() -> [Int] {
    guard version > 1 else { return [] }
    let count = version / 7 + 2
    let step = (version * 8 + count * 3 + 5) / (count * 4 - 4) * 2
    var result = [6]
    for i in 0..<(count - 1) { result.insert(size - 7 - i * step, at: 1) }
    return result
  }

  private mutating func drawFormatBits(mask: Int) {
    let data = 0 << 3 | mask  // level M is 00
    var remainder = data
    for _ in 0..<10 { remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537) }
    let bits = (data << 10 | remainder) ^ 0x5412
    func bit(_ i: Int) -> Bool { (bits >> i) & 1 == 1 }
    for i in 0...5 { set(8, i, bit(i)) }
    set(8, 7, bit(6))
    set(8, 8, bit(7))
    set(7, 8, bit(8))
    for i in 9..<15 { set(14 - i, 8, bit(i)) }
    for i in 0..<8 { set(size - 1 - i, 8, bit(i)) }
    for i in 8..<15 { set(8, size - 15 + i, bit(i)) }
    set(8, size - 8, true)
  }

  private mutating func drawVersion() {
    guard version >= 7 else { return }
    var remainder = version
    for _ in 0..<12 { remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1F25) }
    let bits = version << 12 | remainder
    for i in 0..<18 {
      let dark = (bits >> i) & 1 == 1
      let a = size - 11 + i % 3
      let b = i / 3
      set(a, b, dark)
      set(b, a, dark)
    }
  }

  private mutating func drawCodewords(_ data: [UInt8]) {
    var i = 0
    var right = size - 1
    while right >= 1 {
      if right == 6 { right = 5 }
      for vertical in 0..<size {
        for j in 0..<2 {
          let x = right - j
          let upward = (right + 1) & 2 == 0
          let y = upward ? size - 1 - vertical : vertical
          if !isFunction[y][x], i < data.count * 8 {
            modules[y][x] = (data[i >> 3] >> (7 - UInt8(i & 7))) & 1 == 1
            i += 1
          }
        }
      }
      right -= 2
    }
  }

  private static func masked(_ mask: Int, _ x: Int, _ y: Int) -> Bool {
    switch mask {
    case 0: (x + y) % 2 == 0
    case 1: y % 2 == 0
    case 2: x % 3 == 0
    case 3: (x + y) % 3 == 0
    case 4: (x / 3 + y / 2) % 2 == 0
    case 5: x * y % 2 + x * y % 3 == 0
    case 6: (x * y % 2 + x * y % 3) % 2 == 0
    default: ((x + y) % 2 + x * y % 3) % 2 == 0
    }
  }

  private mutating func applyMask(_ mask: Int) {
    for y in 0..<size {
      for x in 0..<size where !isFunction[y][x] && Self.masked(mask, x, y) { modules[y][x].toggle() }
    }
  }

  // MARK: Choosing the mask (the standard's penalty rules)

  private func penaltyWith(mask: Int) -> Int {
    var copy = self
    copy.applyMask(mask)
    copy.drawFormatBits(mask: mask)
    return copy.penalty()
  }

  private func penalty() -> Int {
    var score = 0
    let columns = (0..<size).map { x in (0..<size).map { modules[$0][x] } }
    for line in modules + columns {
      var run = 1
      for i in 1..<size {
        if line[i] == line[i - 1] {
          run += 1
        } else {
          if run >= 5 { score += run - 2 }
          run = 1
        }
      }
      if run >= 5 { score += run - 2 }
      // Finder-like 1:1:3:1:1 with four light modules on a side.
      let pattern: [Bool] = [true, false, true, true, true, false, true]
      for start in 0...(size - 7) where Array(line[start..<start + 7]) == pattern {
        let before = (max(0, start - 4)..<start).allSatisfy { !line[$0] }
        let after = (start + 7..<min(size, start + 11)).allSatisfy { !line[$0] }
        if before || after { score += 40 }
      }
    }
    for y in 0..<(size - 1) {
      for x in 0..<(size - 1) {
        let c = modules[y][x]
        if c == modules[y][x + 1], c == modules[y + 1][x], c == modules[y + 1][x + 1] { score += 3 }
      }
    }
    let dark = modules.reduce(0) { $0 + $1.filter { $0 }.count }
    let total = size * size
    score += (abs(dark * 20 - total * 10) + total - 1) / total * 10 - 10
    return score
  }
}

/// Reed-Solomon over GF(256) with the QR polynomial 0x11D.
enum ReedSolomon {
  static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
    var z = 0
    for i in stride(from: 7, through: 0, by: -1) {
      z = (z << 1) ^ ((z >> 7) * 0x11D)
      z ^= ((Int(y) >> i) & 1) * Int(x)
    }
    return UInt8(z & 0xFF)
  }

  static func divisor(degree: Int) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: degree - 1) + [1]
    var root: UInt8 = 1
    for _ in 0..<degree {
      for j in 0..<degree {
        result[j] = multiply(result[j], root)
        if j + 1 < degree { result[j] ^= result[j + 1] }
      }
      root = multiply(root, 0x02)
    }
    return result
  }

  static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
    var result = [UInt8](repeating: 0, count: divisor.count)
    for byte in data {
      let factor = byte ^ result.removeFirst()
      result.append(0)
      for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
    }
    return result
  }
}
