# CERT insider threat test dataset: http.csv.
#   r1-r5: id,date,user,pc,url,content
#   r6:    id,date,user,pc,url,activity,content
#          (activity: WWW Visit, WWW Download, WWW Upload)
name        cert-http
description "CERT insider threat dataset: http.csv"
reader      csv
score       60
detect      columns id date user pc url

time        date
user        user
# id is the dataset's unique record id ({XXXX-XXXXXXXX-XXXXXXXX}).
key         id
keyscope    global
src         pc
kind        activity | "WWW Visit"
resource    url
action      activity map act
action      "view"
table act   "WWW Upload"=export "WWW Download"=view "WWW Visit"=view
outcome     "success"
