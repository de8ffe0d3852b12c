# Microsoft 365 unified audit log as the Purview (compliance portal) audit
# search exports it: CSV whose AuditData column holds the whole record as
# JSON.  Current exports have the columns RecordId, CreationDate,
# RecordType, Operation, UserId, AuditData, AssociatedAdminUnits,
# AssociatedAdminUnitsNames; older ones CreationDate, UserIds, Operations,
# AuditData.  Every rule reads the embedded record (the same fields as the
# m365 profile); a column of the same name is taken first and holds the
# same value.
name        m365-csv
description "Microsoft 365 unified audit log, Purview CSV export (AuditData column)"
reader      csv
embed       AuditData
score       90
detect      columns CreationDate AuditData
# CreationTime is written without a zone and is UTC.
timezone    UTC

time        CreationTime | CreationDate
user        UserId | UserKey | UserIds
session     AppAccessContext.AADSessionId | SessionId
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
table op    *-*Role*=admin Add-*Permission*=admin Remove-*Permission*=admin
table op    New-*=admin Add-*=admin Remove-*=admin Enable-*=admin Disable-*=admin
table op    Set-Mailbox*=admin Set-*Policy*=admin
table op    "Add member to role."=admin "Remove member from role."=admin
table op    "Add user."=admin "Delete user."=admin "Update user."=admin
table op    "Reset user password."=admin "Change user password."=admin
table op    "Add service principal."=admin "Add app role assignment to service principal."=admin
table op    FileAccessed=view FileAccessedExtended=view FilePreviewed=view
table op    PageViewed=view PageViewedExtended=view MailItemsAccessed=view
table op    ListViewed=view AnonymousLinkUsed=view CompanyLinkUsed=view
table op    SecureLinkUsed=view MessageRead=view
table op    FileModified*=modify FileUploaded=modify FileRenamed=modify
table op    FileMoved=modify FileCopied=modify FolderCreated=modify
table op    FileSyncUploadedFull=modify Update=modify Create=modify Set-*=modify

query       SearchQueryText | QueryText | SearchQuery
resource    ObjectId
resource    SourceFileName when empty(ObjectId)
