# CERT insider threat test dataset: file.csv.
#   r1-r4: id,date,user,pc,filename,content
#   r5+:   id,date,user,pc,filename,activity,to_removable_media,
#          from_removable_media,content
# Up to r4 the table only records files copied to removable media, so a
# row without an activity column is an export.
name        cert-file
description "CERT insider threat dataset: file.csv"
reader      csv
score       60
detect      columns id date user pc filename

time        date
user        user
# id is the dataset's unique record id ({XXXX-XXXXXXXX-XXXXXXXX}).
key         id
keyscope    global
src         pc
kind        activity | "File Copy"
resource    filename
action      "export" when to_removable_media ~ "(?i)^true$"
action      activity map act
action      "export" when !exists(activity)
action      "other"
table act   "File Open"=view "File Write"=modify "File Copy"=modify
table act   "File Delete"=delete
outcome     "success"
