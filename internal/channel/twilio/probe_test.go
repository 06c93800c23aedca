package twilio

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/switchboard-chat/switchboard/internal/channel/channeltest"
)

// The probe fetches the account with the channel's credentials and shows
// its name and status, never the auth token the Account resource holds.
func TestProbe(t *testing.T) {
	api := newTwilioAPI(t, http.StatusOK, fixtureBytes(t, "account.json"))
	res := New(channeltest.LoopbackClient(), "").Probe(context.Background(), testChannel(api.URL))
	r := api.last(t)
	if r.method != http.MethodGet || r.path != "/2010-04-01/Accounts/"+testAccount+".json" || r.user != testAccount || r.pass != testToken {
		t.Errorf("request %s %s as %s:%s", r.method, r.path, r.user, r.pass)
	}
	if !res.OK || res.Status != 200 || res.URL != api.URL+"/2010-04-01/Accounts/"+testAccount+".json" || !strings.Contains(res.Body, `"friendly_name":"Acme SMS"`) ||
		!strings.Contains(res.Body, `"status":"active"`) || strings.Contains(res.Body, "0123456789abcdef") {
		t.Errorf("probe = %+v", res)
	}

	api = newTwilioAPI(t, http.StatusUnauthorized, fixtureBytes(t, "error_20003.json"))
	res = New(channeltest.LoopbackClient(), "").Probe(context.Background(), testChannel(api.URL))
	if res.OK || res.Status != 401 || !strings.Contains(res.Body, "Authenticate") || !strings.Contains(res.Body, "20003") {
		t.Errorf("probe with a wrong token = %+v", res)
	}

	res = New(nil, "").Probe(context.Background(), testChannel(api.URL))
	if res.OK || !strings.Contains(res.Error, "API base URL") {
		t.Errorf("probe of a private address = %+v", res)
	}
}
