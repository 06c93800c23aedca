package httpapi_test

import (
	"time"

	"github.com/switchboard-chat/switchboard/internal/channel/widget"
)

// widgetTestLimits are the fixture's widget rate limits: small, so a test
// reaches them in a few requests.
var widgetTestLimits = widget.Limits{PerVisitor: 3, VisitorRefill: time.Hour, PerOrigin: 20, OriginRefill: time.Hour}
