# Linux audit.log (auditd), raw or enriched (log_format=ENRICHED adds
# UID="name" AUID="name" after a 0x1d byte), one host's or several hosts'
# (node=NAME before each line).  The reader assembles the lines of one
# event by their stamp (node, msg=audit(TIME:SERIAL)) across the log, even
# when other events' lines come between them (sessionlog(5) says how far);
# the fields of its lines are merged, the first occurrence of a name wins,
# type is the first line's type.  Values auditd wrote in hex (a space, a
# quote, a control character or a non-ASCII byte in them) are decoded.
# The reader adds:
#   _id       "TIME:SERIAL", or "NODE:TIME:SERIAL" when the line names its
#             node: a serial is only unique on its host
#   _cmdline  the command: EXECVE's arguments, else the PROCTITLE, joined
#             by spaces
#   _auid     the login uid when set (not 4294967295), as a name
#   _uid      the uid, as a name
# A uid reads as the name the log pairs it with on that node (the ENRICHED
# part of any line read so far), else 0 as root, else as the number.
name        auditd
description "Linux auditd audit.log (records grouped by serial)"
reader      auditd
score       70
detect      $line ~ "^(node=\S+ )?type=\S+ msg=audit\([0-9.]+:[0-9]+\): "
timeformat  epoch

time        _time
# The login user (auid) is the accountable human; before a login (sshd's
# authentication, cron's accounting) the account acted on (acct); for
# daemons the uid.  _auid and _uid are names wherever the log can name
# them, so one login does not appear as both "0" and "root".
user        _auid
user        acct when acct != "?" and acct != "(unknown)"
user        _uid
session     ses when ses != "4294967295" and ses != "-1"
# TIME:SERIAL is unique on one host only: keys are compared across users
# within the host that node= names, and not at all without it.
key         _id
host        node
keyscope    host
kind        type
src         addr when addr != "?"
src         hostname when hostname != "?"
resource    name | exe
# The command typed is the nearest thing to a query that a shell audit
# has, and query is one of the fields a plain pattern searches, so that
# grep-sessions -e shadow finds "cat /etc/shadow" (sudo's USER_CMD gives
# it as cmd).
query       _cmdline | cmd

action      type map act
action      "other"
table act   USER_LOGIN=login USER_LOGOUT=logout USER_END=logout
table act   USER_AUTH=auth USER_ACCT=auth USER_START=auth CRED_*=auth
table act   USER_ERR=auth USER_CHAUTHTOK=admin ADD_USER=admin DEL_USER=admin
table act   USER_MGMT=admin ADD_GROUP=admin DEL_GROUP=admin GRP_MGMT=admin
table act   ROLE_*=admin ACCT_LOCK=admin ACCT_UNLOCK=admin USER_ROLE_CHANGE=admin
table act   CONFIG_CHANGE=admin DAEMON_CONFIG=admin

outcome     res map res
outcome     success map success
table res   success=success failed=failure 1=success 0=failure
table success yes=success no=failure
