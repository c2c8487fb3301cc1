// Package inventory owns what the workshop holds: donors, collection points, donations (intake
// batches), devices with their specs and storage media, sanitization (wipe) records, repairs,
// QA checks, flags, and the device lifecycle with its append-only event history.
//
// Files go by concept, each with its models: donors.go, donations.go, intake.go and import.go
// (what arrives), devices.go, storage.go, wipe.go, wipereports.go and wipereportfiles.go
// (erasure tools' reports, read by package wipereport, and their files), repair.go, qa.go,
// flags.go, note.go, correction.go and event.go (a device and what is done to it), lifecycle.go,
// kind.go and transition.go (where it may go), tag.go and tags.go (asset tags), policy.go and
// scope.go (who may do and see what), change.go (how a change to a device is made), store.go and
// errors.go.
//
// Every change to a device is one transaction that locks the device, compares the version the
// caller saw (changeDevice), checks the rule, writes, appends a device event and bumps the
// version. The database enforces the same rules (CHECKs, unique keys, the lifecycle trigger,
// append-only privileges), so no other path can break them.
//
// Other domains read the inventory through the store, on their own transaction when they
// need one (NewStore on a bun.Tx), never from its tables: DonorScope narrows their reads of
// what hangs off donations to what the actor may see, and readers such as CollectionPoint and
// RequireWiped give them what their documents show.
//
// It does not know about requests and beneficiaries (package requests), labels or certificates.
package inventory
