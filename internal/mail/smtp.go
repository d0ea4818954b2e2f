package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/smtp"
	"net/textproto"
	"net/url"
	"strings"
	"time"
)

// Sender delivers one message now.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SMTP delivers through one mail server: smtp://user:password@host:port upgrades with
// STARTTLS (port 587 by default), smtps:// speaks TLS from the start (port 465).
type SMTP struct {
	addr, host string
	implicit   bool
	auth       smtp.Auth
	from       *mail.Address
	// Timeout bounds one delivery, from dialling to QUIT, so a server that stops answering
	// holds a worker no longer than this.
	Timeout time.Duration
	// TLS, when set, replaces the default client configuration (tests trust their own CA).
	TLS *tls.Config
	// Dial, when set, opens the connection instead of a plain net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ParseFrom checks the sender address (`Marquee <tv@example.org>` or a bare address).
func ParseFrom(from string) (*mail.Address, error) {
	if strings.ContainsAny(from, "\r\n") {
		return nil, ErrHeader
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("--mail-from: %q is not an address: %w", from, err)
	}
	return a, nil
}

// NewSMTP parses the server URL and the sender.
func NewSMTP(rawURL string, from *mail.Address) (*SMTP, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("--smtp-url: must be smtp://[user:password@]host[:port] or smtps://…")
	}
	s := &SMTP{host: u.Hostname(), implicit: u.Scheme == "smtps", from: from, Timeout: 30 * time.Second}
	port := u.Port()
	if port == "" {
		port = "587"
		if s.implicit {
			port = "465"
		}
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil {
		pw, _ := u.User.Password()
		// PlainAuth refuses to send the password unless the connection is TLS or loopback.
		s.auth = smtp.PlainAuth("", u.User.Username(), pw, s.host)
	}
	return s, nil
}

// Describe names the server without its credentials, for logs.
func (s *SMTP) Describe() string {
	scheme := "smtp"
	if s.implicit {
		scheme = "smtps"
	}
	return scheme + "://" + s.addr
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.TLS != nil {
		c := s.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.host
		}
		return c
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// Send delivers m. Errors carrying an SMTP reply keep it, so Permanent can tell a refusal
// (5xx) from a server that may take the message later (4xx, or no answer).
func (s *SMTP) Send(ctx context.Context, m Message) (err error) {
	raw, err := m.Build(s.from, time.Now())
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	dial := s.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	conn, err := dial(ctx, "tcp", s.addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s.addr, err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	// Cancelling (shutdown) closes the connection under whatever step is waiting.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	if s.implicit {
		conn = tls.Client(conn, s.tlsConfig())
	}
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		_ = conn.Close()
		return fmt.Errorf("greeting from %s: %w", s.addr, err)
	}
	defer c.Close()
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tlsConfig()); err != nil {
				return fmt.Errorf("starttls with %s: %w", s.addr, err)
			}
		} else if !loopback(s.host) {
			return fmt.Errorf("%s does not offer STARTTLS; use smtps:// or a server that does", s.addr)
		}
	}
	if s.auth != nil {
		if err := c.Auth(s.auth); err != nil {
			return fmt.Errorf("log in to %s: %w", s.addr, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("sender refused: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("recipient refused: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("data refused: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("message refused: %w", err)
	}
	_ = c.Quit()
	return nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Permanent reports whether err means the message will never be taken: the server refused
// it with a 5xx reply, or the message itself is unsafe to send.
func Permanent(err error) bool {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code >= 500 && te.Code < 600
	}
	return errors.Is(err, ErrHeader)
}
