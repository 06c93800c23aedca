package messenger

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// maxAnswerBytes bounds how much of a Graph API answer is read.
const maxAnswerBytes = 64 << 10

// graphAnswer is a Graph API answer, read.
type graphAnswer struct {
	status int
	header http.Header
	body   []byte
}

func (a graphAnswer) ok() bool { return a.status >= 200 && a.status < 300 }

// call sends one Graph API request through the guarded client, the token
// as a bearer (never in the URL, which errors and logs may show). A
// network error is returned as it is (retried), except an address the
// guard refuses, which retrying cannot help: permanent, saying how the
// operator can allow it.
func (pr *Provider) call(ctx context.Context, method, url, token string, body []byte) (graphAnswer, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return graphAnswer{}, outbound.Permanent(fmt.Sprintf("the channel's Graph API URL is not usable: %v", err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := pr.client.Do(req)
	if err != nil {
		return graphAnswer{}, networkError(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return graphAnswer{}, fmt.Errorf("%s: reading the Graph API's answer: %w", pr.p.typ, err)
	}
	return graphAnswer{status: resp.StatusCode, header: resp.Header, body: answer}, nil
}

// networkError classifies a client error: permanent when the guard
// refused the address or a redirect's scheme, else retried.
func networkError(err error) error { return outbound.GuardRefusal("the channel's Graph API URL", err) }
