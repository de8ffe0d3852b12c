# The AOL search query log of 2006 (user-ct-test-collection-NN.txt): TSV
# with the header AnonID Query QueryTime ItemRank ClickURL.  A row without
# ClickURL is a search; a row with one is a click on a result of that query.
name        aol
description "AOL 2006 search query log (TSV)"
reader      tsv
score       80
detect      columns AnonID Query QueryTime

time        QueryTime
user        AnonID
query       Query
action      "view" when !empty(ClickURL)
action      "search"
kind        "click" when !empty(ClickURL)
kind        "query"
resource    ClickURL
