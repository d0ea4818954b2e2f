package server

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/gorilla/websocket"
)

// gorillaWS plugs gorilla/websocket into gqlgen's websocket transport.
type gorillaWS struct {
	upgrader websocket.Upgrader
}

// newGorillaWS accepts upgrades from the server's own origin, the public URL's origin
// and the configured extra origins. Requests without an Origin header are not from a
// browser, so cross-site hijacking does not apply to them and they are accepted.
func newGorillaWS(publicURL string, allowed []string) *gorillaWS {
	origins := slices.Clone(allowed)
	if publicURL != "" {
		if u, err := url.Parse(publicURL); err == nil {
			origins = append(origins, u.Scheme+"://"+u.Host)
		}
	}
	return &gorillaWS{upgrader: websocket.Upgrader{
		HandshakeTimeout: 10 * time.Second,
		// GraphQL messages are small and most sockets idle between heartbeats: a small read
		// buffer, and write buffers borrowed from a pool only while writing, keep a held
		// connection cheap (see BENCHMARKS.md, heartbeats).
		ReadBufferSize:  1024,
		WriteBufferSize: 4096,
		WriteBufferPool: &sync.Pool{},
		CheckOrigin: func(r *http.Request) bool {
			return originAllowed(r, origins)
		},
	}}
}

func originAllowed(r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	origin = strings.ToLower(u.Scheme + "://" + u.Host)
	for _, a := range allowed {
		if strings.EqualFold(a, origin) {
			return true
		}
	}
	return false
}

// Accept implements transport.WebsocketImplementation.
func (g *gorillaWS) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	up := g.upgrader
	up.Subprotocols = o.Subprotocols
	c, err := up.Upgrade(w, r, o.ResponseHeader)
	if err != nil {
		return nil, err
	}
	return &gorillaConn{c: c}, nil
}

type gorillaConn struct{ c *websocket.Conn }

func (g *gorillaConn) Close() error { return g.c.Close() }

func (g *gorillaConn) NextReader() (int, io.Reader, error) {
	t, r, err := g.c.NextReader()
	var ce *websocket.CloseError
	if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
		return t, nil, transport.ErrWebsocketClosed
	}
	return t, r, err
}

func (g *gorillaConn) WriteJSON(v any) error {
	_ = g.c.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return g.c.WriteJSON(v)
}

func (g *gorillaConn) WriteClose(code int, msg string) error {
	return g.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, msg), time.Now().Add(time.Second))
}

func (g *gorillaConn) Subprotocol() string { return g.c.Subprotocol() }

func (g *gorillaConn) SetReadLimit(n int64) { g.c.SetReadLimit(n) }

func (g *gorillaConn) SetReadDeadline(t time.Time) error { return g.c.SetReadDeadline(t) }

var (
	_ transport.WebsocketImplementation = (*gorillaWS)(nil)
	_ transport.WebsocketReadLimiter    = (*gorillaConn)(nil)
	_ transport.WebsocketReadDeadliner  = (*gorillaConn)(nil)
)
