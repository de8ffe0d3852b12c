# Syslog files such as /var/log/auth.log and /var/log/secure: RFC 3164 lines
# as rsyslog stores them ("Mar  2 08:00:00 host prog[pid]: msg", with or
# without <PRI>), with an RFC 3339 time in place of the BSD one (rsyslog's
# RSYSLOG_FileFormat), or RFC 5424 ("<38>1 2026-03-02T08:00:00Z host app
# procid msgid [sd] msg").  The kv reader gives _time _host _prog _pid,
# _proc ("host:prog[pid]") and _msg (the message as written).
#
# The messages of OpenSSH, su, sudo, login(1), cron and PAM name the user;
# lines that name nobody (sshd starting, "Received disconnect from ADDR",
# systemd-logind, the kernel) are rejects "no user", kept in rejects.tsv.gz
# and counted, never given to a made-up user.
name        syslog
description "Syslog files (RFC 3164, RFC 5424): sshd, su, sudo, login, cron, PAM"
reader      kv
score       20
detect      exists(_msg)

time        _time

# OpenSSH: sshd, or sshd-session (9.8 on) for a connection's own process.
# A user name may hold blanks when an attacker sends one.
user        re(_msg, "^(?:Accepted|Failed) \S+ for (?:invalid user )?(.+?) from \S+ port \d+") when _prog ~ "^sshd(-session)?$"
user        re(_msg, "^Invalid user (.+?) from \S+ port \d+") when _prog ~ "^sshd(-session)?$"
user        re(_msg, "^User (.+?) from \S+ not allowed because ") when _prog ~ "^sshd(-session)?$"
user        re(_msg, "^(?:Disconnected from|Connection closed by|Connection reset by) (?:invalid |authenticating )?user (.+?) \S+ port \d+") when _prog ~ "^sshd(-session)?$"
user        re(_msg, "^error: maximum authentication attempts exceeded for (?:invalid user )?(.+?) from \S+ port \d+") when _prog ~ "^sshd(-session)?$"
# su and sudo act for the user after "by"; for the rest (sshd, login, cron)
# the session is the user's own.
user        re(_msg, "^pam_unix\([^)]*\): session opened for user \S+ by ([^(\s]+)\(uid=\d+\)") when _prog ~ "^(su|sudo)$"
user        re(_msg, "^pam_unix\([^)]*\): session (?:opened|closed) for user ([^(\s]+)")
# An authentication failure: the requesting user (ruser, su and sudo), else
# the one to become (user).
user        ruser | user when _msg ~ "^(pam_\w+\([^)]*\): authentication failure;|PAM \d+ more authentication failures;)"
user        re(_msg, "^(?:FAILED SU )?\(to \S+\) (\S+) on ") when _prog == "su"
user        re(_msg, "^(\S+) : ") when _prog == "sudo"
user        re(_msg, "^LOGIN ON \S+ BY (\S+)") when _prog == "login"
user        "root" when _prog == "login" and _msg ~ "^ROOT LOGIN "
user        re(_msg, "^FAILED LOGIN .*? FOR '?(.+?)'?, ") when _prog == "login"
user        re(_msg, "^\((\S+)\) CMD \(") when _prog ~ "^(CRON|CROND|crond|cron)$"

# One process is one session: an SSH connection (sshd[pid]), a su, a login,
# a cron job.  sudo writes no pid; its events are sessioned by time.
session     _proc when exists(_pid)
kind        _prog
src         re(_msg, "^(?:Disconnected from|Connection closed by|Connection reset by) (?:invalid |authenticating )?user .+? (\S+) port \d+$")
src         re(_msg, " from (\S+) port \d+")
src         re(_msg, "^LOGIN ON \S+ BY \S+ FROM (\S+)")
src         rhost
resource    re(_msg, " ; COMMAND=(.*)$") when _prog == "sudo"
resource    re(_msg, "^\(\S+\) CMD \((.*)\)$")
resource    re(_msg, "^(?:FAILED SU )?\(to (\S+)\) ") when _prog == "su"

# PAM session lines come first: "session opened" is auth, "session closed"
# other, so that one SSH connection counts the login and logout of sshd's
# own lines (Accepted, Disconnected) once.
action      "auth" when _msg ~ "^pam_unix\([^)]*\): session opened "
action      "other" when _msg ~ "^pam_unix\([^)]*\): session closed "
action      "auth" when _msg ~ "^(pam_\w+\([^)]*\): authentication failure;|PAM \d+ more authentication failures;)"
action      "login" when _msg ~ "^(Accepted|Failed) \S+ for "
action      "login" when _msg ~ "^User .+ not allowed because "
action      "logout" when _msg ~ "^Disconnected from user "
action      "auth" when _msg ~ "^(Invalid user |error: maximum authentication attempts exceeded |Connection (closed|reset) by |Disconnected from (invalid|authenticating) user )"
action      "admin" when _prog ~ "^(su|sudo)$"
action      "login" when _prog == "login"
action      "other"

outcome     "success" when _msg ~ "^(Accepted |Disconnected from user )"
outcome     "success" when _msg ~ "^pam_unix\([^)]*\): session (opened|closed) "
outcome     "failure" when _msg ~ "^(Failed |Invalid user |error: maximum authentication attempts exceeded )"
outcome     "denied" when _msg ~ "^User .+ not allowed because "
outcome     "failure" when _msg ~ "^(pam_\w+\([^)]*\): authentication failure;|PAM \d+ more authentication failures;)"
outcome     "success" when _prog == "su" and _msg ~ "^\(to "
outcome     "failure" when _prog == "su" and _msg ~ "^FAILED SU "
outcome     "denied" when _prog == "sudo" and _msg ~ " : (user NOT in sudoers|user NOT authorized on host|command not allowed) ; "
outcome     "success" when _prog == "sudo" and _msg ~ "^\S+ : (TTY|PWD|USER|COMMAND)="
outcome     "failure" when _prog == "sudo" and _msg ~ "^\S+ : [^;=]+ ; "
outcome     "success" when _prog == "login" and _msg ~ "^(LOGIN ON|ROOT LOGIN) "
outcome     "failure" when _prog == "login" and _msg ~ "^FAILED LOGIN "
outcome     "success" when _msg ~ "^\(\S+\) CMD \("

# A cron job runs on a schedule, not as the user's own act at that time.
flag        backend when _prog ~ "^(CRON|CROND|crond|cron)$"
