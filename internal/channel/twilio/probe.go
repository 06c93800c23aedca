package twilio

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel"
)

// ProbeTimeout bounds a connection test.
const ProbeTimeout = 5 * time.Second

// Probe fetches the account, GET {base}/2010-04-01/Accounts/{AccountSid}.json
// with the channel's credentials: 200 proves both. The answer's body is
// not shown as Twilio sent it (the Account resource holds the auth token):
// the probe shows the account's name, status and type, or Twilio's error.
func (p *Provider) Probe(ctx context.Context, ch channel.Channel) channel.ProbeResult {
	cfg, err := config(ch)
	if err != nil || cfg.AccountSID == "" || cfg.AuthToken == "" {
		return channel.ProbeResult{Error: "the SMS channel has no Twilio account configured"}
	}
	res := channel.ProbeResult{URL: cfg.APIBaseURL + "/2010-04-01/Accounts/" + url.PathEscape(cfg.AccountSID) + ".json"}
	call := channel.ProbeCall{Client: p.client, Timeout: ProbeTimeout, Address: "the channel's API base URL",
		MaxAnswer: maxAnswerBytes, Show: probeSummary}
	return call.Send(ctx, http.MethodGet, nil, res, func(req *http.Request) {
		req.Header.Set("Accept", "application/json")
		req.SetBasicAuth(cfg.AccountSID, cfg.AuthToken)
	})
}

// probeSummary is what a probe shows of Twilio's answer.
func probeSummary(status int, answer []byte) string {
	if status >= 200 && status < 300 {
		var acct struct {
			SID          string `json:"sid"`
			FriendlyName string `json:"friendly_name"`
			Status       string `json:"status"`
			Type         string `json:"type"`
		}
		if json.Unmarshal(answer, &acct) != nil || acct.SID == "" {
			return "Twilio answered without an account"
		}
		out, _ := json.Marshal(acct)
		return string(out)
	}
	var e apiError
	if json.Unmarshal(answer, &e) == nil && e.Message != "" {
		out, _ := json.Marshal(e)
		return string(out)
	}
	return fmt.Sprintf("HTTP %d %s", status, http.StatusText(status))
}
