package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader is the header that carries a delivery's signature.
const SignatureHeader = "Marquee-Signature"

// ReplayWindow is how old a signature's timestamp may be before receivers should refuse it.
const ReplayWindow = 5 * time.Minute

var (
	// ErrBadSignature: the header is malformed, or none of its signatures matches.
	ErrBadSignature = errors.New("invalid webhook signature")
	// ErrStale: the signature matches but its timestamp is outside ReplayWindow, so the
	// delivery may be a replay.
	ErrStale = errors.New("webhook signature timestamp is outside the replay window")
)

// Sign returns the header value for body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(signature(secret, ts, body))
}

// signature MACs the timestamp exactly as it appears in the header, so that a receiver
// never has to re-format it to check it.
func signature(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a header value made by Sign against body. Several v1 entries may be
// present, so that a sender can sign with an old and a new secret while they rotate; any
// match passes. Entries with other keys are ignored, leaving room for later schemes. The
// signature is checked before the timestamp: ErrStale means the delivery is authentic
// but too old (or too far in the future) to accept.
func Verify(secret, header string, body []byte, now time.Time) error {
	var (
		ts   string
		sigs [][]byte
	)
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return fmt.Errorf("%w: %q is not key=value", ErrBadSignature, part)
		}
		switch k {
		case "t":
			if ts != "" {
				return fmt.Errorf("%w: more than one timestamp", ErrBadSignature)
			}
			if !allDigits(v) {
				return fmt.Errorf("%w: timestamp %q is not a number", ErrBadSignature, v)
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) != sha256.Size {
				return fmt.Errorf("%w: v1 is not a hex SHA-256 MAC", ErrBadSignature)
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" {
		return fmt.Errorf("%w: no timestamp", ErrBadSignature)
	}
	if len(sigs) == 0 {
		return fmt.Errorf("%w: no v1 signature", ErrBadSignature)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: timestamp %q is out of range", ErrBadSignature, ts)
	}

	want := signature(secret, ts, body)
	matched := false
	for _, sig := range sigs {
		// Compare every entry, not just up to the first match, so the time taken does
		// not say which one matched.
		if hmac.Equal(sig, want) {
			matched = true
		}
	}
	if !matched {
		return ErrBadSignature
	}
	switch age := now.Sub(time.Unix(sec, 0)); {
	case age > ReplayWindow:
		return fmt.Errorf("%w: signed %s ago", ErrStale, age.Round(time.Second))
	case age < -ReplayWindow:
		return fmt.Errorf("%w: signed %s in the future", ErrStale, age.Abs().Round(time.Second))
	}
	return nil
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
