package knowledge

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// fetcher fetches pages for one sync, through the guarded client, asking
// each host's robots.txt once.
type fetcher struct {
	client *http.Client
	agent  string
	mu     sync.Mutex        // guards robots; held while one is fetched
	robots map[string]Robots // by scheme://host
}

const fetchTimeout = 20 * time.Second

var errRobots = errors.New("robots.txt disallows it")

func (f *fetcher) get(ctx context.Context, raw string, maxBytes int64) ([]byte, string, error) {
	ctx, cancel := context.WithTimeout(ctx, fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
	if err != nil {
		return nil, "", err
	}
	req.Header.Set("User-Agent", f.agent+" (knowledge sync)")
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", &statusError{code: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBytes+1))
	if err != nil {
		return nil, "", err
	}
	if int64(len(body)) > maxBytes {
		return nil, "", fmt.Errorf("larger than %d MB", maxBytes>>20)
	}
	return body, resp.Header.Get("Content-Type"), nil
}

type statusError struct{ code int }

func (e *statusError) Error() string { return fmt.Sprintf("the server answered %d", e.code) }

// allowed asks the URL's host's robots.txt (fetched once per sync). A
// missing robots.txt (4xx) allows everything; one that cannot be read
// (5xx, network) disallows everything, as RFC 9309 says.
func (f *fetcher) allowed(ctx context.Context, u *url.URL) (bool, error) {
	key := u.Scheme + "://" + u.Host
	f.mu.Lock()
	defer f.mu.Unlock()
	r, ok := f.robots[key]
	if !ok {
		body, _, err := f.get(ctx, key+"/robots.txt", 512<<10)
		var se *statusError
		switch {
		case err == nil:
			r = ParseRobots(string(body), f.agent)
		case errors.As(err, &se) && se.code >= 400 && se.code < 500:
			r = Robots{}
		default:
			return false, fmt.Errorf("robots.txt of %s: %w", u.Host, err)
		}
		f.robots[key] = r
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.Allowed(p), nil
}

// page fetches one web page as a document.
func (f *fetcher) page(ctx context.Context, raw string) (Document, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return Document{}, err
	}
	ok, err := f.allowed(ctx, u)
	if err != nil {
		return Document{}, err
	}
	if !ok {
		return Document{}, errRobots
	}
	body, ctype, err := f.get(ctx, raw, MaxPageBytes)
	if err != nil {
		return Document{}, err
	}
	mt, _, _ := mime.ParseMediaType(ctype)
	name := u.Path
	switch {
	case mt == "text/html" || mt == "application/xhtml+xml" || mt == "":
		return ExtractHTML(toUTF8(body, ctype), u.Host+u.Path), nil
	case mt == "text/plain" || mt == "text/markdown":
		return titled(u.Host+u.Path, string(toUTF8(body, ctype))), nil
	case mt == "application/pdf":
		return Extract(name+".pdf", body)
	}
	return Document{}, fmt.Errorf("not a page (%s)", mt)
}

// sitemap returns the page URLs of a sitemap (following a sitemap index
// one level down), on the sitemap's own host, at most MaxSitemapURLs.
func (f *fetcher) sitemap(ctx context.Context, raw string) ([]string, error) {
	root, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	var read func(raw string, depth int) error
	read = func(raw string, depth int) error {
		u, err := url.Parse(raw)
		if err != nil {
			return err
		}
		if ok, err := f.allowed(ctx, u); err != nil || !ok {
			if err == nil {
				err = errRobots
			}
			return err
		}
		body, _, err := f.get(ctx, raw, MaxPageBytes)
		if err != nil {
			return err
		}
		var doc struct {
			XMLName  xml.Name
			URLs     []string `xml:"url>loc"`
			Sitemaps []string `xml:"sitemap>loc"`
		}
		if err := xml.Unmarshal(body, &doc); err != nil {
			return fmt.Errorf("not a sitemap: %w", err)
		}
		for _, loc := range doc.URLs {
			loc = strings.TrimSpace(loc)
			lu, err := url.Parse(loc)
			if err != nil || lu.Host != root.Host || seen[loc] || len(out) >= MaxSitemapURLs {
				continue
			}
			seen[loc] = true
			out = append(out, loc)
		}
		if depth == 0 {
			for _, sm := range doc.Sitemaps {
				if len(out) >= MaxSitemapURLs {
					break
				}
				if lu, err := url.Parse(strings.TrimSpace(sm)); err == nil && lu.Host == root.Host {
					if err := read(lu.String(), 1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	if err := read(raw, 0); err != nil {
		return nil, err
	}
	return out, nil
}
