# CERT insider threat test dataset: device.csv (removable media).
#   id,date,user,pc,activity[,file_tree]
#   {J1S3-L9UU75BQ-7790ATPL},01/02/2010 07:21:06,MOH0273,PC-6699,Connect
# Connecting removable media is the data-leaving step the dataset models,
# so Connect is an export; Disconnect is other.
name        cert-device
description "CERT insider threat dataset: device.csv"
reader      csv
score       60
detect      columns id date user pc activity
detect      activity ~ "^(Connect|Disconnect)$"

time        date
user        user
# id is the dataset's unique record id ({XXXX-XXXXXXXX-XXXXXXXX}).
key         id
keyscope    global
src         pc
kind        activity
resource    file_tree
action      activity map act
action      "other"
table act   Connect=export Disconnect=other
outcome     "success"
