package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/internal/apperr"
)

// LoginSession is one signed-in device of the account.
type LoginSession struct {
	ID         int
	Device     string
	IP         string
	CreatedAt  time.Time
	LastUsedAt time.Time
	Current    bool
}

// Sessions lists the account's live sessions, the most recently used first.
func (s *Service) Sessions(ctx context.Context, v *Viewer) ([]*LoginSession, error) {
	now := s.now()
	rows, err := s.client.Session.Query().
		Where(session.UserID(v.User.ID), session.ExpiresAtGT(now), session.LastSeenAtGT(now.Add(-s.idle))).
		Order(ent.Desc(session.FieldLastSeenAt), ent.Desc(session.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]*LoginSession, len(rows))
	for i, r := range rows {
		out[i] = &LoginSession{ID: r.ID, Device: DeviceName(r.UserAgent), IP: r.IP,
			CreatedAt: r.CreatedAt, LastUsedAt: r.LastSeenAt, Current: r.ID == v.SessionID}
	}
	return out, nil
}

// RevokeSession signs one of the account's sessions out; its websockets and streams close
// on every replica. Another account's session is NOT_FOUND.
func (s *Service) RevokeSession(ctx context.Context, v *Viewer, id int) error {
	n, err := s.client.Session.Delete().Where(session.ID(id), session.UserID(v.User.ID)).Exec(ctx)
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	if n == 0 {
		return apperr.New(apperr.NotFound, "No such session.")
	}
	s.revoked(ctx, id)
	return nil
}

// RevokeOtherSessions signs out every session of the account but this one and reports how
// many there were.
func (s *Service) RevokeOtherSessions(ctx context.Context, v *Viewer) (int, error) {
	ended, err := endSessions(ctx, s.client, v.User.ID, v.SessionID)
	if err != nil {
		return 0, err
	}
	for _, id := range ended {
		s.revoked(ctx, id)
	}
	return len(ended), nil
}

// DeviceName names the browser and system behind a user agent ("Firefox on Windows"), as
// far as the common ones go; anything else is "Unknown browser", or the API client's name.
func DeviceName(ua string) string {
	browser := firstMatch(ua, []token{
		{"Edg/", "Edge"}, {"EdgA/", "Edge"}, {"OPR/", "Opera"}, {"SamsungBrowser/", "Samsung Internet"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"}, {"CriOS/", "Chrome"}, {"Chromium/", "Chromium"},
		{"HeadlessChrome/", "Headless Chrome"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
	})
	system := firstMatch(ua, []token{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "ChromeOS"},
		{"Windows", "Windows"}, {"Mac OS X", "macOS"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
	})
	switch {
	case browser != "" && system != "":
		return browser + " on " + system
	case browser != "":
		return browser
	case system != "":
		return "Browser on " + system
	}
	// An API client names itself first: "curl/8.5.0", "Go-http-client/1.1".
	if name, _, _ := strings.Cut(ua, "/"); name != "" && !strings.ContainsAny(name, " ()") {
		return name
	}
	return "Unknown browser"
}

type token struct{ marker, name string }

func firstMatch(ua string, tokens []token) string {
	for _, t := range tokens {
		if strings.Contains(ua, t.marker) {
			return t.name
		}
	}
	return ""
}
