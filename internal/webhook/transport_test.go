package webhook

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// countingReceiver is a receiver on a real socket that counts the requests its handler gets.
type countingReceiver struct {
	*httptest.Server
	hits atomic.Int32
}

// startReceiver serves h on a new listener on addr ("127.0.0.1:0", "[::1]:0").
func startReceiver(t *testing.T, addr string, h http.HandlerFunc) *countingReceiver {
	t.Helper()
	l, err := net.Listen("tcp", addr)
	require.NoError(t, err)
	r := &countingReceiver{}
	r.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.hits.Add(1)
		if h != nil {
			h(w, req)
		}
	}))
	_ = r.Listener.Close()
	r.Listener = l
	r.Start()
	t.Cleanup(r.Close)
	return r
}

// loopbackPolicy lets tests reach their receivers on 127.0.0.1, and nothing else internal.
func loopbackPolicy() Policy {
	return Policy{AllowHTTP: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}
}

func postDelivery(t *testing.T, c *http.Client, target string) (*http.Response, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, target, strings.NewReader(`{"id":"evt_1"}`))
	require.NoError(t, err)
	resp, err := c.Do(req)
	if resp != nil {
		t.Cleanup(func() { _ = resp.Body.Close() })
	}
	return resp, err
}

func withHost(t *testing.T, raw, host string) string {
	t.Helper()
	u, err := url.Parse(raw)
	require.NoError(t, err)
	u.Host = net.JoinHostPort(host, u.Port())
	return u.String()
}

func TestClientRefusesInternalAddresses(t *testing.T) {
	t.Parallel()
	v4 := startReceiver(t, "127.0.0.1:0", nil)
	var v6 *countingReceiver
	if l, err := net.Listen("tcp", "[::1]:0"); err == nil {
		_ = l.Close()
		v6 = startReceiver(t, "[::1]:0", nil)
	}

	for _, tc := range []struct {
		name, url, why string
		receiver       *countingReceiver
	}{
		{"loopback", v4.URL, "127.0.0.1 is a loopback address", v4},
		// The name resolves to loopback: it can only be refused when the address is dialled.
		{"localhost", withHost(t, v4.URL, "localhost"), "loopback", v4},
		{"IPv4-mapped loopback", withHost(t, v4.URL, "::ffff:127.0.0.1"), "loopback", v4},
		{"IPv6 loopback", "", "::1 is a loopback address", v6},
		// Nothing listens there: a dial that got as far as the network would time out or
		// be unreachable, not be refused.
		{"private", "http://10.0.0.1:81/hooks", "10.0.0.1 is a private address", nil},
		{"metadata", "http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			target := tc.url
			if tc.name == "IPv6 loopback" {
				if v6 == nil {
					t.Skip("no IPv6 loopback here")
				}
				target = v6.URL
			}
			// The production timeout: a refusal that came from the network rather than
			// from the dial check would be a timeout or a network error, not ErrRefusedAddress.
			resp, err := postDelivery(t, Policy{AllowHTTP: true}.Client(5*time.Second), target)
			require.Error(t, err)
			require.Nil(t, resp)
			require.ErrorIs(t, err, ErrRefusedAddress)
			require.Contains(t, err.Error(), tc.why)
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			require.False(t, ne.Timeout(), "refused at once, not timed out: %v", err)
			if tc.receiver != nil {
				require.Zero(t, tc.receiver.hits.Load(), "the receiver was reached")
			}
		})
	}
}

