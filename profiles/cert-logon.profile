# CERT insider threat test dataset (CMU SEI, r1-r6.2): logon.csv.
#   id,date,user,pc,activity
#   {X1D9-S0ES98JV-5357PWMI},01/02/2010 06:49:00,NGF0157,PC-6056,Logon
# device.csv has the same columns; the activity of the first row tells them
# apart.
name        cert-logon
description "CERT insider threat dataset: logon.csv"
reader      csv
score       60
detect      columns id date user pc activity
detect      activity ~ "^(Logon|Logoff)$"

time        date
user        user
# id is the dataset's unique record id ({XXXX-XXXXXXXX-XXXXXXXX}).
key         id
keyscope    global
src         pc
kind        activity
action      activity map act
action      "other"
table act   Logon=login Logoff=logout
outcome     "success"
