// Package impact is the impact ledger: what the workshop did for the environment (devices given
// a second life, kilograms reused and recycled, CO2e avoided with the impact factor set in force
// at each hand-out), for people (devices handed out by partner kind and purpose, waiting times,
// the waiting list, follow-ups three months after a hand-out) and for its trainees (approved
// hours, skills certified), over any period of days; a donor's own impact; and the tables of
// the dashboard, its CSV and XLSX exports and the annual report (docs/impact.md).
//
// It owns no data a person enters. Its own tables are summaries (impact_device_days,
// impact_request_days, impact_request_waits, impact_queue_days, impact_follow_up_days) that
// triggers of its migration keep exact in the same transaction as every change they summarise,
// so a year's figures read a few thousand rows whatever the size of the inventory, and never
// pay the request tables' row-level security row by row. Everything else it reads from the
// other domains through their stores and readers, on one read-only, repeatable-read
// transaction (one snapshot for the whole ledger): workshops (ApprovedHours, ProgrammeHours,
// SkillsCertified), certificates (FactorSets, Category, IssuedCounts) and inventory
// (DonorOutcomes). Each of those stores sets the actor for its own row-level security. It
// never writes another domain's tables.
//
// Certificates does not import it: the annual report's gatherer is given to certificates by the
// composition root (certificates.Store.WithImpactReport), as requests' receipt issuer is.
package impact
