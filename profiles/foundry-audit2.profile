# Palantir Foundry audit logs, the older schema audit.2.
name        foundry-audit2
description "Palantir Foundry audit log, schema audit.2 (JSON lines)"
reader      json
score       100
detect      type == "audit.2"

# @timestamp: records that went through Logstash, Elastic or OpenSearch.
time        time | @timestamp
user        request_params.onBehalfOfUserIds[0] | result_params.onBehalfOfUserIds[0]
user        uid
session     sid
trace       trace_id
kind        name
src         ip

# Categories are optional in audit.2; without them the endpoint name decides.
action      request_params._categories[*] | request_params._category map cat
action      name map endpoint
action      "other"
table cat   dataExport=export
table cat   dataShare=share dataShareCreate=share auditDataShareCreate=share
table cat   *Delete=delete management*=admin mandatoryControl*=admin
table cat   systemManagement=admin tokenGeneration=admin tokenRevoke=admin
table cat   *Search=search
table cat   dataCreate=modify dataUpdate=modify dataTransform=modify
table cat   dataImport=modify dataMerge=modify dataPromote=modify *Create=modify
table cat   *Update=modify
table cat   dataLoad=view ontologyDataLoad=view *Load=view *Access=view
table cat   userJustify=justify userLogin=login userLogout=logout
table cat   authenticationCheck=auth authorizationCheck=auth
table endpoint nocase *EXPORT*=export *DOWNLOAD*=export *SHARE*=share
table endpoint nocase *DELETE*=delete *SEARCH*=search *LOGOUT*=logout
table endpoint nocase *LOGIN*=login *JUSTIF*=justify

outcome     result map res
table res   nocase SUCCESS=success UNAUTHORIZED=denied FORBIDDEN=denied
table res   nocase PERMISSION_DENIED=denied *DENIED*=denied *=failure

query       request_params.dataSearchQuery | request_params.query | request_params.searchQuery
purpose     request_params.userJustification[*] | request_params.justification
bytes       result_params.downloadedSize | request_params.downloadedSize
count       len(result_params.dataSearchResults)
resource    request_params.loadedResources[*] | result_params.loadedResources[*]
resource    request_params.downloadedResources[*] | result_params.downloadedResources[*]
resource    request_params.datasetRid | request_params.resourceRid | request_params.rid
