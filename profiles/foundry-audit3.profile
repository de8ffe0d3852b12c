# Palantir Foundry audit logs, schema audit.3: one JSON object per line.
# Field and category names: Foundry's "audit log categories" documentation.
name        foundry-audit3
description "Palantir Foundry audit log, schema audit.3 (JSON lines)"
reader      json
score       100
detect      type == "audit.3"

# @timestamp: records that went through Logstash, Elastic or OpenSearch.
time        time | @timestamp
# The accountable human: the first on-behalf-of user of a delegated call
# (in requestFields or resultFields), else the caller.
user        requestFields.onBehalfOfUserIds[0] | resultFields.onBehalfOfUserIds[0]
user        uid | users[0].userName | users[0].uid
session     sid
trace       traceId
key         logEntryId | eventId
keyscope    global
kind        categories[*]
src         origins[0] | origin | sourceOrigin
# An empty origins list marks a backend call, not started by a user.
flag        backend when exists(origins) and empty(origins)

# Categories to actions.  A record can carry several categories; the first
# entry of the table (in table order) that matches any of them wins, so
# [dataLoad, dataExport] is an export.
action      categories[*] map cat
action      "other"
table cat   dataExport=export
table cat   dataShare=share dataShareCreate=share auditDataShareCreate=share
table cat   *Delete=delete tokenRevoke=admin secretDeprecate=admin
table cat   management*=admin mandatoryControl*=admin systemManagement=admin
table cat   tokenGeneration=admin tokenAccess=admin secret*=admin
table cat   configureInfra=admin createInfra=admin restartInfra=admin
table cat   upgradeInfra=admin reviewInfraAction=admin dataShareDisable=admin
table cat   auditDataRedact=admin requestApprove=admin requestDisapprove=admin
table cat   *Search=search
table cat   dataCreate=modify dataUpdate=modify dataTransform=modify
table cat   dataImport=modify bulkDataImport=modify dataMerge=modify
table cat   dataPromote=modify auditDataTransform=modify ontologyDataTransform=modify
table cat   *Create=modify *Update=modify requestCancel=modify requestExecute=modify
table cat   dataLoad=view ontologyDataLoad=view *Load=view *LoadV2=view *Access=view
table cat   userJustify=justify userLogin=login userLogout=logout
table cat   authenticationCheck=auth authorizationCheck=auth oauth2InitiateAuthFlow=auth

outcome     result map res
table res   nocase SUCCESS=success UNAUTHORIZED=denied FORBIDDEN=denied
table res   nocase PERMISSION_DENIED=denied *DENIED*=denied *=failure

query       requestFields.dataSearchQuery | resultFields.dataSearchQuery
query       requestFields.ontologyDataSearchContext | resultFields.ontologyDataSearchContext
query       [*].metaDataSearchQuery | [*].logicSearchQuery | [*].ontologyMetaDataSearchContext
query       [*].appConfigSearchQuery | [*].containerSearchQuery | [*].monitorSearchQuery
query       [*].requestSearchQuery | [*].dataSearchContext
count       len([*].dataSearchResults) | len([*].ontologyDataSearchResults)
count       len([*].metaDataSearchResults) | len([*].logicSearchResults)
count       len([*].ontologyMetaDataSearchResults)
bytes       resultFields.downloadedSize | requestFields.downloadedSize
purpose     requestFields.userJustification[*] | resultFields.userJustification[*]

# Resources: every category's resource fields, in requestFields or
# resultFields ([*] at the start looks into both).
resource    [*].loadedResources[*]
resource    [*].downloadedResources[*]
resource    [*].createdResources[*]
resource    [*].deletedResources[*]
resource    [*].dataShareTargets[*]
resource    [*].dataShareCreateTargets[*]
resource    [*].dataShareDisableTargets[*]
resource    [*].shareTargets[*]
resource    [*].transformTargets[*]
resource    [*].resourcesToMerge[*]
resource    [*].mergedResult[*]
resource    [*].promotedResources[*]
resource    [*].importResourceId[*]
resource    [*].bulkImportDestinations[*]
resource    [*].accessedLogicResources[*]
resource    [*].createdLogicResources[*]
resource    [*].updatedLogicResources[*]
resource    [*].deletedLogicResources[*]
resource    [*].requestedOntologyDataResources[*]
resource    [*].loadedOntologyDataResources[*]
resource    [*].transformedOntologyDataResources[*]
resource    [*].searchedOntologyLogicResources[*]
resource    [*].loadedOntologyLogicResources[*]
resource    [*].createdOntologyLogicResources[*]
resource    [*].updatedOntologyLogicResources[*]
resource    [*].deletedOntologyLogicResources[*]
resource    [*].loadedOntologyMetaDataResources[*]
resource    [*].accessedMetaDataResources[*]
resource    [*].createdMetaDataResources[*]
resource    [*].updatedMetaDataResources[*]
resource    [*].deletedMetaDataResources[*]
resource    [*].resourcesWithPermissionsChanges[*]
resource    [*].executedResources[*]
