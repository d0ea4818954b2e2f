package server_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/marquee-org/marquee/internal/auth"
)

type wsMsg struct {
	ID      string         `json:"id,omitempty"`
	Type    string         `json:"type"`
	Payload map[string]any `json:"payload,omitempty"`
}

func (e *env) dial(h http.Header) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 5 * time.Second}
	return d.Dial("ws"+strings.TrimPrefix(e.http.URL, "http")+"/graphql", h)
}

// open dials, sends connection_init with payload and returns the socket after the ack.
func (e *env) open(h http.Header, payload map[string]any) *websocket.Conn {
	e.t.Helper()
	c, _, err := e.dial(h)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = c.Close() })
	require.NoError(e.t, c.WriteJSON(wsMsg{Type: "connection_init", Payload: payload}))
	require.Equal(e.t, "connection_ack", e.next(c).Type)
	return c
}

// next reads the next message that is not a keep-alive ping.
func (e *env) next(c *websocket.Conn) wsMsg {
	e.t.Helper()
	for {
		require.NoError(e.t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
		var m wsMsg
		require.NoError(e.t, c.ReadJSON(&m))
		if m.Type != "ping" && m.Type != "pong" {
			return m
		}
	}
}

// me runs `me { email }` over the socket and returns the email, or nil.
func (e *env) wsMe(c *websocket.Conn) any {
	e.t.Helper()
	require.NoError(e.t, c.WriteJSON(wsMsg{ID: "1", Type: "subscribe", Payload: map[string]any{"query": "{ me { email } }"}}))
	m := e.next(c)
	require.Equal(e.t, "next", m.Type, "%+v", m)
	require.Equal(e.t, "complete", e.next(c).Type)
	me := m.Payload["data"].(map[string]any)["me"]
	if me == nil {
		return nil
	}
	return me.(map[string]any)["email"]
}

// closed waits for the server to close the socket and returns the close code.
func closed(t *testing.T, c *websocket.Conn) int {
	t.Helper()
	require.NoError(t, c.SetReadDeadline(time.Now().Add(10*time.Second)))
	for {
		_, _, err := c.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		var ne interface{ Timeout() bool }
		require.False(t, errors.As(err, &ne) && ne.Timeout(), "the socket stayed open: %v", err)
		return -1
	}
}

func TestWebsocketRefusesForeignOrigin(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		_, res, err := e.dial(http.Header{"Origin": {"https://evil.example"}})
		require.Error(t, err)
		require.NotNil(t, res)
		require.Equal(t, http.StatusForbidden, res.StatusCode)

		c := e.open(http.Header{"Origin": {e.http.URL}}, nil)
		require.Nil(t, e.wsMe(c), "same-origin anonymous socket works")
	})
}

func TestWebsocketAuthAndLogoutClosesIt(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		token, _ := e.signup(nil, "ws@example.com")

		byPayload := e.open(nil, map[string]any{"authorization": "Bearer " + token})
		require.Equal(t, "ws@example.com", e.wsMe(byPayload))
		byCookie := e.open(http.Header{"Cookie": {auth.CookieName + "=" + token}}, nil)
		require.Equal(t, "ws@example.com", e.wsMe(byCookie))

		other, _ := e.signup(nil, "other@example.com")
		bystander := e.open(nil, map[string]any{"authorization": "Bearer " + other})

		r := e.gql(nil, `mutation { logout }`, nil, bearer(token))
		require.Equal(t, true, r.Data["logout"], r.Raw)

		require.NotEqual(t, -1, closed(t, byPayload), "logout closes the session's sockets")
		require.NotEqual(t, -1, closed(t, byCookie))
		require.Equal(t, "other@example.com", e.wsMe(bystander), "other sessions keep theirs")

		// Replaying the dead token on a new socket is refused at connection_init.
		c, _, err := e.dial(nil)
		require.NoError(t, err)
		defer c.Close()
		require.NoError(t, c.WriteJSON(wsMsg{Type: "connection_init", Payload: map[string]any{"authorization": "Bearer " + token}}))
		require.Equal(t, 4403, closed(t, c))
	})
}

func TestWebsocketRejectsGarbledToken(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		for _, a := range []string{"Bearer nope", "Token abc", "Bearer"} {
			c, _, err := e.dial(nil)
			require.NoError(t, err)
			require.NoError(t, c.WriteJSON(wsMsg{Type: "connection_init", Payload: map[string]any{"authorization": a}}))
			require.Equal(t, 4403, closed(t, c), a)
			_ = c.Close()
		}
	})
}

func TestShutdownClosesSockets(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		c := e.open(nil, nil)
		e.srv.CloseSockets()
		require.NotEqual(t, -1, closed(t, c))
	})
}

// TestLogoutBeforeConnectionInitRefusesTheSocket: a socket whose upgrade carried the cookie
// of a session that logs out before its connection_init is refused, not left with a viewer.
func TestLogoutBeforeConnectionInitRefusesTheSocket(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, e *env) {
		token, _ := e.signup(nil, "late@example.com")
		c, _, err := e.dial(http.Header{"Cookie": {auth.CookieName + "=" + token}})
		require.NoError(t, err)
		defer c.Close()
		r := e.gql(nil, `mutation { logout }`, nil, bearer(token))
		require.Equal(t, true, r.Data["logout"], r.Raw)

		require.NoError(t, c.WriteJSON(wsMsg{Type: "connection_init"}))
		require.Equal(t, 4403, closed(t, c))
	})
}
