import CaseworkCore
import Foundation
import Vapor

/// The signed-in member of staff's notifications: deadline warnings and breaches.
struct StaffNotificationsController {
  func boot(_ routes: any RoutesBuilder) {
    let reading = routes.grouped(StaffAuthentication(permission: .readCases))
    reading.get(.notifications, use: list)
    reading.post(.notificationsRead, use: markRead)
  }

  func list(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    let notifications = try await request.casework.notifications.notifications(for: user.id, limit: 100)
    let dates = DisplayDates()
    let page = NotificationsPage(
      layout: Layout(request, title: "Notifications"),
      items: notifications.map {
        NotificationsPage.Item(
          message: $0.message, when: dates.string($0.createdAt), unread: $0.readAt == nil,
          kindName: $0.kind.displayName,
          caseLink: $0.caseID.map { SiteRoute.staffCase.path($0) })
      },
      hasItems: !notifications.isEmpty,
      hasUnread: notifications.contains { $0.readAt == nil })
    return try await Pages.render(request, "staff-notifications", page)
  }

  func markRead(_ request: Request) async throws -> Response {
    let user = try request.requireStaff()
    try await request.casework.notifications.markAllRead(for: user.id, at: request.casework.clock.now())
    return request.redirect(to: .notifications)
  }
}
