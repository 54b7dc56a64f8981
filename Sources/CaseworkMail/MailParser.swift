import Foundation

/// Reads RFC 5322 messages with MIME (RFC 2045-2049). Only input with no header fields at all
/// is refused; everything else gives a message, with notes on what could not be read.
public enum MailParser {
  static let maximumDepth = 40

  public static func parse(_ data: Data) throws(MailParseError) -> MailMessage {
    let bytes = [UInt8](data)
    var notes: [String] = []
    let (headerBytes, body) = split(bytes[...])
    let headers = MailHeaders.parse(headerBytes, notes: &notes)
    guard !headers.fields.isEmpty, let first = Lines(headerBytes).first(where: { _ in true }), first.contains(UInt8(ascii: ":"))
    else {
      throw .notAMessage
    }
    var collected = Collected()
    walk(headers: headers, body: body, depth: 0, into: &collected, notes: &notes, inAlternative: false)

    let from = headers.raw("From").flatMap { MailAddress.list($0).first }
    if from == nil { notes.append("The message has no readable From address.") }
    let date = headers.raw("Date").flatMap(MailDate.parse)
    if headers.raw("Date") == nil {
      notes.append("The message has no Date.")
    } else if date == nil {
      notes.append("The message's Date could not be read.")
    }
    var text = collected.plain.joined(separator: "\n\n")
    let html = collected.html.isEmpty ? nil : collected.html.joined(separator: "\n")
    if text.allSatisfy(\.isWhitespace), let html { text = HTMLText.plain(html) }
    return MailMessage(
      headers: headers, from: from, to: headers.all("To").flatMap(MailAddress.list),
      cc: headers.all("Cc").flatMap(MailAddress.list),
      replyTo: headers.all("Reply-To").flatMap(MailAddress.list), subject: headers.text("Subject") ?? "",
      messageID: headers.raw("Message-ID").flatMap { messageIDs(in: $0).first },
      inReplyTo: headers.raw("In-Reply-To").map(messageIDs) ?? [],
      references: headers.all("References").flatMap(messageIDs), date: date, text: text,
      html: html, attachments: collected.attachments, notes: notes, isDeliveryReport: collected.isReport,
      reportedMessageIDs: collected.reportedIDs)
  }

