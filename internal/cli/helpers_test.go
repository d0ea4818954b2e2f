package cli

import (
	"net"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// nextMsg reads the next graphql-transport-ws message that is not a keep-alive: a ping is
// answered with a pong, as the graphql-ws client does, and a pong is skipped. A reader that
// took a ping for the message it waited for failed on a busy machine.
func nextMsg(ws *websocket.Conn) (map[string]any, error) {
	for {
		var msg map[string]any
		if err := ws.ReadJSON(&msg); err != nil {
			return nil, err
		}
		switch msg["type"] {
		case "ping":
			if err := ws.WriteJSON(map[string]any{"type": "pong"}); err != nil {
				return nil, err
			}
		case "pong":
		default:
			return msg, nil
		}
	}
}
