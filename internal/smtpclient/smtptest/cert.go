package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"testing"
	"time"
)

// Cert is a certificate for 127.0.0.1, valid for an hour, and the pool
// that trusts it: a test's mail server offers it, its client trusts the
// pool, and a client that does not is refused.
func Cert(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	c := Issue(t, "mail.test", []net.IP{net.ParseIP("127.0.0.1")}, nil, false)
	pool := x509.NewCertPool()
	pool.AddCert(c.Cert)
	return c.TLS, pool
}

// Issued is a certificate made for a test: what a server offers, the
// certificate, its key (to sign others, for an authority) and its PEM.
type Issued struct {
	TLS  tls.Certificate
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
	PEM  string
}

// Issue makes a certificate for name (and ips), valid for an hour, signed
// by parent, or self-signed when parent is nil; ca makes it an
// authority's.
func Issue(t testing.TB, name string, ips []net.IP, parent *Issued, ca bool) Issued {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: serial, Subject: pkix.Name{CommonName: name}, DNSNames: []string{name}, IPAddresses: ips,
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if ca {
		tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, true, x509.KeyUsageCertSign|x509.KeyUsageDigitalSignature
	}
	signer, signKey := tmpl, key
	if parent != nil {
		signer, signKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return Issued{TLS: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: cert}, Cert: cert, Key: key,
		PEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}
