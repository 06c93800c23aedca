package media

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// S3 configures an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2,
// Backblaze B2, Ceph…) as the store's place for the bytes; the rows stay
// in the database. Requests are signed with AWS Signature Version 4.
type S3 struct {
	Endpoint  string // e.g. https://s3.eu-west-1.amazonaws.com or http://minio:9000
	Bucket    string
	Region    string // default us-east-1
	AccessKey string
	SecretKey string
	// PathStyle addresses the bucket as <endpoint>/<bucket>/<key> (MinIO
	// and most self-hosted servers) rather than <bucket>.<host>/<key>.
	PathStyle bool
	// Prefix is put before every object's key (e.g. "switchboard/").
	Prefix string
	// Client makes the requests (default: one that waits a minute at most
	// for the bucket's answer, and as long as it takes for its body). The
	// bucket is the operator's, not a workspace's: not the guarded client.
	Client *http.Client
}

// s3Timeout is how long the bucket may take to answer a request (once
// it is sent, body included) before it is given up.
var s3Timeout = time.Minute

// emptySHA256 is the SHA-256 of no bytes, a GET's or DELETE's payload hash.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// s3Blobs keeps each file as an object of the bucket named by its id.
type s3Blobs struct {
	cfg  S3
	base *url.URL
	now  func() time.Time
	// backoff is the wait before a request's second sending (see do),
	// doubled before the third.
	backoff time.Duration
}

func newS3(cfg S3) (*s3Blobs, error) {
	u, err := url.Parse(strings.TrimRight(cfg.Endpoint, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("media: the S3 endpoint must be an http or https URL, such as https://s3.eu-west-1.amazonaws.com")
	}
	if cfg.Bucket == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("media: S3 needs a bucket, an access key and a secret key")
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Client == nil {
		// A limit on the bucket's answer, not on the whole exchange: a
		// download is read at the pace of whoever it is served to (a
		// video to a phone may take many minutes), and http.Client's
		// Timeout would cut its body off.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = s3Timeout
		cfg.Client = &http.Client{Transport: t}
	}
	return &s3Blobs{cfg: cfg, base: u, now: time.Now, backoff: 200 * time.Millisecond}, nil
}

// objectURL is the URL of the object id.
func (b *s3Blobs) objectURL(id string) *url.URL {
	u := *b.base
	key := b.cfg.Prefix + id
	if b.cfg.PathStyle {
		u.Path = strings.TrimRight(u.Path, "/") + "/" + b.cfg.Bucket + "/" + key
	} else {
		u.Host = b.cfg.Bucket + "." + u.Host
		u.Path = strings.TrimRight(u.Path, "/") + "/" + key
	}
	// Sent as signed: a character Go leaves bare in a path ($, +) would
	// be signed bare while S3 signs it encoded, and a bare + may be read
	// as a space.
	u.RawPath = canonicalURI(&u)
	return &u
}

// s3Attempts is how many times a request is sent when the bucket fails
// in passing: a 500 InternalError, a 503 SlowDown (AWS asks clients to
// send those again, after a wait) or a connection lost on the way.
const s3Attempts = 3

// do sends the request newReq makes (a new one each time: a body is read
// again from its start) and returns the answer if its status is one of
// want; a passing failure is sent again, up to s3Attempts times.
func (b *s3Blobs) do(ctx context.Context, newReq func() (*http.Request, error), payloadHash string, want ...int) (*http.Response, error) {
	var err error
	wait := b.backoff
	for attempt := 1; ; attempt++ {
		var resp *http.Response
		var again bool
		resp, again, err = b.send(newReq, payloadHash, want)
		if err == nil || !again || attempt == s3Attempts || ctx.Err() != nil {
			return resp, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
		wait *= 2
	}
}

// send sends the request once; again says whether a failure is one to
// send it again for.
func (b *s3Blobs) send(newReq func() (*http.Request, error), payloadHash string, want []int) (resp *http.Response, again bool, err error) {
	req, err := newReq()
	if err != nil {
		return nil, false, err
	}
	signV4(req, payloadHash, b.cfg.AccessKey, b.cfg.SecretKey, b.cfg.Region, b.now())
	resp, err = b.cfg.Client.Do(req)
	if err != nil {
		// Not after the client's timeout: minutes spent are not spent again.
		var netErr net.Error
		return nil, !(errors.As(err, &netErr) && netErr.Timeout()), fmt.Errorf("media: s3 %s: %w", req.Method, err)
	}
	if slices.Contains(want, resp.StatusCode) {
		return resp, false, nil
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		again = true
	}
	return nil, again, fmt.Errorf("media: s3 %s %s: %s: %s", req.Method, req.URL.Path, resp.Status, strings.TrimSpace(string(body)))
}

func (b *s3Blobs) put(ctx context.Context, id string, f *os.File, size int64, sum string) error {
	resp, err := b.do(ctx, func() (*http.Request, error) {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPut, b.objectURL(id).String(), io.NopCloser(f))
		if err != nil {
			return nil, err
		}
		req.ContentLength = size
		req.Header.Set("Content-Type", "application/octet-stream")
		return req, nil
	}, sum, http.StatusOK)
	if err != nil {
		return err
	}
	resp.Body.Close()
	os.Remove(f.Name()) // the bucket has the bytes now
	return nil
}

// open GETs the whole object at once, so that an object the bucket does
// not have (or will not give) is an error here, before an answer is
// begun, as a missing file of a folder is; a read elsewhere (a range)
// asks again from there.
func (b *s3Blobs) open(ctx context.Context, id string, size int64) (File, error) {
	ctx, cancel := context.WithCancel(ctx)
	o := &s3Object{ctx: ctx, cancel: cancel, b: b, id: id, size: size}
	if err := o.get(); err != nil {
		cancel()
		return nil, err
	}
	return o, nil
}

// remove deletes the object. S3 answers 204 for an object already gone;
// some compatible stores answer 404, which is no error either.
func (b *s3Blobs) remove(ctx context.Context, id string) error {
	resp, err := b.do(ctx, func() (*http.Request, error) {
		return http.NewRequestWithContext(ctx, http.MethodDelete, b.objectURL(id).String(), nil)
	}, emptySHA256, http.StatusNoContent, http.StatusOK, http.StatusNotFound)
	if err != nil {
		return err
	}
	resp.Body.Close()
	return nil
}

// s3Object reads an object: each read at another place than where the
// body in hand stands (after a seek) is one ranged GET, so serving a
// range (a video's seek) fetches only that range.
//
// Close may come while a read is under way: http.ServeContent reads the
// parts of a multi-range answer in a goroutine of its own, which goes on
// after the client is gone and ServeContent has returned. Close cancels
// the object's context, ending a GET under way and refusing any later,
// then closes the body; mu keeps the two from racing over it.
type s3Object struct {
	ctx    context.Context
	cancel context.CancelFunc
	mu     sync.Mutex
	b      *s3Blobs
	id     string
	size   int64
	offset int64         // where the next read starts
	body   io.ReadCloser // nil, or the object's bytes from bodyAt on
	bodyAt int64
}

// get asks for the object's bytes from offset on.
func (o *s3Object) get() error {
	resp, err := o.b.do(o.ctx, func() (*http.Request, error) {
		req, err := http.NewRequestWithContext(o.ctx, http.MethodGet, o.b.objectURL(o.id).String(), nil)
		if err == nil && o.offset > 0 {
			req.Header.Set("Range", fmt.Sprintf("bytes=%d-", o.offset))
		}
		return req, err
	}, emptySHA256, http.StatusOK, http.StatusPartialContent)
	if err != nil {
		return err
	}
	if o.offset > 0 && resp.StatusCode == http.StatusOK {
		// The whole object despite the Range (HTTP lets a server ignore
		// it): its bytes before the offset are not the range's.
		if _, err := io.CopyN(io.Discard, resp.Body, o.offset); err != nil {
			resp.Body.Close()
			return fmt.Errorf("media: s3 GET %s: skipping to %d: %w", o.id, o.offset, err)
		}
	}
	o.body, o.bodyAt = resp.Body, o.offset
	return nil
}

func (o *s3Object) Read(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.offset >= o.size {
		return 0, io.EOF
	}
	if o.body != nil && o.bodyAt != o.offset {
		o.body.Close()
		o.body = nil
	}
	if o.body == nil {
		if err := o.get(); err != nil {
			return 0, err
		}
	}
	n, err := o.body.Read(p)
	o.offset += int64(n)
	o.bodyAt = o.offset
	return n, err
}

// Seek only moves where the next read starts: the body in hand is kept
// until a read needs another place (http.ServeContent seeks to the end
// and back to learn the size).
func (o *s3Object) Seek(offset int64, whence int) (int64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = o.offset + offset
	case io.SeekEnd:
		abs = o.size + offset
	}
	if abs < 0 {
		return 0, errors.New("media: seek before the start")
	}
	o.offset = abs
	return abs, nil
}

