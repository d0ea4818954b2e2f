// Package mail sends the account mail (password resets, address verification, notices):
// messages with a text and an HTML part, queued as River jobs in the transaction that makes
// what they tell of, and delivered over SMTP, or written to the log where no server is set.
package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
)

// Message is one mail to one address.
type Message struct {
	To string `json:"to"`
	// ToName is the recipient's name for the To header; it may be empty.
	ToName  string `json:"to_name,omitempty"`
	Subject string `json:"subject"`
	Text    string `json:"text"`
	HTML    string `json:"html"`
}

// ErrHeader is returned for an address, name or subject that would break the header it goes
// into (a line break smuggling in another header, or an address that does not parse).
var ErrHeader = errors.New("mail: unsafe header value")

// Check refuses what must never reach a header: line breaks anywhere in the recipient, its
// name or the subject, and a recipient that is not one plain address.
func (m Message) Check() error {
	for _, v := range []string{m.To, m.ToName, m.Subject} {
		if strings.ContainsAny(v, "\r\n\x00") {
			return ErrHeader
		}
	}
	a, err := mail.ParseAddress(m.To)
	if err != nil || a.Address != m.To {
		return fmt.Errorf("%w: recipient %q", ErrHeader, m.To)
	}
	return nil
}

// Build renders m as an RFC 5322 message from `from`: headers encoded for any language,
// and a multipart/alternative body whose parts are quoted-printable.
func (m Message) Build(from *mail.Address, now time.Time) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, part := range []struct{ kind, text string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", part.kind+"; charset=utf-8")
		h.Set("Content-Transfer-Encoding", "quoted-printable")
		pw, err := w.CreatePart(h)
		if err != nil {
			return nil, err
		}
		qp := quotedprintable.NewWriter(pw)
		if _, err := qp.Write([]byte(part.text)); err != nil {
			return nil, err
		}
		if err := qp.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	to := (&mail.Address{Name: m.ToName, Address: m.To}).String()
	_, domain, _ := strings.Cut(from.Address, "@")
	var head bytes.Buffer
	for _, h := range [][2]string{
		{"From", from.String()},
		{"To", to},
		{"Subject", mime.QEncoding.Encode("utf-8", m.Subject)},
		{"Date", now.Format(time.RFC1123Z)},
		{"Message-ID", "<" + randomID() + "@" + domain + ">"},
		{"MIME-Version", "1.0"},
		{"Content-Type", `multipart/alternative; boundary="` + w.Boundary() + `"`},
		// Mail from a service, not a person: no vacation replies.
		{"Auto-Submitted", "auto-generated"},
	} {
		head.WriteString(h[0] + ": " + h[1] + "\r\n")
	}
	head.WriteString("\r\n")
	return append(head.Bytes(), body.Bytes()...), nil
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
