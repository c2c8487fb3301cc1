// Package certificates owns the documents Refurb issues about donations: the donation
// certificate (what was given and what became of it, with its environmental impact) and the
// data-erasure certificate (every storage medium and how it was sanitized), their numbering
// (DC-2026-00042, EC-2026-00042: per kind and year, from a counter row updated in the issuing
// transaction), the versioned impact factor sets, the organisation printed as issuer, and the
// public verification of an issued certificate by its number and token.
//
// A certificate's PDF is rendered once, when it is issued, and its bytes are stored with their
// SHA-256; it is never rendered again. Re-issuing creates a new number that supersedes the old
// certificate, which keeps verifying, as superseded. The database enforces the same rules:
// certificates are append-only for the application role but for the superseded_by link, which
// a trigger lets change once, to a later certificate of the same kind and donation.
//
// Rendering (Render) is a pure function of a Document, through internal/pdf: text in the Go
// fonts, with DejaVu Sans added when a name needs glyphs they lack (Arabic script, shaped and
// reordered for display in text.go), tables that flow over pages with their header repeated,
// "page n / N" and the number in every footer, and a vector QR code of the verification URL.
//
// Files: kind.go is the table of kinds (number prefix, subject, issuers, gatherer) and the one
// check of which kinds can be issued (SubjectOf); issue.go is Issue, the same for every kind;
// donation.go gathers what donation and erasure certificates show, impact.go their impact
// figures; organisation.go the issuer; read.go downloads and lists; verify.go the public
// verification and its rate limit (ratelimit.go); render.go, render_text.go, table.go, text.go
// and qr.go the PDF; errors.go the errors. A new kind is a row in kinds and a file with its gatherer
// (docs/certificates.md, "Adding a certificate kind").
//
// It reads the inventory through package inventory's readers on the issuing transaction and
// users' names through auth.Names. What it still does with inventory's tables itself (the
// donation's lock, a collection point's name, the donor-visibility rule) is in inventory.go,
// one function each, until inventory exports them. It does not serve HTTP or GraphQL (web and
// graph do), and does not sign PDFs yet (docs/certificates.md says how it could).
package certificates
