# Microsoft 365 unified audit log: the AuditData objects, one per line
# (Search-UnifiedAuditLog, the Management Activity API, Purview exports).
name        m365
description "Microsoft 365 unified audit log (AuditData JSON lines)"
reader      json
score       90
detect      exists(CreationTime) and exists(Operation) and exists(Workload)
# CreationTime is written without a zone and is UTC.
timezone    UTC

# @timestamp: records that went through Logstash, Elastic or OpenSearch.
time        CreationTime | @timestamp
user        UserId | UserKey
session     AppAccessContext.AADSessionId | SessionId
# Id is the record's GUID; the CSV export (m365-csv) carries the same one.
key         Id
family      m365
keyscope    global
kind        Operation
src         ClientIP | ActorIpAddress | ClientIPAddress

outcome     "failure" when Operation == "UserLoginFailed"
outcome     ResultStatus map res
table res   nocase Succeeded=success Success=success True=success
table res   nocase PartiallySucceeded=success Failed=failure Failure=failure
table res   nocase False=failure

# Administration, from the Purview "Audit log activities" tables, as
# rules over the operation names rather than a list of a few:
# - Exchange admin audit log (RecordType 1, ExchangeAdmin): Exchange logs
#   there every cmdlet run that changes something (Get- cmdlets are not
#   logged), Set-Mailbox, Set-CASMailbox, Add-MailboxPermission,
#   New-InboxRule, Set-AdminAuditLogConfig (audit tampering) and the
#   rest: all of them administration.
action      "admin" when RecordType ~ "^(1|(?i)ExchangeAdmin)$"
# - Directory activities of Azure AD / Entra ID (user, group, role,
#   application, policy and directory administration: "Update user.",
#   "Add member to role.", "Disable Strong Authentication.", "Delete
#   application password for user.", "Set company information.", ...)
#   are written as sentences ending in a period; sign-ins
#   (UserLoggedIn, UserLoginFailed) are not.
action      "admin" when Workload == "AzureActiveDirectory" and Operation ~ "\.$"
action      Operation map op
action      "other"
table op    UserLoggedIn=login UserLoginFailed=login
table op    FileDownloaded=export FileSyncDownloadedFull=export
table op    FileSyncDownloadedPartial=export FileCopiedToRemovableMedia=export
table op    *Export*=export
table op    SharingSet=share AnonymousLinkCreated=share SharingInvitationCreated=share
table op    AddedToSecureLink=share CompanyLinkCreated=share SecureLinkCreated=share
table op    Send=share SendAs=share SendOnBehalf=share
table op    FileDeleted*=delete FileRecycled*=delete FolderDeleted*=delete
table op    FolderRecycled*=delete SoftDelete=delete HardDelete=delete
table op    MoveToDeletedItems=delete
table op    Search*=search *SearchQuery*=search
# Cmdlets outside the Exchange admin log (Security & Compliance, Skype,
# SharePoint, or a record without RecordType): the changing verbs of
# PowerShell on Microsoft 365 objects are administration.
table op    Set-*=admin Add-*=admin Remove-*=admin New-*=admin
table op    Enable-*=admin Disable-*=admin Update-*=admin Grant-*=admin
table op    Revoke-*=admin Install-*=admin Uninstall-*=admin
# Directory activities when the Workload is missing: users, roles,
# groups, policies, applications and their credentials, strong
# authentication (MFA), licences, domains and the company.
table op    "* user."=admin "* role."=admin "* group."=admin "* policy."=admin
table op    "*application password*"=admin "*Strong Authentication."=admin
table op    "* service principal."=admin "* service principal credentials."=admin
table op    "* application."=admin "* delegation entry."=admin "* license*."=admin
table op    "* domain*."=admin "* company*."=admin "*user password."=admin
table op    FileAccessed=view FileAccessedExtended=view FilePreviewed=view
table op    PageViewed=view PageViewedExtended=view MailItemsAccessed=view
table op    ListViewed=view AnonymousLinkUsed=view CompanyLinkUsed=view
table op    SecureLinkUsed=view MessageRead=view
table op    FileModified*=modify FileUploaded=modify FileRenamed=modify
table op    FileMoved=modify FileCopied=modify FolderCreated=modify
table op    FileSyncUploadedFull=modify Update=modify Create=modify

query       SearchQueryText | QueryText | SearchQuery
resource    ObjectId
resource    SourceFileName when empty(ObjectId)
