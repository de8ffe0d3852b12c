# Linux audit.log (auditd), raw or enriched (log_format=ENRICHED adds
# UID="name" AUID="name" after a 0x1d byte).  Lines with the same
# msg=audit(TIME:SERIAL) form one event; the fields of its lines are merged,
# the first occurrence of a name wins, type is the first line's type and
# _id is "TIME:SERIAL".
name        auditd
description "Linux auditd audit.log (records grouped by serial)"
reader      auditd
score       70
detect      $line ~ "^(node=\S+ )?type=\S+ msg=audit\([0-9.]+:[0-9]+\): "
timeformat  epoch

time        _time
# The login user (auid) is the accountable human; 4294967295 means unset.
user        AUID when AUID != "unset" and auid != "4294967295"
user        auid when auid != "4294967295" and auid != "-1"
user        acct when acct != "?" and acct != "(unknown)"
user        UID | uid
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
