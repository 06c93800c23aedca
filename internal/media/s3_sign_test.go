package media

import (
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The GET Object example of AWS's Signature Version 4 documentation for
// S3 (examplebucket, test.txt, its first 10 bytes), signed with the
// documentation's example keys, gives the documented signature.
func TestSignV4MatchesAWSExample(t *testing.T) {
	req, _ := http.NewRequest(http.MethodGet, "https://examplebucket.s3.amazonaws.com/test.txt", nil)
	req.Header.Set("Range", "bytes=0-9")
	signV4(req, emptySHA256, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1",
		time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC))
	want := "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
		"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
		"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization:\n got %s\nwant %s", got, want)
	}
}

// S3 signs an object's path with each segment URI-encoded (every byte but
// A-Z a-z 0-9 - _ . ~: AWS's PUT example signs test$file.text as
// /test%24file.text), so a prefix holding other characters ($, +, a
// space) is signed that way and sent that way, and S3 finds the same
// signature and the same key.
func TestSignV4EncodesTheKeyAsS3Does(t *testing.T) {
	b, err := newS3(S3{Endpoint: "https://s3.amazonaws.com", Bucket: "examplebucket", AccessKey: "AKIAIOSFODNN7EXAMPLE",
		SecretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Prefix: "media $+/"})
	if err != nil {
		t.Fatal(err)
	}
	u := b.objectURL("test$file.text")
	if u.Path != "/media $+/test$file.text" || u.EscapedPath() != "/media%20%24%2B/test%24file.text" {
		t.Fatalf("object path %q sent as %q", u.Path, u.EscapedPath())
	}
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	now := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	signV4(req, emptySHA256, b.cfg.AccessKey, b.cfg.SecretKey, "us-east-1", now)
	canonical := "GET\n/media%20%24%2B/test%24file.text\n\n" +
		"host:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:" + emptySHA256 + "\nx-amz-date:20130524T000000Z\n\n" +
		"host;x-amz-content-sha256;x-amz-date\n" + emptySHA256
	scope := "20130524/us-east-1/s3/aws4_request"
	key := hmacSHA256([]byte("AWS4"+b.cfg.SecretKey), "20130524")
	for _, part := range []string{"us-east-1", "s3", "aws4_request"} {
		key = hmacSHA256(key, part)
	}
	want := hex.EncodeToString(hmacSHA256(key, "AWS4-HMAC-SHA256\n20130524T000000Z\n"+scope+"\n"+hexSHA256(canonical)))
	if got := req.Header.Get("Authorization"); !strings.HasSuffix(got, ",Signature="+want) {
		t.Errorf("Authorization %s, want the signature %s of\n%s", got, want, canonical)
	}
}
