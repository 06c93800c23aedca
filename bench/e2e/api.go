package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// api calls the server's REST API with one bearer token, as the web app
// and an integration do.
type api struct {
	base  string // http://127.0.0.1:port
	token string
	http  *http.Client
}

// statusError is an answer other than the one expected.
type statusError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s answered %d: %s", e.Method, e.Path, e.Status, e.Body)
}

// do sends in as JSON (nil: no body) and decodes a 2xx answer into out
// (nil: discarded). A 429 is waited out as its Retry-After says, a few
// times: the server's per-token rate limit is part of what is measured,
// not a failure of the run, as long as it lets the request through.
func (c *api) do(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return err
		}
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		if in != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return err
		}
		answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
		resp.Body.Close()
		if err != nil {
			return err
		}
		if resp.StatusCode == http.StatusTooManyRequests && attempt < 5 {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			select {
			case <-time.After(time.Duration(max(wait, 1)) * time.Second):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return &statusError{Method: method, Path: path, Status: resp.StatusCode, Body: string(bytes.TrimSpace(answer[:min(len(answer), 300)]))}
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(answer, out)
	}
}