func (o *s3Object) Close() error {
	o.cancel() // first, without mu: it ends a read under way, which holds it
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.body == nil {
		return nil
	}
	err := o.body.Close()
	o.body = nil
	return err
}

// signV4 signs req for S3 with AWS Signature Version 4 (header form): the
// host, any Range, the payload's SHA-256 and the date are signed.
func signV4(req *http.Request, payloadHash, accessKey, secretKey, region string, now time.Time) {
	now = now.UTC()
	amzDate := now.Format("20060102T150405Z")
	day := now.Format("20060102")
	req.Header.Set("X-Amz-Date", amzDate)
	req.Header.Set("X-Amz-Content-Sha256", payloadHash)
	headers := map[string]string{
		"host":                 req.URL.Host,
		"x-amz-content-sha256": payloadHash,
		"x-amz-date":           amzDate,
	}
	if r := req.Header.Get("Range"); r != "" {
		headers["range"] = r
	}
	names := make([]string, 0, len(headers))
	for k := range headers {
		names = append(names, k)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, k := range names {
		canonHeaders.WriteString(k + ":" + strings.TrimSpace(headers[k]) + "\n")
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{req.Method, canonicalURI(req.URL), canonicalQuery(req.URL),
		canonHeaders.String(), signed, payloadHash}, "\n")
	scope := day + "/" + region + "/s3/aws4_request"
	toSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hexSHA256(canonical)
	key := hmacSHA256([]byte("AWS4"+secretKey), day)
	key = hmacSHA256(key, region)
	key = hmacSHA256(key, "s3")
	key = hmacSHA256(key, "aws4_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+accessKey+"/"+scope+",SignedHeaders="+signed+",Signature="+sig)
}

// canonicalURI is the path as S3 signs it: each segment of the decoded
// path URI-encoded once, every byte but A-Z a-z 0-9 - _ . ~ (S3 encodes
// the key it decoded, whatever spelling it was sent in).
func canonicalURI(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	segments := strings.Split(u.Path, "/")
	for i, seg := range segments {
		segments[i] = awsEscape(seg)
	}
	return strings.Join(segments, "/")
}

func canonicalQuery(u *url.URL) string {
	q := u.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vs := q[k]
		sort.Strings(vs)
		for _, v := range vs {
			parts = append(parts, awsEscape(k)+"="+awsEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// awsEscape URI-encodes s as SigV4 wants: every byte but A-Z a-z 0-9 - _ . ~.
func awsEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func hexSHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
