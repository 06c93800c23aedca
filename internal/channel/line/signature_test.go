package line

import "testing"

// The signature is base64(HMAC-SHA256(channel secret, raw body)): known
// values computed apart (Python's hmac), over a fixture's exact bytes.
func TestSign(t *testing.T) {
	for _, tc := range []struct {
		secret string
		body   []byte
		want   string
	}{
		{testSecret, events(t, "message_text"), "L1GmRCXQcCRuUbv/OhGZpTD906xbdu/DollTe9LQH2U="},
		{"testsecret", []byte(`{"destination":"U0123456789abcdef","events":[]}`), "f4qCQb0997IeyjEdDMRCwI7c0yEZP8C1b89jUQflX0s="},
	} {
		if got := Sign(tc.secret, tc.body); got != tc.want {
			t.Errorf("Sign = %s, want %s", got, tc.want)
		}
		if !ValidSignature(tc.secret, tc.body, tc.want) || !ValidSignature(tc.secret, tc.body, " "+tc.want+" ") {
			t.Errorf("%s does not validate", tc.want)
		}
	}
}

// Anything but the body's signature under the secret is refused.
func TestValidSignatureRefuses(t *testing.T) {
	body := events(t, "message_text")
	good := Sign(testSecret, body)
	for name, tc := range map[string]struct {
		secret, header string
		body           []byte
	}{
		"empty header":       {testSecret, "", body},
		"empty secret":       {"", Sign("", body), body},
		"other secret":       {"0123456789abcdef0123456789abcdef", good, body},
		"body changed":       {testSecret, good, append(append([]byte{}, body...), '\n')},
		"not base64":         {testSecret, "%%%", body},
		"short digest":       {testSecret, good[:20], body},
		"url-safe alphabet":  {testSecret, "L1GmRCXQcCRuUbv_OhGZpTD906xbdu_DollTe9LQH2U=", body},
		"a digest of zeroes": {testSecret, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", body},
	} {
		if ValidSignature(tc.secret, tc.body, tc.header) {
			t.Errorf("%s validates", name)
		}
	}
}
