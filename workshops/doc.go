// Package workshops owns the workshop as a school: programmes (an employability track, an ADEM
// OTI placement), trainees and their enrolments, sessions and attendance, hour entries and their
// review, the skills catalogue and skill assessments, the funder report, and the bench devices
// where trainees sign in with a PIN.
//
// Files go by concept, each with its models: programme.go, trainee.go (trainees, enrolments,
// badges), session.go (sessions and attendance), hours.go, hoursreview.go and status.go (hour
// entries, their review, their rules and their state machine), work.go (hours proposed from real work, evidence), skills.go,
// progress.go, report.go and reportfile.go (the funder report as rows, CSV and XLSX), bench.go,
// certificate.go (what an attendance certificate shows), retention.go (anonymising the records of
// trainees who did not consent to keeping them), policy.go, store.go and errors.go.
//
// It reads the inventory's wipes, repairs and QA checks through inventory.Store.WorkBy, users
// through auth (auth.ActiveIn, auth.Names, auth.TraineeUsers), never their tables. The
// inventory does not import it; certificates does, to gather attendance certificates.
//
// Trainees' personal data is visible to staff, administrators and the trainee only: every
// method checks the actor (policy.go), and every statement runs in a transaction that tells
// PostgreSQL's row-level security who is acting (store.go), so that a forgotten check cannot
// leak a trainee's records. See docs/workshops.md.
package workshops