func TestClientReachesAllowedReceiver(t *testing.T) {
	t.Parallel()
	var got atomic.Value
	rc := startReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(string(b))
		w.WriteHeader(http.StatusNoContent)
	})

	allow := loopbackPolicy().Allow
	c := Policy{Allow: allow}.Client(5 * time.Second)
	// The client keeps the rule it was made with, whatever becomes of the caller's slice.
	allow[0] = netip.MustParsePrefix("10.0.0.0/8")

	for _, target := range []string{rc.URL + "/hooks", withHost(t, rc.URL, "localhost") + "/hooks"} {
		got.Store("")
		resp, err := postDelivery(t, c, target)
		require.NoError(t, err, target)
		require.Equal(t, http.StatusNoContent, resp.StatusCode)
		require.Equal(t, `{"id":"evt_1"}`, got.Load())
	}
	require.EqualValues(t, 2, rc.hits.Load())

	// The same receiver, without the allowance, is refused.
	_, err := postDelivery(t, Policy{AllowHTTP: true}.Client(5*time.Second), rc.URL)
	require.ErrorIs(t, err, ErrRefusedAddress)
	require.EqualValues(t, 2, rc.hits.Load())
}

func TestClientDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	inside := startReceiver(t, "127.0.0.1:0", nil)
	bouncer := startReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inside.URL+"/admin", http.StatusFound)
	})

	resp, err := postDelivery(t, loopbackPolicy().Client(5*time.Second), bouncer.URL)
	require.NoError(t, err)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, inside.URL+"/admin", resp.Header.Get("Location"))
	require.EqualValues(t, 1, bouncer.hits.Load())
	require.Zero(t, inside.hits.Load(), "the redirect was followed")
}

func TestClientTimesOut(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	rc := startReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	// Cleanups run last first: the handler is released before the server waits for it.
	t.Cleanup(func() { close(release) })

	// A backstop, so that a client without a timeout fails the test instead of hanging it;
	// its expiry reads "context deadline exceeded", not the client's own message.
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rc.URL, strings.NewReader(`{"id":"evt_1"}`))
	require.NoError(t, err)
	resp, err := loopbackPolicy().Client(300 * time.Millisecond).Do(req)
	if resp != nil {
		_ = resp.Body.Close()
	}
	require.Error(t, err)
	var ne net.Error
	require.ErrorAs(t, err, &ne)
	require.True(t, ne.Timeout(), "want a timeout, got %v", err)
	require.ErrorContains(t, err, "Client.Timeout exceeded")
	require.NotErrorIs(t, err, ErrRefusedAddress)
}

func TestClientLimitsResponseHeaders(t *testing.T) {
	t.Parallel()
	rc := startReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Padding", strings.Repeat("a", 100<<10))
	})
	_, err := postDelivery(t, loopbackPolicy().Client(5*time.Second), rc.URL)
	require.ErrorContains(t, err, "header")

	small := startReceiver(t, "127.0.0.1:0", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Padding", strings.Repeat("a", 10<<10))
	})
	resp, err := postDelivery(t, loopbackPolicy().Client(5*time.Second), small.URL)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
}

func TestClientUsesNoProxy(t *testing.T) {
	t.Parallel()
	// HTTP_PROXY is read once per process, so it cannot be set for one parallel test; the
	// transport's Proxy is what decides.
	tr, ok := Policy{}.Client(time.Second).Transport.(*http.Transport)
	require.True(t, ok)
	require.Nil(t, tr.Proxy)
}

