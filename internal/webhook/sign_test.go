package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const signTestSecret = "whsec_test_0123456789"

var signTestBody = []byte(`{"id":"evt_1","type":"title.created"}`)

func TestSignKnownVector(t *testing.T) {
	t.Parallel()
	at := time.Unix(1700000000, 0)

	// The MAC as a receiver in any language would compute it, without Sign.
	m := hmac.New(sha256.New, []byte(signTestSecret))
	m.Write([]byte("1700000000." + string(signTestBody)))
	mac := hex.EncodeToString(m.Sum(nil))
	// And as `openssl dgst -sha256 -hmac` printed it, so the test does not only agree with itself.
	require.Equal(t, "87f502981fa7d143354b0b696ca21639832bcddf49471b3d6bc7270ccec5dc15", mac)

	require.Equal(t, "t=1700000000,v1="+mac, Sign(signTestSecret, at, signTestBody))
	require.NoError(t, Verify(signTestSecret, "t=1700000000,v1="+mac, signTestBody, at.Add(time.Minute)))
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	now := time.Now()
	for _, body := range [][]byte{signTestBody, nil, []byte("t=1,v1=00\n.,")} {
		require.NoError(t, Verify(signTestSecret, Sign(signTestSecret, now, body), body, now), "%q", body)
	}
	// Sub-second parts of the send time are not signed and do not matter.
	at := time.Unix(1700000000, 999_999_999)
	require.NoError(t, Verify(signTestSecret, Sign(signTestSecret, at, signTestBody), signTestBody, at))
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	header := Sign(signTestSecret, now, signTestBody)

	t.Run("tampered body", func(t *testing.T) {
		t.Parallel()
		tampered := []byte(strings.Replace(string(signTestBody), "evt_1", "evt_2", 1))
		require.ErrorIs(t, Verify(signTestSecret, header, tampered, now), ErrBadSignature)
	})
	t.Run("wrong secret", func(t *testing.T) {
		t.Parallel()
		require.ErrorIs(t, Verify("whsec_another_secret", header, signTestBody, now), ErrBadSignature)
	})
	t.Run("timestamp changed after signing", func(t *testing.T) {
		t.Parallel()
		moved := strings.Replace(header, "t=1700000000", "t=1700000060", 1)
		require.ErrorIs(t, Verify(signTestSecret, moved, signTestBody, now), ErrBadSignature)
	})
}

func TestVerifyReplayWindow(t *testing.T) {
	t.Parallel()
	signed := time.Unix(1700000000, 0)
	header := Sign(signTestSecret, signed, signTestBody)
	for _, tc := range []struct {
		name string
		now  time.Time
		err  error
	}{
		{"just signed", signed, nil},
		{"at the edge, late", signed.Add(ReplayWindow), nil},
		{"at the edge, early", signed.Add(-ReplayWindow), nil},
		{"stale", signed.Add(ReplayWindow + time.Second), ErrStale},
		{"from the future", signed.Add(-ReplayWindow - time.Second), ErrStale},
		{"long ago", signed.Add(24 * time.Hour), ErrStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Verify(signTestSecret, header, signTestBody, tc.now)
			if tc.err == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.err)
			require.NotErrorIs(t, err, ErrBadSignature)
		})
	}
	// A stale timestamp on a forged signature is still a bad signature: ErrStale means
	// authentic but old.
	forged := Sign("whsec_another_secret", signed, signTestBody)
	require.ErrorIs(t, Verify(signTestSecret, forged, signTestBody, signed.Add(time.Hour)), ErrBadSignature)
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := strings.TrimPrefix(Sign(signTestSecret, now, signTestBody), "t="+ts+",v1=")
	require.Len(t, good, 64)

	// A timestamp that only a holder of the secret could sign, but not as Sign writes it.
	m := hmac.New(sha256.New, []byte(signTestSecret))
	m.Write([]byte("+" + ts + "." + string(signTestBody)))
	plusSigned := hex.EncodeToString(m.Sum(nil))

	for _, tc := range []struct{ name, header, msg string }{
		{"empty", "", ""},
		{"no timestamp", "v1=" + good, "no timestamp"},
		{"empty timestamp", "t=,v1=" + good, "not a number"},
		{"non-numeric timestamp", "t=soon,v1=" + good, "not a number"},
		{"signed timestamp", "t=+" + ts + ",v1=" + plusSigned, "not a number"},
		{"negative timestamp", "t=-" + ts + ",v1=" + good, "not a number"},
		{"timestamp out of range", "t=99999999999999999999,v1=" + good, "out of range"},
		{"two timestamps", "t=" + ts + ",t=" + ts + ",v1=" + good, "more than one timestamp"},
		{"no v1", "t=" + ts, "no v1"},
		{"only another scheme", "t=" + ts + ",v0=" + good, "no v1"},
		{"non-hex v1", "t=" + ts + ",v1=" + strings.Repeat("zz", 32), "not a hex SHA-256 MAC"},
		{"short v1", "t=" + ts + ",v1=" + good[:62], "not a hex SHA-256 MAC"},
		{"empty v1", "t=" + ts + ",v1=", "not a hex SHA-256 MAC"},
		{"not key=value", "t=" + ts + ",v1=" + good + ",garbage", "not key=value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := Verify(signTestSecret, tc.header, signTestBody, now)
			require.ErrorIs(t, err, ErrBadSignature)
			require.NotErrorIs(t, err, ErrStale)
			require.ErrorContains(t, err, tc.msg)
		})
	}

	// The same pieces, well formed, pass: the cases above fail for their flaw alone.
	require.NoError(t, Verify(signTestSecret, "t="+ts+",v1="+good, signTestBody, now))
	require.NoError(t, Verify(signTestSecret, " t="+ts+", v0=ab, v1="+good, signTestBody, now))
}

func TestVerifyRotation(t *testing.T) {
	t.Parallel()
	now := time.Unix(1700000000, 0)
	oldSig := strings.Split(Sign("whsec_old_secret_0000", now, signTestBody), ",")
	newSig := strings.Split(Sign(signTestSecret, now, signTestBody), ",")
	header := strings.Join([]string{oldSig[0], oldSig[1], newSig[1]}, ",")

	require.NoError(t, Verify(signTestSecret, header, signTestBody, now), "the second v1 matches")
	require.NoError(t, Verify("whsec_old_secret_0000", header, signTestBody, now), "the first v1 matches")
	require.ErrorIs(t, Verify("whsec_third_secret_000", header, signTestBody, now), ErrBadSignature)
}
