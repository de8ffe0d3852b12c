# AWS CloudTrail: records one per line or from {"Records":[...]} documents
# (the splitter unwraps those; the profile sees one record).
name        cloudtrail
description "AWS CloudTrail (JSON lines or Records documents)"
reader      json
score       90
detect      exists(eventVersion) and exists(eventSource) and exists(eventName)

# Records re-exported from Logstash, Elasticsearch or OpenSearch carry
# @timestamp and @version; Logstash's cloudtrail codec moves eventTime to
# @timestamp, so the record may have no eventTime at all.
time        eventTime | @timestamp
# For an assumed role the human is the session name after the last '/' of
# the ARN (arn:aws:sts::123456789012:assumed-role/Role/alice@example.com).
user        after(userIdentity.arn, "/") when userIdentity.type == "AssumedRole"
user        after(userIdentity.arn, ":") when userIdentity.type == "Root"
user        userIdentity.userName | userIdentity.sessionContext.sessionIssuer.userName
user        userIdentity.principalId | userIdentity.arn | userIdentity.invokedBy
user        userIdentity.accountId
# Temporary credentials (ASIA...) belong to one role session.
session     userIdentity.accessKeyId when userIdentity.accessKeyId ~ "^ASIA"
trace       requestID
# eventID is unique across CloudTrail (lines and Records documents alike).
key         eventID
keyscope    global
kind        eventName
src         sourceIPAddress

outcome     "failure" when responseElements.ConsoleLogin == "Failure"
outcome     errorCode map err
outcome     "success"
table err   *AccessDenied*=denied *UnauthorizedOperation*=denied
table err   *Unauthorized*=denied *Forbidden*=denied *NotAuthorized*=denied
table err   *=failure

action      eventName map act
action      "other"
table act   ConsoleLogin=login
table act   AssumeRole*=auth GetSessionToken=auth GetFederationToken=auth
table act   CheckMfa=auth SwitchRole=auth Authenticate*=auth
table act   LookupEvents=search Search*=search Select*=search
table act   *Export*=export
table act   ModifySnapshotAttribute=share ModifyImageAttribute=share
table act   ModifyDBSnapshotAttribute=share ModifyDBClusterSnapshotAttribute=share
table act   PutBucketAcl=share PutObjectAcl=share
table act   Get*=view Describe*=view List*=view Head*=view BatchGet*=view
table act   *Policy*=admin *Role*=admin *User*=admin *Group*=admin
table act   *AccessKey*=admin *LoginProfile*=admin *MFADevice*=admin
table act   *Permission*=admin *SAMLProvider*=admin *OpenIDConnectProvider*=admin
table act   StopLogging=admin *Trail*=admin
table act   Delete*=delete Terminate*=delete Remove*=delete
table act   Put*=modify Create*=modify Update*=modify Modify*=modify
table act   Copy*=modify Upload*=modify CompleteMultipartUpload=modify
table act   Restore*=modify Start*=modify Stop*=modify Run*=modify
table act   Set*=modify Attach*=modify Detach*=modify Add*=modify
table act   Tag*=modify Untag*=modify Enable*=modify Disable*=modify

resource    resources[*].ARN
resource    requestParameters.bucketName
resource    requestParameters.key
bytes       additionalEventData.bytesTransferredOut
