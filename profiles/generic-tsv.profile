# Any TSV log with a header row and common column names; --map for the rest.
# Column names are matched exactly, else ignoring ASCII case (sessionlog(5)),
# so "Timestamp" finds timestamp; names with blanks are written ["A B"].
name        generic-tsv
description "TSV with a header row and common column names"
reader      tsv
score       0

time        @timestamp | timestamp | time | ts | eventTime | date | datetime
time        event.created | created_at
# Names that exports, SIEMs and Windows or Azure tools write.
time        ["Event DateTime"] | EventTime | ["Event Time"] | DateTime | date_time
time        ["Date/Time"] | ["Date Time"] | TimeGenerated | CreationDate | Timestamp
time        TimeCreated | ["Time Created"] | created
user        user.name | user | userName | username | user_name | user_id | userId
user        actor.name | actor | principal | uid | account
user        UserName | ["User Name"] | User | Account | AccountName | ["Account Name"]
user        UserPrincipalName | upn | Actor | ["User ID"] | UserId
session     session.id | session | session_id | sessionId | sid
# No key: an "id" column of an unknown export may number rows per file or
# per user, or repeat.  A record id given with --map key=... is trusted to
# be unique across the export, whatever user a record names.
keyscope    global
kind        event.action | action | event | operation | eventName | method
src         source.ip | client.ip | client_ip | clientIp | ip | src_ip | src
src         remote_addr | sourceIPAddress
src         ["Source IP"] | SourceIP | source_ip | ["Source Address"] | SourceAddress
src         ["Client IP"] | ClientIP | ["IP Address"] | IPAddress | ip_address
src         RemoteAddress | remote_ip | RemoteIP
query       query | q | search | search_query | searchQuery
resource    resource
resource    dataset
resource    object
resource    file
resource    url.full | url
resource    path
purpose     purpose | justification | reason
count       count | result_count | results | rows
bytes       bytes | size | bytes_out

action      event.action | action | event | operation | eventName | method map gen
action      "other"
outcome     event.outcome | outcome | result | status | success map gout

# Words to actions by substring, ignoring case; the first entry that
# matches wins, so the order matters.
table gen   nocase *logout*=logout *logoff*=logout *signout*=logout
table gen   nocase *sign-out*=logout *sign_out*=logout *log_out*=logout
table gen   nocase *login*=login *logon*=login *signin*=login *sign-in*=login
table gen   nocase *sign_in*=login *log_in*=login
table gen   nocase *export*=export *download*=export
table gen   nocase *share*=share
table gen   nocase *delete*=delete *remove*=delete
table gen   nocase *search*=search *query*=search *find*=search
table gen   nocase *grant*=admin *revoke*=admin *admin*=admin *role*=admin
table gen   nocase *permission*=admin
table gen   nocase *justif*=justify *purpose*=justify
table gen   nocase *auth*=auth *token*=auth *mfa*=auth
table gen   nocase *create*=modify *update*=modify *write*=modify *modify*=modify
table gen   nocase *edit*=modify put*=modify post*=modify patch*=modify
table gen   nocase *view*=view *read*=view get*=view *open*=view *load*=view
table gen   nocase *access*=view
table gout  nocase success*=success succeeded=success ok=success true=success
table gout  nocase allow*=success pass*=success
table gout  nocase denied=denied deny=denied forbidden=denied unauthori*=denied
table gout  nocase 401=denied 403=denied blocked=denied
table gout  nocase fail*=failure error*=failure false=failure
