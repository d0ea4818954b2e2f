package mail_test

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/jobs"
	"github.com/marquee-org/marquee/internal/mail"
	"github.com/marquee-org/marquee/internal/mail/mailtest"
	"github.com/marquee-org/marquee/internal/store"
	"github.com/marquee-org/marquee/internal/store/storetest"
	"github.com/marquee-org/marquee/internal/testkit"
)

func sender(t *testing.T, url string) *mail.SMTP {
	t.Helper()
	from, err := mail.ParseFrom("Marquee <tv@example.org>")
	require.NoError(t, err)
	s, err := mail.NewSMTP(url, from)
	require.NoError(t, err)
	return s
}

var hello = mail.Message{
	To: "ana@example.com", ToName: "Ana Núñez", Subject: "Réinitialiser — your password",
	Text: "Hi Ana,\n\nFollow https://tv.example.org/reset-password?token=abc to choose one.\n",
	HTML: `<p>Hi Ana,</p><p><a href="https://tv.example.org/reset-password?token=abc">Choose one</a></p>`,
}

func TestSMTPDeliversTextAndHTML(t *testing.T) {
	box := mailtest.Start(t)
	require.NoError(t, sender(t, box.SMTPURL).Send(context.Background(), hello))
	got := box.To(t, "ana@example.com")
	require.Len(t, got, 1)
	m := got[0]
	require.Equal(t, "Réinitialiser — your password", m.Subject)
	require.Equal(t, mailtest.Address{Name: "Ana Núñez", Address: "ana@example.com"}, m.To[0])
	require.Equal(t, "tv@example.org", m.From.Address)
	require.Equal(t, hello.Text, strings.ReplaceAll(m.Text, "\r\n", "\n"))
	require.Contains(t, m.HTML, `<a href="https://tv.example.org/reset-password?token=abc">Choose one</a>`)
	require.Equal(t, "https://tv.example.org/reset-password?token=abc", mailtest.Link(t, m, "https://tv.example.org/"))
	h := box.Headers(t, m.ID)
	require.Equal(t, []string{"auto-generated"}, h["Auto-Submitted"])
	require.True(t, strings.HasPrefix(h["Content-Type"][0], "multipart/alternative"))
}

func TestLineBreaksNeverReachAHeader(t *testing.T) {
	box := mailtest.Start(t)
	s := sender(t, box.SMTPURL)
	for name, m := range map[string]mail.Message{
		"subject":    {To: "ana@example.com", Subject: "Hi\r\nBcc: victim@example.com", Text: "x"},
		"name":       {To: "ana@example.com", ToName: "Ana\nBcc: victim@example.com", Subject: "Hi", Text: "x"},
		"address":    {To: "ana@example.com\r\nBcc: victim@example.com", Subject: "Hi", Text: "x"},
		"two people": {To: "ana@example.com, victim@example.com", Subject: "Hi", Text: "x"},
	} {
		err := s.Send(context.Background(), m)
		require.ErrorIs(t, err, mail.ErrHeader, name)
		require.True(t, mail.Permanent(err), name)
	}
	require.Empty(t, box.To(t, "victim@example.com"))
	require.Empty(t, box.To(t, "ana@example.com"))
	_, err := mail.ParseFrom("tv@example.org\r\nBcc: victim@example.com")
	require.Error(t, err)
}

func TestRefusalsAndOutages(t *testing.T) {
	box := mailtest.Start(t)
	s := sender(t, box.SMTPURL)

	box.Refuse(t, 550)
	err := s.Send(context.Background(), hello)
	require.Error(t, err)
	require.True(t, mail.Permanent(err), "550 is final: %v", err)

	box.Refuse(t, 451)
	err = s.Send(context.Background(), hello)
	require.Error(t, err)
	require.False(t, mail.Permanent(err), "451 may pass later: %v", err)

	// Nothing listening: worth trying again.
	port, err := testkit.FreePort()
	require.NoError(t, err)
	err = sender(t, "smtp://127.0.0.1:"+port).Send(context.Background(), hello)
	require.Error(t, err)
	require.False(t, mail.Permanent(err))

	// A server that accepts the connection and never speaks: the delivery gives up at its
	// timeout instead of holding the worker.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	slow := sender(t, "smtp://"+silent.Addr().String())
	slow.Timeout = 300 * time.Millisecond
	err = slow.Send(context.Background(), hello)
	require.Error(t, err)
	require.False(t, mail.Permanent(err))
}

