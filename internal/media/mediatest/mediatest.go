// Package mediatest runs versitygw, an S3-compatible server (Apache-2.0, run as a separate
// program, never linked), on a loopback port for tests of the S3 media store.
package mediatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/marquee-org/marquee/internal/testkit"
)

// Version is the versitygw release scripts/test-server.sh versitygw builds.
const Version = "v1.8.0"

// Env names: a versitygw binary to use, and whether S3 tests must run rather than skip.
const (
	EnvBinary  = "MARQUEE_VERSITYGW"
	EnvRequire = "MARQUEE_TEST_S3"
)

// Binary returns the versitygw to run: $MARQUEE_VERSITYGW, else the one scripts/test-server.sh versitygw
// builds into the Go build cache. Without one the test is skipped, or fails when
// MARQUEE_TEST_S3=1 says S3 tests must run (CI).
func Binary(t testing.TB) string {
	t.Helper()
	return testkit.Tool{Name: "versitygw", Version: Version, EnvBinary: EnvBinary, EnvRequire: EnvRequire}.Path(t)
}

// Server is a running versitygw with its own empty storage.
type Server struct {
	Endpoint       string // http://127.0.0.1:PORT
	Access, Secret string
	Client         *s3.Client
	buckets        atomic.Int64
}

// Start runs versitygw until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	s := &Server{Access: "marquee" + randHex(4), Secret: randHex(16)}
	var lastErr error
	for range 3 { // the free port found can be taken before versitygw binds it
		port, err := testkit.FreePort()
		if err != nil {
			t.Fatal(err)
		}
		if lastErr = s.run(t, bin, port); lastErr == nil {
			break
		}
	}
	if lastErr != nil {
		t.Fatalf("start versitygw: %v", lastErr)
	}
	s.Client = s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint), UsePathStyle: true,
		Credentials:                credentials.NewStaticCredentialsProvider(s.Access, s.Secret, ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	return s
}

func (s *Server) run(t testing.TB, bin, port string) error {
	s.Endpoint = "http://127.0.0.1:" + port
	return testkit.StartProgram(t, bin,
		[]string{"--access", s.Access, "--secret", s.Secret, "--port", "127.0.0.1:" + port, "--quiet", "posix", t.TempDir()},
		func() bool {
			// Any HTTP answer (an S3 error for the anonymous request) means it is serving.
			res, err := http.Get(s.Endpoint + "/")
			if err == nil {
				res.Body.Close()
			}
			return err == nil
		})
}

// Bucket creates an empty bucket and returns its name and a media URL for it with prefix
// (which may be empty), credentials in the URL's user info.
func (s *Server) Bucket(t testing.TB, prefix string) (bucket, mediaURL string) {
	t.Helper()
	bucket = fmt.Sprintf("marquee-%d-%s", s.buckets.Add(1), randHex(3))
	if _, err := s.Client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	u := url.URL{Scheme: "s3", User: url.UserPassword(s.Access, s.Secret), Host: bucket, Path: "/" + prefix,
		RawQuery: url.Values{"endpoint": {s.Endpoint}}.Encode()}
	return bucket, u.String()
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
