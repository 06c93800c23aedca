package channel

import (
	"context"

	"github.com/switchboard-chat/switchboard/internal/apperr"
)

// ProbeResult is what a connection test found: the integrator's (or
// provider's) HTTP status, how long it took to answer and the first bytes
// of its answer, or the network error that stopped the request.
type ProbeResult struct {
	// OK is a 2xx answer.
	OK bool `json:"ok"`
	// URL is where the probe was sent.
	URL string `json:"url"`
	// Status is the answer's HTTP status (0: no answer, see Error).
	Status int `json:"status"`
	// LatencyMS is how long the answer (or the error) took, in
	// milliseconds.
	LatencyMS int64 `json:"latency_ms"`
	// Body is the start of the answer, at most MaxProbeBody bytes of valid
	// UTF-8.
	Body string `json:"body"`
	// Error says why there was no answer: refused, timed out, an address
	// the node's guard refuses…
	Error string `json:"error,omitempty"`
}

// MaxProbeBody bounds the answer's bytes a probe shows.
const MaxProbeBody = 512

// Prober is a Provider that can test its connection: it sends a probe the
// other side can recognise and reports what came back. Providers without
// one have no connection test.
type Prober interface {
	Probe(ctx context.Context, ch Channel) ProbeResult
}

// Test sends the channel's provider probe and answers what came back.
// A channel type that has no probe is a validation error.
func (s *Service) Test(ctx context.Context, workspaceID, id int64) (ProbeResult, error) {
	ch, err := s.Get(ctx, workspaceID, id)
	if err != nil {
		return ProbeResult{}, err
	}
	p, ok := s.reg.Provider(ch.Type)
	prober, can := p.(Prober)
	if !ok || !can {
		return ProbeResult{}, apperr.Invalid("type", "a %s channel has no connection test", ch.Type)
	}
	return prober.Probe(ctx, ch), nil
}

// errNoConnector: the channel's type registers nothing on save.
func errNoConnector(typ string) error {
	return apperr.Invalid("type", "a %s channel is not registered with its provider", typ)
}
