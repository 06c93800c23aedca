package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/outbound"
)

// DefaultTimeout bounds one Bot API call.
const DefaultTimeout = 15 * time.Second

// maxAnswerBytes bounds how much of a Bot API answer is read.
const maxAnswerBytes = 256 << 10

// maxReasonBytes bounds the Bot API's words kept in a failure reason.
const maxReasonBytes = 300

// client calls the Bot API of one bot through the node's guarded client.
// The bot token is part of every URL (…/bot<token>/<method>): no error it
// returns names the URL, and any text that reaches an error has the token
// replaced, so it never lands in a log or a failure reason.
type client struct {
	http    *http.Client
	cfg     Config
	timeout time.Duration
}

// APIError is an answer of the Bot API with "ok": false:
// {"ok": false, "error_code", "description", "parameters": {"retry_after", "migrate_to_chat_id"}}.
type APIError struct {
	Method      string
	Status      int // the HTTP status
	Code        int `json:"error_code"`
	Description string
	RetryAfter  int
	// MigrateTo is the supergroup's chat id when the chat was a group
	// upgraded to it (400 "group chat was upgraded to a supergroup chat").
	MigrateTo int64
}

func (e *APIError) Error() string {
	return fmt.Sprintf("telegram: %s: %s (error %d)", e.Method, e.Description, e.Code)
}

// answer is the envelope of every Bot API answer.
type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  *struct {
		RetryAfter      int   `json:"retry_after"`
		MigrateToChatID int64 `json:"migrate_to_chat_id"`
	} `json:"parameters"`
}

// methodURL is the URL of a Bot API method.
func (c *client) methodURL(method string) string {
	return c.cfg.APIBaseURL + "/bot" + c.cfg.BotToken + "/" + method
}

// fileURL is the download URL of a file's path as getFile returned it.
func (c *client) fileURL(filePath string) string {
	return c.cfg.APIBaseURL + "/file/bot" + c.cfg.BotToken + "/" + strings.TrimLeft(filePath, "/")
}

// scrub removes the bot token from text.
func (c *client) scrub(text string) string {
	if c.cfg.BotToken == "" {
		return text
	}
	text = strings.ReplaceAll(text, c.cfg.BotToken, "<bot-token>")
	return strings.ReplaceAll(text, url.PathEscape(c.cfg.BotToken), "<bot-token>")
}

