package channel

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// ProbeCall is the HTTP half of a connection test that every HTTP
// provider shares: build the request under a timeout, send it, time it,
// say why there was no answer, and show the start of the answer. What to
// call and with which credentials stays with the provider.
type ProbeCall struct {
	// Client sends the request: the provider's guarded client.
	Client *http.Client
	// Timeout bounds the request, and is named when it ran out.
	Timeout time.Duration
	// Address names the URL when the guard refuses it, e.g. "the
	// channel's API base URL".
	Address string
	// BaseURL names the URL when no request can be made of it, e.g. "the
	// channel's API base URL"; "": Address.
	BaseURL string
	// NetworkError renders any other error of the client; nil: err.Error().
	NetworkError func(error) string
	// MaxAnswer bounds the answer's bytes read; 0: MaxProbeBody.
	MaxAnswer int64
	// Show turns the answer into the result's Body (then clipped to
	// MaxProbeBody); nil: the answer as it came.
	Show func(status int, answer []byte) string
}

// Send makes a method request of res.URL with body under a context
// bounded by Timeout, lets prepare set its headers, and sends it (Do).
func (p ProbeCall) Send(ctx context.Context, method string, body io.Reader, res ProbeResult, prepare func(*http.Request)) ProbeResult {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, res.URL, body)
	if err != nil {
		name := p.BaseURL
		if name == "" {
			name = p.Address
		}
		res.Error = name + " is not usable: " + err.Error()
		return res
	}
	prepare(req)
	return p.Do(req, res)
}

// Do sends req and completes res (whose URL the caller set) with the
// latency, the status and the answer, or the error that stopped it.
func (p ProbeCall) Do(req *http.Request, res ProbeResult) ProbeResult {
	start := time.Now()
	resp, err := p.Client.Do(req)
	res.LatencyMS = time.Since(start).Milliseconds()
	if err != nil {
		var denied *netguard.DeniedError
		switch {
		case errors.As(err, &denied):
			res.Error = p.Address + ": " + denied.Reason()
		case errors.Is(err, context.DeadlineExceeded):
			res.Error = "no answer within " + p.Timeout.String()
		case p.NetworkError != nil:
			res.Error = limit.Storable(p.NetworkError(err), 300)
		default:
			res.Error = limit.Storable(err.Error(), 300)
		}
		return res
	}
	defer resp.Body.Close()
	n := p.MaxAnswer
	if n <= 0 {
		n = MaxProbeBody
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, n))
	res.LatencyMS = time.Since(start).Milliseconds()
	res.Status = resp.StatusCode
	res.OK = resp.StatusCode >= 200 && resp.StatusCode < 300
	shown := string(answer)
	if p.Show != nil {
		shown = p.Show(resp.StatusCode, answer)
	}
	res.Body = limit.Storable(shown, MaxProbeBody)
	return res
}
