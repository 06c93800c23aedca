package httpapi

// KeepaliveEvery is how often live connections re-check their credentials.
const KeepaliveEvery = keepaliveEvery
