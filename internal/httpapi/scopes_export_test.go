package httpapi

// RouteScope tells the token-scope tests what the table decided for a
// route: its area ("" when undecided), whether it writes, and whether it
// is authenticated at all (public and webhook routes take no token).
func RouteScope(rt Route) (area string, writes, authed bool) {
	a, ok := rt.Handler.(*authedHandler)
	if !ok {
		return "", false, false
	}
	return a.scope.area, a.scope.writes, true
}
