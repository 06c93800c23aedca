package web

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
)

// pagePolicy is the Content-Security-Policy of the app's pages: scripts,
// fetches and the live socket come from this origin only (CSP 3's 'self'
// also matches ws: and wss: to the same host); styles too, plus the
// <style> elements carrying the page's nonce — Radix's scroll lock writes
// one while a dialog is open, and reads the nonce from the page
// (src/main.tsx); images may also be data: and blob: URLs (previews of
// attachments before upload); nothing may frame the app, change its base
// URL, or post its forms elsewhere. No 'unsafe-inline' anywhere: contact
// content that slipped into the page as HTML still could not run or
// restyle it.
func pagePolicy(nonce string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-" + nonce + "'; img-src 'self' data: blob:; " +
		"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
}

// setPageHeaders sets the headers that hold the browser to the policy.
// Referrer-Policy is same-origin, not no-referrer: with no-referrer a
// browser sends "Origin: null" on the app's own POSTs, which the CSRF
// check would refuse where Sec-Fetch-Site is missing.
func setPageHeaders(h http.Header, nonce string) {
	h.Set("Content-Security-Policy", pagePolicy(nonce))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}

// newNonce is a fresh nonce per page: 128 random bits.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawStdEncoding.EncodeToString(b)
}