// call invokes method with params as a JSON body and decodes a
// successful answer's result into out (when not nil). Errors are
// classified for the outbound dispatcher:
//
//	ok: true                          nil
//	429 (retry_after)                 retried no sooner than retry_after
//	5xx, network error, timeout       retried
//	other 4xx ("bot was blocked…")    outbound.Permanent with the description
//	an address the guard refuses      outbound.Permanent
func (c *client) call(ctx context.Context, method string, params any, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("telegram: %s: encode: %w", method, err)
	}
	timeout := c.timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if fetchesFile[method] {
		// Telegram downloads the file before it answers: cut short, the
		// call is retried, and the contact may get the file twice.
		timeout = max(timeout, uploadTimeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	return c.post(ctx, method, "application/json", bytes.NewReader(body), out)
}

// fetchesFile are the methods that send a file (mediaMethods), which
// Telegram fetches within the call when given its URL.
var fetchesFile = func() map[string]bool {
	m := map[string]bool{}
	for _, mm := range mediaMethods {
		m[mm[0]] = true
	}
	return m
}()

// uploadTimeout bounds a call that carries a file, uploaded or fetched by
// Telegram from its URL: the file moves within it, so it is longer than
// an ordinary call's.
const uploadTimeout = 2 * time.Minute

// upload invokes method with params and a file as multipart/form-data, the
// file under field (Telegram's way to send a file it cannot fetch by URL).
// Its answer is read and classified as call's is.
func (c *client) upload(ctx context.Context, method string, params map[string]any, field, fileName string, file io.Reader, out any) error {
	ctx, cancel := context.WithTimeout(ctx, max(c.timeout, uploadTimeout))
	defer cancel()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	written := make(chan struct{})
	go func() {
		defer close(written)
		pw.CloseWithError(writeForm(mw, params, field, fileName, file))
	}()
	err := c.post(ctx, method, mw.FormDataContentType(), pr, out)
	// A request that stopped reading ends the writer, which must be done
	// with file before the caller closes it.
	pr.Close()
	<-written
	return err
}

// writeForm writes params (a string as it is, anything else as JSON, as
// the Bot API reads form fields) and the file, then closes the form.
func writeForm(mw *multipart.Writer, params map[string]any, field, fileName string, file io.Reader) error {
	for _, k := range slices.Sorted(maps.Keys(params)) {
		v, ok := params[k].(string)
		if !ok {
			b, err := json.Marshal(params[k])
			if err != nil {
				return err
			}
			v = string(b)
		}
		if err := mw.WriteField(k, v); err != nil {
			return err
		}
	}
	fw, err := mw.CreateFormFile(field, fileName)
	if err != nil {
		return err
	}
	if _, err := io.Copy(fw, file); err != nil {
		return err
	}
	return mw.Close()
}

// post sends body to method and reads the answer into out (see call).
func (c *client) post(ctx context.Context, method, contentType string, body io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.methodURL(method), body)
	if err != nil {
		return outbound.Permanent("the channel's Bot API URL is not usable")
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := c.do(req)
	if err != nil {
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return fmt.Errorf("telegram: %s: reading the answer: %s", method, c.scrub(err.Error()))
	}
	var a answer
	if json.Unmarshal(raw, &a) != nil {
		a = answer{ErrorCode: resp.StatusCode, Description: fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			// A 2xx that is not the Bot API's envelope: a proxy in the way.
			return fmt.Errorf("telegram: %s: the answer is not the Bot API's (HTTP %d)", method, resp.StatusCode)
		}
	}
	if a.OK && resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out != nil && json.Unmarshal(a.Result, out) != nil {
			return fmt.Errorf("telegram: %s: unexpected result %s", method, limit.Storable(c.scrub(string(a.Result)), maxReasonBytes))
		}
		return nil
	}
	e := &APIError{Method: method, Status: resp.StatusCode, Code: a.ErrorCode,
		Description: limit.Storable(c.scrub(strings.TrimSpace(a.Description)), maxReasonBytes)}
	if e.Code == 0 {
		e.Code = resp.StatusCode
	}
	if e.Description == "" {
		e.Description = fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if a.Parameters != nil {
		e.RetryAfter, e.MigrateTo = a.Parameters.RetryAfter, a.Parameters.MigrateToChatID
	}
	return classify(e, resp.Header)
}

// classify makes an APIError permanent or retryable.
func classify(e *APIError, h http.Header) error {
	switch {
	case e.Code == http.StatusTooManyRequests || e.Status == http.StatusTooManyRequests:
		delay := time.Duration(e.RetryAfter) * time.Second
		if delay <= 0 {
			delay, _ = netguard.RetryAfter(h, time.Now())
		}
		return outbound.WithRetryAfter(e, delay)
	case e.Code >= 500 || e.Status >= 500 || e.Status == http.StatusRequestTimeout:
		return e
	}
	return fmt.Errorf("%w: %w", outbound.Permanent(e.Description), e)
}

// do sends req through the guarded client; the error it returns never
// holds the URL (which holds the token).
func (c *client) do(req *http.Request) (*http.Response, error) {
	hc := c.http
	if hc == nil {
		hc = netguard.New(netguard.Options{}).Client()
	}
	resp, err := hc.Do(req)
	if err == nil {
		return resp, nil
	}
	if refused := outbound.GuardRefusal("the channel's Bot API URL", err); outbound.IsPermanent(refused) {
		return nil, refused
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, errors.New("no answer in time")
	}
	// *url.Error names the URL: keep only its cause, token scrubbed.
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		err = uerr.Err
	}
	return nil, errors.New(c.scrub(err.Error()))
}
