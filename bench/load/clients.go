//go:build linux

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// clientFrom is a keep-alive HTTP client whose connections leave from ip, a loopback
// address of its own, so that the server's per-address throttle sees several addresses.
func clientFrom(ip string, conns int) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{
		DialContext: d.DialContext, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, IdleConnTimeout: time.Minute,
	}}
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// post sends one GraphQL operation and returns the HTTP status, data and errors.
func post(client *http.Client, base, token, query string, vars map[string]any) (int, json.RawMessage, []gqlError, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, nil, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		return resp.StatusCode, nil, nil, fmt.Errorf("%s: %.200s", resp.Status, b)
	}
	return resp.StatusCode, out.Data, out.Errors, nil
}

// pace returns a function that sleeps so that its caller runs at rps (not at all when
// rps is 0) and reports whether there is time left before deadline.
func pace(rps float64, deadline time.Time) func() bool {
	next := time.Now()
	if rps > 0 {
		// Stagger the clients so that they do not fire in step.
		next = next.Add(time.Duration(mrand.Float64() * float64(time.Second) / rps))
	}
	return func() bool {
		if rps > 0 {
			if next.After(deadline) {
				return false
			}
			time.Sleep(time.Until(next))
			next = next.Add(time.Duration(float64(time.Second) / rps))
		}
		return time.Now().Before(deadline)
	}
}

const loginMutation = `mutation($e: String!, $p: String!) { login(input: {email: $e, password: $p}) { token user { id } } }`

// loginLoop logs into emails in turn until deadline: with the right password when right,
// else with a wrong one, rps times a second (back to back when 0).
func loginLoop(base string, client *http.Client, emails []string, right bool, rps float64, deadline time.Time, t *tally) {
	pw := password
	if !right {
		pw = "wrong horse battery"
	}
	more := pace(rps, deadline)
	for i := mrand.IntN(len(emails)); more(); i++ {
		began := time.Now()
		status, data, errs, err := post(client, base, "", loginMutation, map[string]any{"e": emails[i%len(emails)], "p": pw})
		took := time.Since(began)
		switch {
		case err != nil:
			t.fail("login: %v", err)
		case status >= 500:
			t.status5xx.Add(1)
			t.fail("login: HTTP %d %v", status, errs)
		case len(errs) > 0 && errs[0].Extensions.Code == "RATE_LIMITED":
			t.loginLimited.Add(1)
			if right {
				t.correctRefused.Add(1)
			}
		case len(errs) > 0 && errs[0].Extensions.Code == "INVALID_CREDENTIALS" && !right:
			t.loginInvalid.Add(1)
		case len(errs) > 0 || status != http.StatusOK:
			t.fail("login (right password %v): HTTP %d %v", right, status, errs)
		case !right:
			t.fail("login with a wrong password succeeded: %s", data)
		case !bytes.Contains(data, []byte(`"token":"`)):
			t.fail("login: no token in %s", data)
		default:
			t.loginOK.Add(1)
			t.record(&t.loginLat, took)
		}
	}
}

const progressMutation = `mutation($s: ID!, $p: Float!) { reportProgress(input: {sessionId: $s, positionSeconds: $p}) }`

// reportLoop reports progress every `every`, like a player, starting at a random point of
// the first interval; positions only grow, so the stored one may never be below the last
// acknowledged.
func reportLoop(base string, client *http.Client, s *sub, every time.Duration, deadline time.Time, t *tally) {
	first := time.Now().Add(time.Duration(mrand.Int64N(int64(every))))
	if first.After(deadline) {
		return
	}
	time.Sleep(time.Until(first))
	for k := 1; time.Now().Before(deadline); k++ {
		pos := 60 + 10*k
		began := time.Now()
		t.progressSent.Add(1)
		status, data, errs, err := post(client, base, s.token, progressMutation, map[string]any{"s": strconv.Itoa(s.sessionID), "p": pos})
		switch {
		case err != nil:
			t.fail("reportProgress: %v", err)
		case status >= 500:
			t.status5xx.Add(1)
			t.fail("reportProgress: HTTP %d %v", status, errs)
		case len(errs) > 0 || status != http.StatusOK || !bytes.Contains(data, []byte(`true`)):
			t.fail("reportProgress: HTTP %d %v %s", status, errs, data)
		default:
			s.acked.Store(int64(pos))
			t.progressOK.Add(1)
			t.record(&t.progLat, time.Since(began))
		}
		next := began.Add(every)
		if next.After(deadline) {
			return
		}
		time.Sleep(time.Until(next))
	}
}

// segmentLoop plays like a player that never stalls: the master playlist, the rung's
// playlist (again every 10 requests, as a live player would), the init segment, then
// segments in turn, rps times a second.
func segmentLoop(base string, client *http.Client, manifest string, c config, deadline time.Time, t *tally) {
	dir := base + strings.TrimSuffix(manifest, "master.m3u8")
	get := func(url string, segment bool) {
		began := time.Now()
		resp, err := client.Get(url)
		if err != nil {
			t.fail("GET %s: %v", url, err)
			return
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch {
		case err != nil:
			t.fail("GET %s: %v", url, err)
		case resp.StatusCode >= 500:
			t.status5xx.Add(1)
			t.fail("GET %s: %s", url, resp.Status)
		case resp.StatusCode != http.StatusOK:
			t.fail("GET %s: %s", url, resp.Status)
		case segment && n != int64(c.segSize):
			t.fail("GET %s: %d bytes, want %d", url, n, c.segSize)
		case segment:
			t.segOK.Add(1)
			t.segBytes.Add(n)
			t.record(&t.segLat, time.Since(began))
		default:
			t.playlists.Add(1)
		}
	}
	more := pace(c.segRPS/float64(c.segClients), deadline)
	seg := mrand.IntN(c.segments)
	for i := 0; more(); i++ {
		switch {
		case i == 0:
			get(dir+"master.m3u8", false)
		case i%10 == 1:
			get(dir+"720p/index.m3u8", false)
		case i == 2:
			get(dir+"720p/init.mp4", false)
		default:
			seg = seg%c.segments + 1
			get(fmt.Sprintf("%s720p/seg_%05d.m4s", dir, seg), true)
		}
	}
}