  /// `<a@b> <c@d>` → ["a@b", "c@d"]; a bare id without brackets is taken whole.
  public static func messageIDs(in raw: String) -> [String] {
    var ids: [String] = []
    var rest = Substring(raw)
    while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
      let id = rest[rest.index(after: open)..<close].trimmed
      if !id.isEmpty { ids.append(id) }
      rest = rest[rest.index(after: close)...]
    }
    if ids.isEmpty {
      let bare = raw.trimmed
      if bare.contains("@"), !bare.contains(" ") { ids.append(bare) }
    }
    return ids
  }

  /// Header section and body, split at the first empty line.
  static func split(_ bytes: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, ArraySlice<UInt8>) {
    var index = bytes.startIndex
    while index < bytes.endIndex {
      guard let newline = bytes[index...].firstIndex(of: 0x0A) else { break }
      let next = newline + 1
      if next < bytes.endIndex, bytes[next] == 0x0A { return (bytes[bytes.startIndex..<next], bytes[(next + 1)...]) }
      if next + 1 < bytes.endIndex, bytes[next] == 0x0D, bytes[next + 1] == 0x0A {
        return (bytes[bytes.startIndex..<next], bytes[(next + 2)...])
      }
      index = next
    }
    return (bytes, [])
  }

  struct Collected {
    var plain: [String] = []
    var html: [String] = []
    var attachments: [MailAttachment] = []
    var isReport = false
    var reportedIDs: [String] = []
  }

  static func walk(
    headers: MailHeaders, body: ArraySlice<UInt8>, depth: Int, into collected: inout Collected, notes: inout [String],
    inAlternative: Bool
  ) {
    let type = HeaderValue(headers.raw("Content-Type") ?? "text/plain; charset=us-ascii")
    let mediaType = type.value.isEmpty ? "text/plain" : type.value
    if mediaType.hasPrefix("multipart/") {
      guard depth < maximumDepth else {
        notes.append("Parts nested deeper than \(maximumDepth) levels were not read.")
        return
      }
      guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
        notes.append("A multipart part had no boundary; its content was kept as text.")
        collected.plain.append(Charsets.decode(body, charset: "utf-8").text)
        return
      }
      if mediaType == "multipart/report" { collected.isReport = true }
      let (parts, closed) = MultipartSplitter.split(body, boundary: boundary)
      if !closed { notes.append("The message ends before the end of its \(mediaType) part: it may be truncated.") }
      if mediaType == "multipart/alternative" {
        // Prefer the plain-text alternative; keep the HTML one too.
        var alternative = Collected()
        for part in parts {
          let (partHeaders, partBody) = split(part)
          walk(
            headers: MailHeaders.parse(partHeaders, notes: &notes), body: partBody, depth: depth + 1, into: &alternative,
            notes: &notes,
            inAlternative: true)
        }
        if let plain = alternative.plain.first { collected.plain.append(plain) }
        collected.html += alternative.html
        if alternative.plain.isEmpty, let html = alternative.html.first { collected.plain.append(HTMLText.plain(html)) }
        collected.attachments += alternative.attachments
        return
      }
      for part in parts {
        let (partHeaders, partBody) = split(part)
        walk(
          headers: MailHeaders.parse(partHeaders, notes: &notes), body: partBody, depth: depth + 1, into: &collected,
          notes: &notes,
          inAlternative: false)
      }
      return
    }

    let encoding = headers.raw("Content-Transfer-Encoding")?.lowercased().trimmed ?? "7bit"
    let decoded: [UInt8]
    switch encoding {
    case "base64": decoded = TransferEncodings.base64(body)
    case "quoted-printable": decoded = TransferEncodings.quotedPrintable(body)
    default: decoded = Array(body)
    }
    let disposition = HeaderValue(headers.raw("Content-Disposition") ?? "")
    let filename = disposition.parameters["filename"] ?? type.parameters["name"]
    let isAttachment = disposition.value == "attachment" || (filename != nil && !mediaType.hasPrefix("text/"))

    if mediaType == "message/delivery-status" {
      collected.isReport = true
    }
    if mediaType == "message/rfc822" || mediaType == "text/rfc822-headers" {
      // A returned or forwarded message: remember its id (bounces point at our message).
      let (innerHeaders, _) = split(decoded[...])
      var ignored: [String] = []
      if let id = MailHeaders.parse(innerHeaders, notes: &ignored).raw("Message-ID").flatMap({ messageIDs(in: $0).first }) {
        collected.reportedIDs.append(id)
      }
    }
    if isAttachment || !(mediaType.hasPrefix("text/")) {
      let name = filename ?? defaultName(for: mediaType, index: collected.attachments.count + 1)
      collected.attachments.append(
        MailAttachment(
          filename: name, contentType: mediaType, data: Data(decoded),
          contentID: headers.raw("Content-ID").flatMap { messageIDs(in: $0).first }))
      return
    }
    let charset = type.parameters["charset"]
    let text = Charsets.decode(unixLineEnds(decoded), charset: charset)
    if !text.exact {
      notes.append(
        Charsets.isKnown(charset)
          ? "A \(mediaType) part was not valid \(Charsets.normalised(charset)); unreadable bytes were replaced."
          : "A \(mediaType) part uses the unknown charset \"\(Charsets.normalised(charset))\"; it was read as UTF-8 with replacements."
      )
    }
    // The last line's break is the end of the body, not part of what the person wrote.
    var body = text.text
    while body.hasSuffix("\n") { body.removeLast() }
    if mediaType == "text/html" {
      collected.html.append(body)
    } else {
      collected.plain.append(body)
    }
  }

  static func defaultName(for mediaType: String, index: Int) -> String {
    switch mediaType {
    case "message/rfc822": "message-\(index).eml"
    case "message/delivery-status": "delivery-status-\(index).txt"
    default: "attachment-\(index)"
    }
  }
}

/// The parts of a multipart body between `--boundary` lines.
enum MultipartSplitter {
  /// The parts, and whether the closing `--boundary--` was found.
  static func split(_ body: ArraySlice<UInt8>, boundary: String) -> ([ArraySlice<UInt8>], Bool) {
    let marker = Array("--\(boundary)".utf8)
    var parts: [ArraySlice<UInt8>] = []
    var partStart: Int?
    var lineStart = body.startIndex
    while lineStart < body.endIndex {
      let newline = body[lineStart...].firstIndex(of: 0x0A) ?? body.endIndex
      var lineEnd = newline
      if lineEnd > lineStart, body[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      let line = body[lineStart..<lineEnd]
      if line.starts(with: marker) {
        let after = line.dropFirst(marker.count)
        let isClose = after.starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")])
        if isClose || after.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
          if let start = partStart {
            // The line break before a boundary belongs to the boundary.
            var end = lineStart
            if end > start, body[end - 1] == 0x0A { end -= 1 }
            if end > start, body[end - 1] == 0x0D { end -= 1 }
            parts.append(body[start..<end])
          }
          if isClose { return (parts, true) }
          partStart = newline < body.endIndex ? newline + 1 : body.endIndex
        }
      }
      lineStart = newline < body.endIndex ? newline + 1 : body.endIndex
    }
    if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
    return (parts, false)
  }
}
