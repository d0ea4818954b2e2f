package media

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const testSecret = "0123456789abcdef0123456789abcdef"

func testSigner(t testing.TB) *Signer {
	t.Helper()
	s, err := NewSigner([]byte(testSecret))
	require.NoError(t, err)
	return s
}

func TestNewSignerRefusesShortSecrets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		secret string
		ok     bool
	}{
		{"empty", "", false},
		{"31 bytes", strings.Repeat("k", 31), false},
		{"32 bytes", strings.Repeat("k", 32), true},
		{"64 bytes", strings.Repeat("k", 64), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, err := NewSigner([]byte(tc.secret))
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, s)
			} else {
				require.Error(t, err)
			}
		})
	}
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_760_000_000, 0)
	shape := regexp.MustCompile(`^[0-9]+-[0-9]+-[0-9]+-[0-9]+-[A-Za-z0-9_-]{43}$`)
	for _, tc := range []struct {
		name string
		g    Grant
	}{
		{"capped plan", Grant{SessionID: 1, VideoID: 42, MaxHeight: 720, Expires: now.Add(time.Hour)}},
		{"no limit", Grant{SessionID: 7, VideoID: 3, MaxHeight: 0, Expires: now.Add(time.Second)}},
		{"large ids", Grant{SessionID: 987_654_321_012, VideoID: 123_456_789_012, MaxHeight: 2160, Expires: now.Add(24 * time.Hour)}},
		{"zero ids", Grant{Expires: now.Add(time.Minute)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := testSigner(t)
			tok := s.Sign(tc.g)
			require.Regexp(t, shape, tok)
			require.Equal(t, tok, url.PathEscape(tok), "usable in a path as is")
			got, err := s.Verify(tok, now)
			require.NoError(t, err)
			require.Equal(t, tc.g.SessionID, got.SessionID)
			require.Equal(t, tc.g.VideoID, got.VideoID)
			require.Equal(t, tc.g.MaxHeight, got.MaxHeight)
			require.True(t, tc.g.Expires.Equal(got.Expires))
			require.Equal(t, tok, s.Sign(got), "one token per grant")
		})
	}
}

func TestSignTruncatesExpiryToTheSecond(t *testing.T) {
	t.Parallel()
	s := testSigner(t)
	now := time.Unix(1_760_000_000, 0)
	tok := s.Sign(Grant{SessionID: 1, VideoID: 2, Expires: now.Add(1500 * time.Millisecond)})
	g, err := s.Verify(tok, now)
	require.NoError(t, err)
	require.True(t, g.Expires.Equal(now.Add(time.Second)), "never later than asked for")
}

func TestVerifyRejects(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_760_000_000, 0)
	s := testSigner(t)
	good := s.Sign(Grant{SessionID: 5, VideoID: 42, MaxHeight: 720, Expires: now.Add(time.Hour)})
	fields := strings.SplitN(good, "-", 5)
	mac := good[len(good)-43:]
	other, err := NewSigner([]byte(strings.Repeat("x", 32)))
	require.NoError(t, err)
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}

	for _, tc := range []struct {
		name  string
		token string
		now   time.Time
		want  error
	}{
		{"empty", "", now, ErrTokenMalformed},
		{"garbage", "hello", now, ErrTokenMalformed},
		{"garbage of the right length", strings.Repeat("x", len(good)), now, ErrTokenMalformed},
		{"no mac", strings.Join(fields[:4], "-"), now, ErrTokenMalformed},
		{"short mac", good[:len(good)-1], now, ErrTokenMalformed},
		{"long mac", good + "A", now, ErrTokenMalformed},
		{"missing field", strings.Join(append(fields[1:4:4], mac), "-"), now, ErrTokenMalformed},
		{"extra field", "1-" + good, now, ErrTokenMalformed},
		{"leading zero", "0" + good, now, ErrTokenMalformed},
		{"sign", "+" + good, now, ErrTokenMalformed},
		{"negative", "-" + good, now, ErrTokenMalformed},
		{"empty field", strings.Replace(good, "-42-", "--", 1), now, ErrTokenMalformed},
		{"huge number", strings.Repeat("9", 19) + good[1:], now, ErrTokenMalformed},
		{"too long", strings.Repeat("1", 200), now, ErrTokenMalformed},
		{"tampered mac, first char", good[:len(good)-43] + flip(mac, 0), now, ErrTokenSignature},
		{"tampered mac, last char", good[:len(good)-1] + flip(mac, 42)[42:], now, ErrTokenSignature},
		{"raised max height", strings.Replace(good, "-720-", "-2160-", 1), now, ErrTokenSignature},
		{"lifted max height", strings.Replace(good, "-720-", "-0-", 1), now, ErrTokenSignature},
		{"other video", strings.Replace(good, "-42-", "-43-", 1), now, ErrTokenSignature},
		{"other session", "6" + good[1:], now, ErrTokenSignature},
		{"later expiry", strings.Join([]string{fields[0], fields[1], fields[2], fields[3] + "0", mac}, "-"), now, ErrTokenSignature},
		{"other key", other.Sign(Grant{SessionID: 5, VideoID: 42, MaxHeight: 720, Expires: now.Add(time.Hour)}), now, ErrTokenSignature},
		{"expired exactly", good, now.Add(time.Hour), ErrTokenExpired},
		{"expired long ago", good, now.Add(48 * time.Hour), ErrTokenExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, err := s.Verify(tc.token, tc.now)
			require.ErrorIs(t, err, tc.want)
			require.Zero(t, g)
		})
	}
}
