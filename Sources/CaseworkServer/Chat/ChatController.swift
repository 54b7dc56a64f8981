import CaseworkCore
import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Live chat's pages and sockets: the visitor's page (also framed by the embeddable widget),
/// the console's chat panel, and the two WebSocket endpoints.
struct ChatController {
  /// Bytes in one WebSocket frame: room for the longest line in any script, with its JSON.
  static let maxFrameBytes = 64 * 1024

  func boot(_ app: Application, pages: any RoutesBuilder, staffPages: any RoutesBuilder) {
    pages.get(.chat, use: visitorPage)
    // Refusals are plain HTTP answers before any upgrade: a refused upgrade left the
    // connection hanging.
    app.get(.chatSocket) { request -> Response in
      guard Self.sameOrigin(request) else { throw Abort(.forbidden, reason: "Chat is only open to this site's pages.") }
      return request.webSocket(maxFrameSize: WebSocketMaxFrameSize(integerLiteral: Self.maxFrameBytes)) { request, socket in
        VisitorChatSocket.attach(request, socket)
      }
    }
    staffPages.grouped(StaffAuthentication(permission: .workCases)).get(.staffChat, use: staffPage)
    app.grouped(app.sessions.middleware).get(.staffChatSocket) { request async throws -> Response in
      // A browser's socket carries the session cookie, so it must come from our own pages.
      guard let user = try await StaffSocketAuthentication.user(for: request) else {
        throw Abort(.unauthorized, reason: "Sign in to the staff console to use live chat.")
      }
      let stillAllowed = StaffSocketAuthentication.recheck(for: request, user: user)
      return request.webSocket(maxFrameSize: WebSocketMaxFrameSize(integerLiteral: Self.maxFrameBytes)) { request, socket in
        StaffChatSocket.attach(request, socket, user: user, stillAllowed: stillAllowed)
      }
    }
  }

  /// A socket opened by a page of another site is refused: browsers send `Origin`, and ours
  /// must match the host the page came from. Clients that are not browsers send none.
  static func sameOrigin(_ request: Request) -> Bool {
    guard let origin = request.headers.first(name: .origin) else { return true }
    guard let host = request.headers.first(name: .host), let url = URL(string: origin), let originHost = url.host else {
      return false
    }
    let originWithPort = url.port.map { "\(originHost):\($0)" } ?? originHost
    return originWithPort.lowercased() == host.lowercased()
  }

  struct VisitorPage: Encodable {
    var layout: Layout
    var embedded: Bool
    var hoursWords: String
    var isOpen: Bool
    var intakeMessage: String?
    var maxMessage: Int
    var schedule: [String]
  }

  func visitorPage(_ request: Request) async throws -> Response {
    let services = request.casework
    let hours = services.chat.hours
    let availability = hours.availability(at: services.clock.now())
    let intake = try await services.intake.current()
    let embedded = (try? request.query.get(Bool.self, at: "embed")) == true
    if embedded { request.storage[FramingAllowedKey.self] = request.casework.config.framingOrigins }
    return try await request.view.render(
      "chat",
      VisitorPage(
        layout: Layout(request, title: "Live chat"), embedded: embedded, hoursWords: availability.words,
        isOpen: availability.isOpen, intakeMessage: intake.isOpen ? nil : intake.message, maxMessage: ChatRules.maxMessage,
        schedule: hours.schedule)
    ).encodeResponse(for: request)
  }

  struct StaffPage: Encodable {
    var layout: Layout
    var selected: String?
    var hoursWords: String
  }

  func staffPage(_ request: Request) async throws -> View {
    let services = request.casework
    let selected = (try? request.query.get(UUID.self, at: "chat"))?.uuidString
    return try await request.view.render(
      "staff-chat",
      StaffPage(
        layout: Layout(request, title: "Live chat"), selected: selected,
        hoursWords: services.chat.hours.availability(at: services.clock.now()).words))
  }
}

/// Set by a page that may be shown in another site's frame (the chat widget).
/// The origins that may frame this page (CSP `frame-ancestors`); unset, none may.
struct FramingAllowedKey: StorageKey {
  typealias Value = [String]
}

/// Who is opening the console's chat socket: a signed-in session from our own pages, or an
/// API token (for integrations), for an active user who may work cases.
enum StaffSocketAuthentication {
  static func user(for request: Request) async throws -> StaffUser? {
    if request.headers.bearerAuthorization != nil {
      guard let (_, user) = try await APIAuthentication.tokenUser(request), user.can(.workCases) else { return nil }
      return user
    }
    guard ChatController.sameOrigin(request), request.headers.first(name: .origin) != nil || request.hasSession,
      let user = try await StaffAuthentication.signedInUser(request), !user.mustChangePassword, user.can(.workCases)
    else { return nil }
    // Someone who must set up two-factor sign-in first gets no console, as they get no page.
    let twoFactor = request.casework.twoFactor
    guard !twoFactor.mustEnrol(try await twoFactor.state(of: user.id)) else { return nil }
    return user
  }

  /// Asks again, without the request (which is gone once the socket is open): the API token
  /// is still unrevoked, or the session still stored; and the user still active and allowed.
  /// `active`: the agent did something, which keeps the session from going idle.
  static func recheck(for request: Request, user: StaffUser) -> @Sendable (_ active: Bool) async -> Bool {
    let services = request.casework
    let staffID = user.id
    let tokenHash = request.headers.bearerToken.map { services.hasher.digest($0) }
    let sessionHash = StaffAuthentication.sessionKeyHash(request)
    let failures = NIOLockedValueBox(0)
    @Sendable func check(_ active: Bool) async throws -> Bool {
      if let tokenHash {
        guard let (token, current) = try await services.tokens.find(tokenHash: tokenHash) else { return false }
        return token.revokedAt == nil && current.id == staffID && current.can(.workCases)
      }
      guard let sessionHash, let session = try await services.sessions.find(keyHash: sessionHash),
        session.staffID == staffID, services.config.sessionLimits.isLive(session, at: services.clock.now()),
        let current = try await services.staff.find(id: staffID)
      else { return false }
      if active { try await services.sessions.touch(keyHash: sessionHash, at: services.clock.now()) }
      return current.can(.workCases)
    }
    return { active in
      do {
        let allowed = try await check(active)
        failures.withLockedValue { $0 = 0 }
        return allowed
      } catch {
        // A database that cannot answer once is no reason to drop a working agent's console;
        // three times in a row, and the console closes rather than go on unchecked.
        return failures.withLockedValue { count in
          count += 1
          return count < 3
        }
      }
    }
  }
}

extension CaseworkApp {
  /// Closes every chat socket with "going away". Run before the HTTP server stops: open
  /// WebSockets would otherwise hold its graceful shutdown until it times out.
  public static func closeChatConnections(_ app: Application) async {
    await app.casework.chatHub.closeAll()
  }
}

/// Closes the chat relay's listening connection when the application stops.
struct ChatHubShutdown: LifecycleHandler {
  func shutdownAsync(_ application: Application) async {
    await application.casework.chatHub.stop()
  }
}
