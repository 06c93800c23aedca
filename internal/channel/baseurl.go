package channel

import (
	"errors"
	"net/url"
	"strings"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// CheckBaseURL vets the base URL of an API a provider calls (a config
// field such as "config.api_base_url"): at most limit.URL characters, an
// http(s) URL with a host and without a query or fragment, and, when guard
// is not nil, an address the guard allows. It returns the URL without its
// trailing slashes, ready for paths to be appended, and without the blanks
// a paste brings around it.
func CheckBaseURL(field, raw string, guard *netguard.Guard) (string, error) {
	raw = strings.TrimSpace(raw)
	if err := limit.Text(field, raw, limit.URL); err != nil {
		return "", err
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", apperr.Invalid(field, "must be an http(s) URL without a query")
	}
	if guard != nil {
		var denied *netguard.DeniedError
		if err := guard.CheckURL(raw); errors.As(err, &denied) {
			return "", apperr.Invalid(field, "%s", denied.Reason())
		} else if err != nil {
			return "", apperr.Invalid(field, "must be an http(s) URL")
		}
	}
	return strings.TrimRight(raw, "/"), nil
}

// HTTPURL parses s as an absolute http(s) URL with a host — what a
// provider can fetch (an attachment, an avatar, a template's header);
// false for anything else, a bare path of the node's included.
func HTTPURL(s string) (*url.URL, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}
