// Package inventory owns what the workshop holds: donors, collection points, donations (intake
// batches), devices with their specs and storage media, sanitization (wipe) records, repairs, QA
// checks, flags, and the device lifecycle with its append-only event history.
//
// Every change is one transaction that locks or version-checks the device, checks the rule,
// writes, and appends a device event. The database enforces the same rules (CHECKs, unique
// keys, the lifecycle trigger, append-only privileges), so no other path can break them.
//
// It does not know about requests and beneficiaries (package requests), labels or certificates.
package inventory
