package outbound

import (
	"errors"

	"github.com/switchboard-chat/switchboard/internal/netguard"
)

// GuardRefusal makes a refusal of the node's guard permanent — an address
// in a range the operator has not allowed, or a redirect to another
// scheme: retrying cannot help until the operator allows it. address
// names what was called, as the agent reads it ("the channel's base
// URL"). Any other error is returned as it is, to be retried.
func GuardRefusal(address string, err error) error {
	var denied *netguard.DeniedError
	var scheme *netguard.SchemeError
	switch {
	case errors.As(err, &denied):
		return Permanent(address + ": " + denied.Reason())
	case errors.As(err, &scheme):
		return Permanent(address + " redirected to a " + scheme.Scheme + ": URL")
	}
	return err
}
