// Package policygen reads iamd's audit log (one JSON line per call) to give least
// privilege: Generate writes the identity policy that grants exactly the actions and
// resources a principal used, as IAM Access Analyzer's policy generation does from
// CloudTrail, and Explain says in plain words why a recorded call was denied. It reads
// only what it is given: no HTTP, no store.
package policygen
