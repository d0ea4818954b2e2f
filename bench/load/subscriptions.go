//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// openAll opens one graphql-transport-ws connection per player, subscribed to its
// session's heartbeat, and reads them until they close.
func openAll(addr string, subs []*sub, t *tally, observing *atomic.Bool) ([]*websocket.Conn, error) {
	conns := make([]*websocket.Conn, len(subs))
	var failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i, s := range subs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := open(addr, s)
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			conns[i] = c
			go readBeats(c, s, t, observing)
		})
	}
	wg.Wait()
	fmt.Printf("opened %d subscriptions in %s\n", len(subs)-int(failed.Load()), time.Since(start).Round(time.Millisecond))
	if n := failed.Load(); n > 0 {
		return conns, fmt.Errorf("%d subscriptions failed to open, first: %v", n, firstErr.Load())
	}
	return conns, nil
}

func open(addr string, s *sub) (*websocket.Conn, error) {
	d := websocket.Dialer{Subprotocols: []string{"graphql-transport-ws"}, HandshakeTimeout: 30 * time.Second}
	c, _, err := d.Dial("ws://"+addr+"/graphql", nil)
	if err != nil {
		return nil, err
	}
	if err := c.WriteJSON(map[string]any{"type": "connection_init", "payload": map[string]any{"authorization": "Bearer " + s.token}}); err != nil {
		c.Close()
		return nil, err
	}
	var ack struct{ Type string }
	if err := c.ReadJSON(&ack); err != nil || ack.Type != "connection_ack" {
		c.Close()
		return nil, fmt.Errorf("no connection_ack (%q): %v", ack.Type, err)
	}
	err = c.WriteJSON(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
		"query":     `subscription($s: ID!) { playbackHeartbeat(sessionId: $s) { status activeStreams at } }`,
		"variables": map[string]any{"s": strconv.Itoa(s.sessionID)},
	}})
	if err != nil {
		c.Close()
	}
	return c, err
}

func readBeats(c *websocket.Conn, s *sub, t *tally, observing *atomic.Bool) {
	var last, lastAt time.Time
	for {
		var m struct {
			Type    string          `json:"type"`
			Payload json.RawMessage `json:"payload"`
		}
		if err := c.ReadJSON(&m); err != nil {
			if observing.Load() {
				t.dropped.Add(1)
				t.fail("session %d: websocket closed during the window: %v", s.sessionID, err)
			}
			return
		}
		switch m.Type {
		case "next":
		case "ping":
			_ = c.WriteJSON(map[string]string{"type": "pong"})
			continue
		case "pong", "ka":
			continue
		default:
			t.fail("session %d: %s %s", s.sessionID, m.Type, m.Payload)
			continue
		}
		now := time.Now()
		var beat struct {
			Data struct {
				PlaybackHeartbeat struct {
					Status string
					At     time.Time
				}
			}
			Errors json.RawMessage
		}
		if err := json.Unmarshal(m.Payload, &beat); err != nil || beat.Errors != nil {
			t.fail("session %d: heartbeat %s", s.sessionID, m.Payload)
			continue
		}
		hb := beat.Data.PlaybackHeartbeat
		if hb.Status != "ACTIVE" {
			t.notActive.Add(1)
		}
		if observing.Load() {
			t.beats.Add(1)
			s.beats.Add(1)
			s.first.CompareAndSwap(0, now.UnixNano())
			s.last.Store(now.UnixNano())
			if !last.IsZero() {
				t.record(&t.gaps, now.Sub(last))
				t.record(&t.atGaps, hb.At.Sub(lastAt))
			}
		}
		last, lastAt = now, hb.At
	}
}

func countNil(conns []*websocket.Conn) int {
	n := 0
	for _, c := range conns {
		if c == nil {
			n++
		}
	}
	return n
}
