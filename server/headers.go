package server

import (
	"io"
	"net/http"
	"strings"
)

// The headers browsers enforce: set on every response, before any handler runs, so that a
// page, a file, an error, a redirect and a 404 alike carry them. docs/operations.md says what
// each protects against and how a reverse proxy must pass them on.

// PageCSP is the Content-Security-Policy of Refurb's pages: everything from the site itself,
// no inline script or style, nothing framing the pages (clickjacking of "Hand out" or
// "Recycle"), forms posting only back to the site, no <base> to redirect relative URLs. data:
// and blob: images are QR codes and previews drawn in the page; blob: media is for a camera
// preview. A handler that serves something else (GraphiQL) sets its own policy.
const PageCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// PermissionsPolicy allows the camera to the site itself (scanning a QR code with a phone) and
// nothing else Refurb does not use. Only features browsers know: an unknown one (Web Bluetooth
// is not a policy-controlled feature) makes Chromium warn on every page, which the browser test
// TestBrowserSecurityPolicy counts as a failure.
const PermissionsPolicy = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), " +
	"serial=(), hid=(), midi=(), display-capture=(), interest-cohort=()"

// hstsMaxAge is two years, what browsers' preload lists ask for.
const hstsMaxAge = "max-age=63072000; includeSubDomains"

// secureHeaders sets the security headers on every response and, unless the handler chose its
// own caching, Cache-Control: no-store: most responses hold personal or donor data (signed-in
// pages, certificates, label sheets, imports) that must stay out of shared and browser caches.
// Static assets, versioned in their URL, set long caching themselves.
func secureHeaders(https bool, next http.Handler) http.Handler {
	// Built once and shared by every response: a handler that changes one of them with Set
	// replaces the slice, and Add cannot write into it (its capacity is its length).
	set := http.Header{}
	set.Set("Content-Security-Policy", PageCSP)
	set.Set("X-Content-Type-Options", "nosniff")
	set.Set("Referrer-Policy", "no-referrer")
	set.Set("X-Frame-Options", "DENY")
	set.Set("Cross-Origin-Opener-Policy", "same-origin")
	set.Set("Permissions-Policy", PermissionsPolicy)
	if https {
		set.Set("Strict-Transport-Security", hstsMaxAge)
	}
	for k, v := range set {
		set[k] = v[:len(v):len(v)]
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range set {
			h[k] = v
		}
		next.ServeHTTP(&cachingWriter{ResponseWriter: w}, r)
	})
}

// cachingWriter adds Cache-Control: no-store to a response whose handler set no Cache-Control.
type cachingWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *cachingWriter) WriteHeader(code int) {
	if !w.wrote {
		w.wrote = true
		// scs marks responses that set the session cookie no-cache="Set-Cookie": no-store says
		// that and more.
		if h := w.Header(); h.Get("Cache-Control") == "" || h.Get("Cache-Control") == `no-cache="Set-Cookie"` {
			h.Set("Cache-Control", "no-store")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *cachingWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// WriteString passes strings on as they are (io.WriteString would convert them to bytes).
func (w *cachingWriter) WriteString(s string) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return io.WriteString(w.ResponseWriter, s)
}

func (w *cachingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// isHTTPS reports whether the public URL is served over TLS.
func isHTTPS(publicURL string) bool { return strings.HasPrefix(strings.ToLower(publicURL), "https://") }
