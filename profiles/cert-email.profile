# CERT insider threat test dataset: email.csv.
#   r1-r4: id,date,user,pc,to,cc,bcc,from,size,attachments,content
#   r5+:   id,date,user,pc,to,cc,bcc,from,activity,size,attachments,content
# Recipients are ';'-separated.  The organisation's own domain is dtaa.com:
# to use another, copy this profile into a profile directory of your own
# and change "dtaa\.com" in the three patterns below.
name        cert-email
description "CERT insider threat dataset: email.csv"
reader      csv
score       60
detect      columns id date user pc to cc bcc from size attachments

time        date
user        user
# id is the dataset's unique record id ({XXXX-XXXXXXXX-XXXXXXXX}).
key         id
keyscope    global
src         pc
kind        activity | "Send"
bytes       size
count       attachments
resource    attachments when attachments ~ "[A-Za-z]"

# Mail with attachments to an outside address is an export; other mail to
# outside addresses is a share; mail inside the organisation is other.
action      "view" when activity == "View"
action      "export" when to ~ "(^|;)\s*[^;@\s]+@(?!dtaa\.com\s*(;|$))" and !empty(attachments) and attachments != "0"
action      "export" when cc ~ "(^|;)\s*[^;@\s]+@(?!dtaa\.com\s*(;|$))" and !empty(attachments) and attachments != "0"
action      "export" when bcc ~ "(^|;)\s*[^;@\s]+@(?!dtaa\.com\s*(;|$))" and !empty(attachments) and attachments != "0"
action      "share" when to ~ "(^|;)\s*[^;@\s]+@(?!dtaa\.com\s*(;|$))"
action      "share" when cc ~ "(^|;)\s*[^;@\s]+@(?!dtaa\.com\s*(;|$))"
action      "share" when bcc ~ "(^|;)\s*[^;@\s]+@(?!dtaa\.com\s*(;|$))"
action      "other"
outcome     "success"