func TestPolicyCheckURL(t *testing.T) {
	t.Parallel()
	strict := Policy{}
	plain := Policy{AllowHTTP: true}
	internal := Policy{Allow: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}
	for _, tc := range []struct {
		p   Policy
		url string
		err string // a part of the message; "" when the URL is accepted
	}{
		{strict, "https://hooks.example.com/marquee", ""},
		{strict, "HTTPS://Hooks.Example.com:8443/marquee?source=marquee", ""},
		// Accepted without a DNS lookup: this name resolves nowhere.
		{strict, "https://hooks.does-not-exist.invalid/", ""},
		{strict, "https://localhost/hooks", ""},
		{strict, "https://93.184.216.34/hooks", ""},
		{strict, "https://[2606:4700::1111]:8443/hooks", ""},
		{plain, "http://hooks.example.com/", ""},
		{internal, "https://10.1.2.3/hooks", ""},
		{Policy{AllowHTTP: true, Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}, "http://127.0.0.1:8080/hooks", ""},

		{strict, "http://hooks.example.com/", "webhook URLs must use https"},
		{strict, "ftp://hooks.example.com/", "webhook URLs must use https"},
		{plain, "ftp://hooks.example.com/", "https or http"},
		{strict, "not a url", "absolute"},
		{strict, "//hooks.example.com/", "absolute"},
		{strict, "https://%zz/", "not a valid URL"},
		{strict, "https:///hooks", "need a host"},
		{strict, "https://:443/hooks", "need a host"},
		{strict, "https:hooks.example.com", "need a host"},
		{strict, "https://user:pass@hooks.example.com/", "user name or password"},
		{strict, "https://user@hooks.example.com/", "user name or password"},
		{strict, "https://hooks.example.com/#top", "fragment"},
		{strict, "https://hooks.example.com/#", "fragment"},
		{strict, "https://hooks.example.com:0/", "port"},
		{strict, "https://hooks.example.com:70000/", "port"},
		{strict, "https://2130706433/", "not a valid host name"},
		{strict, "https://127.1/", "not a valid host name"},
		{strict, "https://0x7f.0.0.1/", "not a valid host name"},
		{strict, "https://127.0.0.1/hooks", "127.0.0.1 is a loopback address; deliveries there are refused"},
		{strict, "https://10.1.2.3/hooks", "10.1.2.3 is a private address"},
		{strict, "https://192.168.1.10/hooks", "192.168.1.10 is a private address"},
		{strict, "https://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address (the cloud metadata service)"},
		{strict, "https://0.0.0.0/", "0.0.0.0 is an unspecified address"},
		{strict, "https://[::1]/hooks", "::1 is a loopback address"},
		{strict, "https://[::ffff:127.0.0.1]/hooks", "loopback"},
		{strict, "https://[fe80::1%25eth0]/hooks", "link-local"},
		{internal, "https://127.0.0.1/hooks", "loopback"},
	} {
		err := tc.p.CheckURL(tc.url)
		if tc.err == "" {
			require.NoError(t, err, tc.url)
			continue
		}
		require.ErrorContains(t, err, tc.err, tc.url)
		msg := err.Error()
		require.Equal(t, strings.ToLower(msg[:1]), msg[:1], "messages start in lower case: %q", msg)
	}

	// An IP literal is refused with the address check's error.
	require.ErrorIs(t, strict.CheckURL("https://10.0.0.1/"), ErrRefusedAddress)
	require.NotErrorIs(t, strict.CheckURL("http://example.com/"), ErrRefusedAddress)
}

