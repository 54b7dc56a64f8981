import CaseworkCore
import Testing

@Suite("NHS numbers")
struct NHSNumberTests {
  @Test(
    "accepts numbers whose Modulus 11 check digit is right",
    arguments: ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
  func valid(text: String) {
    #expect(NHSNumber(text) != nil)
  }

  @Test(
    "rejects a wrong check digit, a check value of 10, wrong lengths and letters",
    arguments: [
      "9434765918", "9434765910", "943476591", "94347659190", "94347659AB", "",
    ])
  func invalid(text: String) {
    #expect(NHSNumber(text) == nil)
  }

  @Test("check digit 11 becomes 0")
  func elevenBecomesZero() {
    // 1,0,0,0,0,0,0,0,6 weighted 10..2 sums to 10 + 12 = 22 = 11 × 2, so 11 − 0 = 11 → check digit 0.
    #expect(NHSNumber("1000000060") != nil)
    #expect(NHSNumber("1000000061") == nil)
  }

  @Test("is formatted 3-3-4 and masked to its last four digits")
  func formatting() throws {
    let number = try #require(NHSNumber("9434765919"))
    #expect(number.description == "943 476 5919")
    #expect(number.masked == "*** *** 5919")
  }

  @Test("is found and masked in free text, but not inside longer numbers or when invalid")
  func masking() {
    let text = "My NHS number is 943 476 5919, order 94347659190 and 9434765918."
    #expect(NHSNumber.find(in: text).map(\.digits) == ["9434765919"])
    #expect(NHSNumber.mask(in: text) == "My NHS number is *** *** 5919, order 94347659190 and 9434765918.")
    #expect(NHSNumber.mask(in: "9434765919") == "*** *** 5919")
    #expect(NHSNumber.mask(in: "né 943-476-5919é, 943 476 59190") == "né *** *** 5919é, 943 476 59190")
  }
}
