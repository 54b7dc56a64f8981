import FluentKit

/// Every migration in order. Names are stable: they are what the database remembers.
public enum StoreMigrations {
  public static let all: [any Migration] = [
    M0001_CreateStaff(),
    M0002_CreateCases(),
    M0003_CreateJobs(),
    M0004_CreateDeadlines(),
    M0005_CreateInboundMessages(),
    M0006_CreateOutbox(),
    M0007_IndexOutboxMessageID(),
    M0008_CreateComplaints(),
    M0009_CreateIncidents(),
    M0010_CreateIntakeEvents(),
    M0011_CreateStatusComponents(),
    M0012_CreateWebhookDeliveries(),
    M0013_CreateChats(),
    M0014_CreateStaffSessions(),
    M0015_CreateChatTranscripts(),
    M0016_CreateTwoFactor(),
  ]
}
