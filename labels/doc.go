// Package labels draws the asset-tag labels stuck on donated devices: a QR code that opens the
// device's page, the tag in large type, one line of detail (kind, make, model) and optionally
// the organisation's name. It writes a single label as a PNG for a 300 dpi label printer, and
// runs of labels as a PDF, either A4 sheets (Avery L7160, L7651, Herma 4677) or one page per
// label for label printers (Brother DK rolls, Dymo).
//
// Layout computes where everything goes, in millimetres, and the writers only draw it; the
// tests check the same layout against the stocks' published dimensions and decode every QR
// code from the rendered output.
//
// It is pure rendering to an io.Writer: it knows nothing of the database, of devices or of
// HTTP, and imports nothing of Refurb's but internal/pdf.
package labels
