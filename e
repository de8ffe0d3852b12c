open /tmp/test-store-OMXN1M/case: cannot open case "/tmp/test-store-OMXN1M/case": No such file or directory
open /tmp/test-store-OMXN1M/notacase: "/tmp/test-store-OMXN1M/notacase" is not a sessionlog case (no sessionlog.case)
