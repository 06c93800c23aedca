package viber

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// AuthHeader carries the bot's authentication token on every call.
const AuthHeader = "X-Viber-Auth-Token"

// DefaultTimeout bounds one API call.
const DefaultTimeout = 15 * time.Second

// maxAnswerBytes bounds how much of an answer is read.
const maxAnswerBytes = 256 << 10

// maxReasonBytes bounds Viber's words kept in a failure reason.
const maxReasonBytes = 300

// client calls the REST Bot API of one bot through the node's guarded
// client. The token travels in a header only, never in a URL, so no
// error can name it.
type client struct {
	http    *http.Client
	cfg     Config
	timeout time.Duration
}

// answer is the envelope of every answer: status 0 is success, any other
// is an error named by status_message. The rest depends on the method.
type answer struct {
	Status        *int   `json:"status"`
	StatusMessage string `json:"status_message"`
	MessageToken  Token  `json:"message_token"`
	// get_account_info
	Name    string `json:"name"`
	Webhook string `json:"webhook"`
}

// APIError is an answer whose status is not 0 (or that is not Viber's).
type APIError struct {
	Method        string
	HTTPStatus    int
	Status        int // Viber's status; 0 when the answer was not Viber's
	StatusMessage string
}

func (e *APIError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("viber: %s: %s (status %d)", e.Method, e.StatusMessage, e.Status)
	}
	return fmt.Sprintf("viber: %s: HTTP %d %s", e.Method, e.HTTPStatus, http.StatusText(e.HTTPStatus))
}

// The statuses of Viber's error codes that retrying can fix; every other
// known code is a refusal of this request (developers.viber.com, "Error
// Codes"; creators.viber.com, "Common Errors").
const (
	StatusOK                    = 0
	StatusReceiverNotRegistered = 5
	StatusReceiverNotSubscribed = 6
	StatusTooManyRequests       = 12
	// maxKnownStatus is the last of the documented codes (24,
	// noBalance); a later one ("other: general error") is retried.
	maxKnownStatus = 24
)

// explained are the error codes whose status_message alone would not
// tell an agent what happened.
var explained = map[int]string{
	2:                           "the channel's authentication token is not valid",
	StatusReceiverNotRegistered: "the contact is no longer registered on Viber",
	StatusReceiverNotSubscribed: "the contact is not subscribed to the bot (they unsubscribed, or never wrote): a bot may write only to its subscribers",
	7:                           "the bot is blocked",
	8:                           "the bot was not found",
	9:                           "the bot is suspended",
	10:                          "the bot's webhook is not set: save the channel again to connect it",
	11:                          "the contact's device cannot receive this message",
}

// call invokes method with params as its JSON body and returns the
// answer. Errors are classified for the outbound dispatcher:
//
//	status 0                                       nil
//	status 12 (tooManyRequests), HTTP 429          retried, no sooner than Retry-After
//	HTTP 5xx, network error, timeout, an
//	  undocumented status (a general error)         retried
//	any other status (a bad request, a contact
//	  not subscribed, a wrong token…), other 4xx    outbound.Permanent with Viber's words
//	an address the guard refuses                   outbound.Permanent
func (c *client) call(ctx context.Context, method string, params any) (answer, error) {
	body, err := json.Marshal(params)
	if err != nil {
		return answer{}, fmt.Errorf("viber: %s: encode: %w", method, err)
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.APIBaseURL+"/pa/"+method, bytes.NewReader(body))
	if err != nil {
		return answer{}, outbound.Permanent("the channel's API URL is not usable")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(AuthHeader, c.cfg.AuthToken)
	resp, err := do(c.http, req, "the channel's API URL")
	if err != nil {
		return answer{}, fmt.Errorf("viber: %s: %w", method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return answer{}, fmt.Errorf("viber: %s: reading the answer: %w", method, err)
	}
	var a answer
	if json.Unmarshal(raw, &a) != nil || a.Status == nil {
		e := &APIError{Method: method, HTTPStatus: resp.StatusCode}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			// A 2xx that is not Viber's envelope: a proxy in the way.
			return answer{}, fmt.Errorf("viber: %s: the answer is not the REST Bot API's (HTTP %d)", method, resp.StatusCode)
		}
		return answer{}, classifyHTTP(e, resp.Header)
	}
	if *a.Status == StatusOK && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return a, nil
	}
	e := &APIError{Method: method, HTTPStatus: resp.StatusCode, Status: *a.Status,
		StatusMessage: limit.Storable(strings.TrimSpace(a.StatusMessage), maxReasonBytes)}
	if e.Status == StatusOK {
		return answer{}, classifyHTTP(e, resp.Header)
	}
	return answer{}, classify(e, resp.Header)
}

// classify makes an answer with an error status permanent or retryable.
func classify(e *APIError, h http.Header) error {
	switch {
	case e.Status == StatusTooManyRequests || e.HTTPStatus == http.StatusTooManyRequests:
		delay, _ := netguard.RetryAfter(h, time.Now())
		return outbound.WithRetryAfter(e, delay)
	case e.Status > maxKnownStatus || e.Status < 0 || e.HTTPStatus >= 500:
		return e
	}
	reason := e.StatusMessage
	if reason == "" {
		reason = fmt.Sprintf("error %d", e.Status)
	}
	reason = fmt.Sprintf("Viber: %s (status %d)", reason, e.Status)
	if why, ok := explained[e.Status]; ok {
		reason += ": " + why
	}
	return fmt.Errorf("%w: %w", outbound.Permanent(reason), e)
}

// classifyHTTP classifies an answer that is not Viber's by its HTTP
// status alone.
func classifyHTTP(e *APIError, h http.Header) error {
	switch {
	case e.HTTPStatus == http.StatusTooManyRequests:
		delay, _ := netguard.RetryAfter(h, time.Now())
		return outbound.WithRetryAfter(e, delay)
	case e.HTTPStatus >= 500 || e.HTTPStatus == http.StatusRequestTimeout:
		return e
	}
	return fmt.Errorf("%w: %w", outbound.Permanent(fmt.Sprintf("Viber refused the request (HTTP %d)", e.HTTPStatus)), e)
}

// do sends req through hc (nil: a guarded client that allows no private
// network); address names the URL in a refusal.
func do(hc *http.Client, req *http.Request, address string) (*http.Response, error) {
	if hc == nil {
		hc = netguard.New(netguard.Options{}).Client()
	}
	resp, err := hc.Do(req)
	if err == nil {
		return resp, nil
	}
	if refused := outbound.GuardRefusal(address, err); outbound.IsPermanent(refused) {
		return nil, refused
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, errors.New("no answer in time")
	}
	return nil, err
}
