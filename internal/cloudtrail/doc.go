// Package cloudtrail is iamd's audit trail in AWS CloudTrail's format: the record of one
// API call (Record, CloudTrail's event with eventVersion 1.11), the call's parameters and
// answer turned into CloudTrail's camelCase shapes with every secret hidden (Params,
// XMLElements, JSONElements, Redact), and a bounded store of the latest records that
// cloudtrail:LookupEvents reads (Store, Lookup). It knows nothing of HTTP or of the store.
//
// iamd's own facts about a call, which CloudTrail's schema has no field for, are in the
// record's additionalEventData under "iamd" (Iamd): the action and the resource it was
// authorized on, the decision (allowed, denied, failed, would-be-denied) and, for a denial,
// the statements that decided it. iamd policy generate and iamd policy explain read them.
package cloudtrail
