// Package web serves Refurb's server-rendered pages for the workshop: sign-in, the scan page,
// the device page (what a label's QR code opens), bench mode, intake and the device list, in
// French, German and English (docs/web.md). Templates, message files, the stylesheet and the
// little script are embedded. Pages translate between HTTP forms and the domain packages; they
// never decide policy: what a user may see or do is the domain's answer.
package web