func TestPolicyAllowed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ip  string
		why string // "" when allowed
	}{
		{"93.184.216.34", ""},
		{"8.8.8.8", ""},
		{"2606:4700::1111", ""},
		{"2001:4860:4860::8888", ""},
		{"::ffff:93.184.216.34", ""},
		{"172.32.0.1", ""},
		{"100.128.0.1", ""},
		{"198.20.0.1", ""},
		{"64:ff9b::5db8:d822", ""}, // NAT64 for 93.184.216.34
		{"2002:5db8:d822::1", ""},  // 6to4 for 93.184.216.34

		{"0.0.0.0", "an unspecified address"},
		{"::", "an unspecified address"},
		{"0.1.2.3", `"this network"`},
		{"127.0.0.1", "a loopback address"},
		{"127.255.255.254", "a loopback address"},
		{"::1", "a loopback address"},
		{"::ffff:127.0.0.1", "a loopback address"},
		{"10.0.0.1", "a private address"},
		{"10.255.255.255", "a private address"},
		{"172.16.0.1", "a private address"},
		{"172.31.255.255", "a private address"},
		{"192.168.1.1", "a private address"},
		{"::ffff:10.1.2.3", "a private address"},
		{"fc00::1", "a private address"},
		{"fd12:3456::1", "a private address"},
		{"169.254.169.254", "the cloud metadata service"},
		{"::ffff:169.254.169.254", "the cloud metadata service"},
		{"169.254.1.1", "a link-local address"},
		{"fe80::1", "a link-local address"},
		{"fe80::1%eth0", "a link-local address"},
		{"fec0::1", "a site-local address"},
		{"224.0.0.1", "a link-local multicast address"},
		{"ff02::1", "a link-local multicast address"},
		{"ff01::1", "an interface-local multicast address"},
		{"239.1.2.3", "a multicast address"},
		{"ff05::1:3", "a multicast address"},
		{"100.64.0.1", "a carrier-grade NAT address"},
		{"100.127.255.255", "a carrier-grade NAT address"},
		{"192.0.0.8", "a reserved IETF protocol address"},
		{"198.18.0.1", "a benchmarking address"},
		{"198.19.255.255", "a benchmarking address"},
		{"240.0.0.1", "a reserved address"},
		{"255.255.255.255", "the broadcast address"},
		{"::7f00:1", "an IPv4-compatible address"},
		{"100::1", "a discard-only address"},
		{"64:ff9b::a00:1", "a NAT64 address for 10.0.0.1, a private address"},
		{"64:ff9b::a9fe:a9fe", "a NAT64 address for 169.254.169.254, a link-local address"},
		{"64:ff9b::7f00:1", "a NAT64 address for 127.0.0.1, a loopback address"},
		{"64:ff9b:1::a00:1", "a local-use NAT64 address"},
		{"2002:7f00:1::1", "a 6to4 address for 127.0.0.1, a loopback address"},
		{"2002:c0a8:101::1", "a 6to4 address for 192.168.1.1, a private address"},
	} {
		ip := netip.MustParseAddr(tc.ip)
		err := Policy{}.Allowed(ip)
		if tc.why == "" {
			require.NoError(t, err, tc.ip)
			continue
		}
		require.ErrorIs(t, err, ErrRefusedAddress, tc.ip)
		require.ErrorContains(t, err, tc.why, tc.ip)
		require.True(t, strings.HasPrefix(err.Error(), tc.ip+" is "), "the message names the address: %q", err)
	}
	require.ErrorIs(t, Policy{}.Allowed(netip.Addr{}), ErrRefusedAddress)
}

func TestPolicyAllowedHonoursAllow(t *testing.T) {
	t.Parallel()
	p := Policy{Allow: []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("127.0.0.1/32"),
		netip.MustParsePrefix("::ffff:192.168.0.0/120"), // 192.168.0.0/24, written mapped
		netip.MustParsePrefix("fd00::/8"),
	}}
	for _, ip := range []string{
		"10.1.2.3", "::ffff:10.1.2.3", "127.0.0.1", "192.168.0.5", "fd00::2",
		"64:ff9b::a00:1", // NAT64 for 10.0.0.1
		"8.8.8.8",
	} {
		require.NoError(t, p.Allowed(netip.MustParseAddr(ip)), ip)
	}
	for _, ip := range []string{"127.0.0.2", "192.168.1.5", "172.16.0.1", "169.254.169.254", "fc00::1", "::1"} {
		require.ErrorIs(t, p.Allowed(netip.MustParseAddr(ip)), ErrRefusedAddress, ip)
	}
}

func TestRefusedAddressErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	// Callers stop retrying on a refusal; a network failure must not look like one.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String() + "/"
	require.NoError(t, l.Close())

	_, err = postDelivery(t, loopbackPolicy().Client(5*time.Second), closed)
	require.Error(t, err)
	require.False(t, errors.Is(err, ErrRefusedAddress), "%v", err)
	// Without the allowance, the same address is refused before the network has a say.
	_, err = postDelivery(t, Policy{AllowHTTP: true}.Client(5*time.Second), closed)
	require.ErrorIs(t, err, ErrRefusedAddress)
}
