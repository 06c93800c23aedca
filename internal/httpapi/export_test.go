package httpapi

// KeepaliveEvery is how often live connections re-check their credentials.
const KeepaliveEvery = keepaliveEvery

// WaitResetMails returns once every password-reset mail whose request was
// answered has been sent, or has failed.
func (s *Server) WaitResetMails() { s.resets.wg.Wait() }
