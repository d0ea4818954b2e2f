// Package mailtest runs Mailpit, an SMTP server that keeps what it receives and shows it
// through an HTTP API (MIT, run as a separate program, never linked), on loopback ports for
// tests of the account mail.
package mailtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/marquee-org/marquee/internal/testkit"
)

// Version is the Mailpit release scripts/test-server.sh mailpit builds.
const Version = "v1.33.1"

// Env names: a Mailpit binary to use, and whether mail tests must run rather than skip.
const (
	EnvBinary  = "MARQUEE_MAILPIT"
	EnvRequire = "MARQUEE_TEST_MAIL"
)

// Server is a running Mailpit with an empty mailbox.
type Server struct {
	// SMTPURL is its SMTP address as --smtp-url takes it (any user and password accepted).
	SMTPURL string
	api     string
}

// Start runs Mailpit until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := testkit.Tool{Name: "mailpit", Version: Version, EnvBinary: EnvBinary, EnvRequire: EnvRequire}.Path(t)
	var lastErr error
	for range 3 { // a free port found can be taken before Mailpit binds it
		smtpPort, err1 := testkit.FreePort()
		httpPort, err2 := testkit.FreePort()
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		s := &Server{SMTPURL: "smtp://marquee:secret@127.0.0.1:" + smtpPort, api: "http://127.0.0.1:" + httpPort + "/api/v1/"}
		lastErr = testkit.StartProgram(t, bin, []string{
			"--smtp", "127.0.0.1:" + smtpPort, "--listen", "127.0.0.1:" + httpPort,
			"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--enable-chaos",
			"--database", t.TempDir() + "/mailpit.db", "--disable-version-check", "--quiet",
		}, func() bool {
			res, err := http.Get(s.api + "info")
			if err == nil {
				res.Body.Close()
			}
			return err == nil && res.StatusCode == http.StatusOK
		})
		if lastErr == nil {
			return s
		}
	}
	t.Fatalf("start mailpit: %v", lastErr)
	return nil
}

// Message is one delivered mail as Mailpit parsed it.
type Message struct {
	ID      string
	Subject string
	From    Address
	To      []Address
	Text    string
	HTML    string
}

// Address is a mailbox in a message's headers.
type Address struct{ Name, Address string }

func (s *Server) get(path string, v any) error {
	res, err := http.Get(s.api + path)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("mailpit %s: %s", path, res.Status)
	}
	return json.NewDecoder(res.Body).Decode(v)
}

// To lists the messages delivered to address, oldest first.
func (s *Server) To(t testing.TB, address string) []Message {
	t.Helper()
	var found struct{ Messages []struct{ ID string } }
	if err := s.get("search?"+url.Values{"query": {"to:" + address}}.Encode(), &found); err != nil {
		t.Fatal(err)
	}
	out := make([]Message, 0, len(found.Messages))
	for i := len(found.Messages) - 1; i >= 0; i-- { // Mailpit lists the newest first
		var m Message
		if err := s.get("message/"+found.Messages[i].ID, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// Wait returns the first message to address with this subject, waiting for it as long as
// ctx lasts. Mailpit orders messages by their arrival, to the second: tests find a message
// by what it says, not by its place.
func (s *Server) Wait(ctx context.Context, t testing.TB, address, subject string) Message {
	t.Helper()
	for {
		for _, m := range s.To(t, address) {
			if m.Subject == subject {
				return m
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("no message %q for %s: %v", subject, address, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Headers returns a message's raw headers.
func (s *Server) Headers(t testing.TB, id string) map[string][]string {
	t.Helper()
	var h map[string][]string
	if err := s.get("message/"+id+"/headers", &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// Refuse makes the server answer RCPT TO with code (550, 451…) for every message from now
// on; 0 accepts again.
func (s *Server) Refuse(t testing.TB, code int) {
	t.Helper()
	probability := 100
	if code == 0 {
		code, probability = 451, 0
	}
	body, _ := json.Marshal(map[string]any{"Recipient": map[string]int{"ErrorCode": code, "Probability": probability}})
	req, _ := http.NewRequest(http.MethodPut, s.api+"chaos", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("mailpit chaos: %s", res.Status)
	}
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+`)

// Link returns the first link in a message's text that starts with prefix.
func Link(t testing.TB, m Message, prefix string) string {
	t.Helper()
	for _, l := range linkPattern.FindAllString(m.Text, -1) {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no link starting %s in %q", prefix, m.Text)
	return ""
}
