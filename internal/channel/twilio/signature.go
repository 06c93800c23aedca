package twilio

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// SignatureHeader is the header Twilio signs its webhooks in.
const SignatureHeader = "X-Twilio-Signature"

// Signature is Twilio's signature of a webhook: the full URL Twilio
// called (scheme, host, path and query, as it was configured), then each
// POST parameter sorted by name with its name and value appended (a
// repeated parameter's values in sorted order), HMAC-SHA1 keyed with the
// auth token, in base64 (twilio.com/docs/usage/webhooks/webhooks-security).
func Signature(authToken, fullURL string, params url.Values) string {
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(fullURL))
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		values := slices.Clone(params[name])
		slices.Sort(values)
		for _, v := range values {
			mac.Write([]byte(name))
			mac.Write([]byte(v))
		}
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ValidSignature reports, in constant time per candidate, whether sig is
// Twilio's signature of params posted to one of the URLs. Each URL is
// also tried with its default port written out and left out, as Twilio's
// own helper libraries do: Twilio signs the URL the way it was configured.
func ValidSignature(authToken, sig string, urls []string, params url.Values) bool {
	if authToken == "" || sig == "" {
		return false
	}
	ok := false
	for _, u := range urls {
		for _, variant := range portVariants(u) {
			want := Signature(authToken, variant, params)
			if hmac.Equal([]byte(want), []byte(sig)) {
				ok = true
			}
		}
	}
	return ok
}

// portVariants are u as given and with its scheme's default port added
// or removed.
func portVariants(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return []string{raw}
	}
	def := map[string]string{"https": "443", "http": "80"}[u.Scheme]
	if def == "" {
		return []string{raw}
	}
	v := *u
	if host, port, err := net.SplitHostPort(u.Host); err == nil {
		if port != def {
			return []string{raw}
		}
		v.Host = host
		if strings.Contains(host, ":") {
			v.Host = "[" + host + "]"
		}
	} else {
		v.Host = net.JoinHostPort(strings.Trim(u.Host, "[]"), def)
	}
	return []string{raw, v.String()}
}

// requestURLs are the URLs Twilio may have called to reach r, most likely
// first: each configured public base (the channel's webhook_base_url, the
// node's --public-url) followed by the request's path and query, and the
// address the request itself names (its Host, or the X-Forwarded-Host and
// X-Forwarded-Proto of a proxy). Trusting the request's own host weakens
// nothing: a signature still needs the auth token, and the path, which
// names the channel and the webhook, is the request's.
func requestURLs(r *http.Request, bases ...string) []string {
	target := r.RequestURI
	if target == "" || !strings.HasPrefix(target, "/") {
		target = r.URL.RequestURI()
	}
	var out []string
	add := func(base string) {
		base = strings.TrimRight(base, "/")
		if base == "" {
			return
		}
		if u := base + target; !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	for _, b := range bases {
		add(b)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(firstValue(r.Header.Get("X-Forwarded-Proto"))); p == "https" || p == "http" {
		scheme = p
	}
	host := r.Host
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" {
		add(scheme + "://" + h)
	}
	if host != "" {
		add(scheme + "://" + host)
	}
	return out
}

// firstValue is the first of a comma-separated header's values.
func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(v)
}