func TestSMTPRefusesToSendInClearToARemoteServer(t *testing.T) {
	// A server that greets and offers no STARTTLS, on an address that is not loopback as far
	// as the sender knows: the password must not cross in clear.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_, _ = c.Write([]byte("220 mail.example.org ESMTP\r\n"))
		buf := make([]byte, 512)
		_, _ = c.Read(buf)
		_, _ = c.Write([]byte("250-mail.example.org\r\n250 AUTH PLAIN\r\n"))
		_, _ = c.Read(buf)
	}()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	from, _ := mail.ParseFrom("tv@example.org")
	s, err := mail.NewSMTP("smtp://u:p@mail.example.org:"+port, from)
	require.NoError(t, err)
	s.Dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, l.Addr().String())
	}
	err = s.Send(context.Background(), hello)
	require.ErrorContains(t, err, "does not offer STARTTLS")
}

// queue runs the mail worker over a real store with a short backoff.
func queue(t *testing.T, st *store.Store, sender mail.Sender, logs *testkit.Buffer) *mail.Outbox {
	t.Helper()
	log := slog.New(slog.NewTextHandler(logs, nil))
	q := jobs.New(st, jobs.Options{Workers: 1, PollInterval: 50 * time.Millisecond}, log)
	box, err := mail.NewBox([]byte("a-server-secret-of-32-characters!"))
	require.NoError(t, err)
	w := mail.NewWorker(sender, box, log)
	w.Backoff = func(int) time.Duration { return 100 * time.Millisecond }
	river.AddWorker(q.Workers(), w)
	require.NoError(t, q.Open())
	require.NoError(t, q.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	return mail.NewOutbox(q, box)
}

func eventually(t *testing.T, ctx context.Context, ok func() bool) {
	t.Helper()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatal(ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func enqueue(t *testing.T, st *store.Store, out *mail.Outbox, m mail.Message) {
	t.Helper()
	require.NoError(t, st.InTx(context.Background(), func(tx *sql.Tx, _ *ent.Client) error {
		return out.Enqueue(context.Background(), tx, m)
	}))
}

func TestQueueRetriesUntilTheServerTakesItAndGivesUpOn5xx(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		box := mailtest.Start(t)
		logs := &testkit.Buffer{}
		out := queue(t, st, sender(t, box.SMTPURL), logs)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()

		// 451 for a while: the job comes back until the server takes the message, once.
		box.Refuse(t, 451)
		enqueue(t, st, out, hello)
		eventually(t, ctx, func() bool { return strings.Count(logs.String(), "will retry") >= 2 })
		box.Refuse(t, 0)
		first := box.Wait(ctx, t, "ana@example.com", hello.Subject)
		require.Equal(t, hello.Text, strings.ReplaceAll(first.Text, "\r\n", "\n"))

		// 550: given up at once, with a log line, never delivered.
		box.Refuse(t, 550)
		refused := hello
		refused.To = "gone@example.com"
		enqueue(t, st, out, refused)
		eventually(t, ctx, func() bool { return strings.Contains(logs.String(), "mail refused; giving up") })
		require.Len(t, box.To(t, "ana@example.com"), 1, "the first message went out once")
		require.Empty(t, box.To(t, "gone@example.com"))

		// The queue holds no readable link.
		var args string
		require.NoError(t, st.DB.QueryRowContext(ctx, "SELECT CAST(args AS TEXT) FROM river_job WHERE kind = 'mail.send' ORDER BY id LIMIT 1").Scan(&args))
		require.NotContains(t, args, "token=abc")
		require.NotContains(t, args, "ana@example.com")
	})
}

func TestBoxOpensOnlyWithItsSecret(t *testing.T) {
	a, err := mail.NewBox([]byte("secret-one-secret-one-secret-one"))
	require.NoError(t, err)
	b, err := mail.NewBox([]byte("secret-two-secret-two-secret-two"))
	require.NoError(t, err)
	sealed, err := a.Seal(hello)
	require.NoError(t, err)
	got, err := a.Open(sealed)
	require.NoError(t, err)
	require.Equal(t, hello, got)
	_, err = b.Open(sealed)
	require.True(t, errors.Is(err, mail.ErrSealedElsewhere))
}
