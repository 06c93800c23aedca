package twilio

import (
	"crypto/tls"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
)

// The signature matches vectors made outside this code: Twilio's own
// documented example (twilio.com/docs/usage/webhooks/webhooks-security,
// token 12345), and vectors computed from the fixtures with
// `openssl dgst -sha1 -hmac TOKEN -binary | base64` over the URL followed
// by the parameters sorted by name (name then value).
func TestSignatureVectors(t *testing.T) {
	const token = "f4d5e6a7b8c9d0e1f2a3b4c5d6e7f8a9"
	tests := []struct {
		name, token, url string
		params           url.Values
		want             string
	}{
		{"Twilio's documented example", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2", url.Values{
			"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"},
			"From": {"+14158675310"}, "To": {"+18005551212"},
		}, "GvWf1cFY/Q7PnoempGyD5oXAezc="},
		{"SMS fixture", token, "https://sb.example.com/webhooks/twilio/7", fixtureForm(t, "sms.form"), "5CCn88XZuhaMh+OPddBCXzfuVoA="},
		{"MMS fixture", token, "https://sb.example.com/webhooks/twilio/7", fixtureForm(t, "mms_two_media.form"), "6zkLIILj6Pks57C+mZbMcdafsv4="},
		{"UTF-8 body", token, "https://sb.example.com/webhooks/twilio/7", fixtureForm(t, "sms_unicode.form"), "VCJcUGyOSr0pMEgIvXsWb2e5q5Y="},
		{"empty Body parameter", token, "https://sb.example.com/webhooks/twilio/7", fixtureForm(t, "empty_body.form"), "9HQyfBPIMZiqG+1KJXxQTtwfSlI="},
		{"status URL with its query", token, "https://sb.example.com/webhooks/twilio/7/status?encoding=GSM-7&segments=2",
			fixtureForm(t, "status_undelivered_30003.form"), "uLVuieDY+LMPN7XFQvIFv3bjZBE="},
		{"explicit default port", token, "https://sb.example.com:443/webhooks/twilio/7", fixtureForm(t, "sms.form"), "/H8YHkmDkb/Snk45pFX141+RgDA="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Signature(tt.token, tt.url, tt.params); got != tt.want {
				t.Errorf("Signature = %s, want %s", got, tt.want)
			}
			if !ValidSignature(tt.token, tt.want, []string{tt.url}, tt.params) {
				t.Error("ValidSignature refuses the vector")
			}
		})
	}
}

func TestValidSignatureRefuses(t *testing.T) {
	const u = "https://mycompany.com/myapp.php?foo=1&bar=2"
	params := url.Values{"CallSid": {"CA1234567890ABCDE"}, "Caller": {"+14158675310"}, "Digits": {"1234"}, "From": {"+14158675310"}, "To": {"+18005551212"}}
	const sig = "GvWf1cFY/Q7PnoempGyD5oXAezc="
	changed := url.Values{}
	for k, v := range params {
		changed[k] = v
	}
	changed.Set("Digits", "1235")
	extra := url.Values{"Extra": {""}}
	for k, v := range params {
		extra[k] = v
	}
	tests := []struct {
		name, token, sig string
		urls             []string
		params           url.Values
	}{
		{"wrong token", "54321", sig, []string{u}, params},
		{"empty token", "", sig, []string{u}, params},
		{"no signature", "12345", "", []string{u}, params},
		{"a parameter changed", "12345", sig, []string{u}, changed},
		{"a parameter added", "12345", sig, []string{u}, extra},
		{"another path", "12345", sig, []string{"https://mycompany.com/other.php?foo=1&bar=2"}, params},
		{"query dropped", "12345", sig, []string{"https://mycompany.com/myapp.php"}, params},
		{"http instead of https", "12345", sig, []string{"http://mycompany.com/myapp.php?foo=1&bar=2"}, params},
		{"no URL", "12345", sig, nil, params},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ValidSignature(tt.token, tt.sig, tt.urls, tt.params) {
				t.Error("accepted")
			}
		})
	}
	// The port written out or left out, as Twilio's libraries accept.
	if !ValidSignature("12345", sig, []string{"https://mycompany.com:443/myapp.php?foo=1&bar=2"}, params) {
		t.Error("the same URL with :443 is refused")
	}
	if ValidSignature("12345", sig, []string{"https://mycompany.com:8443/myapp.php?foo=1&bar=2"}, params) {
		t.Error("another port is accepted")
	}
}

func TestRequestURLs(t *testing.T) {
	r := httptest.NewRequest("POST", "http://10.0.0.5:8080/webhooks/twilio/7/status?segments=2&encoding=GSM-7", nil)
	got := requestURLs(r, "https://tunnel.example.net/sb/", "", "https://sb.example.com")
	want := []string{
		"https://tunnel.example.net/sb/webhooks/twilio/7/status?segments=2&encoding=GSM-7",
		"https://sb.example.com/webhooks/twilio/7/status?segments=2&encoding=GSM-7",
		"http://10.0.0.5:8080/webhooks/twilio/7/status?segments=2&encoding=GSM-7",
	}
	if !slices.Equal(got, want) {
		t.Errorf("requestURLs =\n%q\nwant\n%q", got, want)
	}
	r.Header.Set("X-Forwarded-Proto", "HTTPS, http")
	r.Header.Set("X-Forwarded-Host", "inbox.example.org")
	if got := requestURLs(r); !slices.Equal(got, []string{"https://inbox.example.org/webhooks/twilio/7/status?segments=2&encoding=GSM-7",
		"https://10.0.0.5:8080/webhooks/twilio/7/status?segments=2&encoding=GSM-7"}) {
		t.Errorf("behind a proxy: %q", got)
	}
	r = httptest.NewRequest("POST", "https://sb.example.com/webhooks/twilio/7", nil)
	r.TLS = &tls.ConnectionState{}
	if got := requestURLs(r); !slices.Equal(got, []string{"https://sb.example.com/webhooks/twilio/7"}) {
		t.Errorf("TLS: %q", got)
	}
}
