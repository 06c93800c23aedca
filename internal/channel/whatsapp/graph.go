package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel/meta"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// CallTimeout bounds one Graph API call.
const CallTimeout = 15 * time.Second

// maxAnswerBytes bounds how much of a Graph API answer is read.
const maxAnswerBytes = 1 << 20

// call makes one Graph API request with the access token as bearer and
// returns the answer's body when it is 2xx. Any other answer is
// meta.ClassifyResponse's error (permanent, or retried after Retry-After);
// an address the node's guard refuses is permanent; network errors are
// retried.
func (p *Provider) call(ctx context.Context, method, url, token string, payload any) ([]byte, error) {
	var body io.Reader
	if payload != nil {
		raw, err := json.Marshal(payload)
		if err != nil {
			return nil, fmt.Errorf("whatsapp: encode request: %w", err)
		}
		body = bytes.NewReader(raw)
	}
	ctx, cancel := context.WithTimeout(ctx, CallTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return nil, outbound.Permanent("the channel's Graph API base URL is not usable: " + err.Error())
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, clientError(err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return nil, fmt.Errorf("whatsapp: reading the Graph API's answer: %w", err)
	}
	if resp.StatusCode < 200 || resp.StatusCode >= 300 {
		return nil, fmt.Errorf("whatsapp: %w", meta.ClassifyResponse(resp.StatusCode, resp.Header, answer))
	}
	return answer, nil
}

// clientError classifies a request that got no answer.
func clientError(err error) error {
	return fmt.Errorf("whatsapp: %w", outbound.GuardRefusal("the Graph API address", err))
}
