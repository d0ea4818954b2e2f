package webhook

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Policy says where deliveries may go. Webhook URLs come from administrators, and a
// delivery must not become a way into the networks Marquee runs on: the zero Policy sends
// over https to public addresses only.
type Policy struct {
	// AllowHTTP permits http:// URLs; otherwise only https.
	AllowHTTP bool
	// Allow lists networks that are reachable even though they are private, loopback or
	// link-local (an operator's receivers on an internal network; tests on 127.0.0.1).
	Allow []netip.Prefix
}

// ErrRefusedAddress is wrapped by the errors of Allowed and CheckURL, and so by the client's
// dial errors, when an address is refused: callers can tell a refusal, which will not
// change on retry, from a network failure.
var ErrRefusedAddress = errors.New("address refused for webhook deliveries")

// refusedError names a refused address and why, in words for the administrator who
// registered the URL.
type refusedError struct {
	addr netip.Addr
	why  string
}

func (e *refusedError) Error() string {
	return e.addr.String() + " is " + e.why + "; deliveries there are refused"
}

func (e *refusedError) Unwrap() error { return ErrRefusedAddress }

// blocked holds the ranges deliveries may not reach unless Policy.Allow holds them. An
// address gets the reason of the first range that holds it, so narrower ranges come
// before the ranges they are part of. IPv4-mapped IPv6 addresses are unmapped before
// they are looked up, so the IPv4 ranges cover them.
var blocked = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/32"), "an unspecified address"},
	{netip.MustParsePrefix("0.0.0.0/8"), `a reserved "this network" address`},
	{netip.MustParsePrefix("127.0.0.0/8"), "a loopback address"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private address"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private address"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private address"},
	{netip.MustParsePrefix("100.64.0.0/10"), "a carrier-grade NAT address"},
	{netip.MustParsePrefix("169.254.169.254/32"), "a link-local address (the cloud metadata service)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "a link-local address"},
	{netip.MustParsePrefix("192.0.0.0/24"), "a reserved IETF protocol address"},
	{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking address"},
	{netip.MustParsePrefix("224.0.0.0/24"), "a link-local multicast address"},
	{netip.MustParsePrefix("224.0.0.0/4"), "a multicast address"},
	{netip.MustParsePrefix("255.255.255.255/32"), "the broadcast address"},
	{netip.MustParsePrefix("240.0.0.0/4"), "a reserved address"},

	{netip.MustParsePrefix("::/128"), "an unspecified address"},
	{netip.MustParsePrefix("::1/128"), "a loopback address"},
	// ::a.b.c.d, deprecated since 2006; some stacks still route it as IPv4.
	{netip.MustParsePrefix("::/96"), "an IPv4-compatible address"},
	{netip.MustParsePrefix("100::/64"), "a discard-only address"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "a local-use NAT64 address"},
	{netip.MustParsePrefix("fc00::/7"), "a private address"},
	{netip.MustParsePrefix("fe80::/10"), "a link-local address"},
	{netip.MustParsePrefix("fec0::/10"), "a site-local address"},
	{netip.MustParsePrefix("ff01::/16"), "an interface-local multicast address"},
	{netip.MustParsePrefix("ff02::/16"), "a link-local multicast address"},
	{netip.MustParsePrefix("ff00::/8"), "a multicast address"},
}

// IPv6 ranges that carry an IPv4 address to a translator or relay, which reaches that
// IPv4 address. They are judged by the address they carry: refusing them outright would
// cut off receivers from IPv6-only hosts behind DNS64, where every IPv4 host has one.
var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // address in the last 32 bits
	sixToFour = netip.MustParsePrefix("2002::/16")    // address in bits 16 to 48
)

// Allowed reports whether a connection to ip may be made, with the reason when not. The
// error wraps ErrRefusedAddress and its message names the address and the range it is in.
func (p Policy) Allowed(ip netip.Addr) error {
	if !ip.IsValid() {
		return fmt.Errorf("%w: no address", ErrRefusedAddress)
	}
	if why := p.refusal(ip); why != "" {
		return &refusedError{addr: ip, why: why}
	}
	return nil
}

// refusal says why ip is refused, or "" when it is not.
func (p Policy) refusal(ip netip.Addr) string {
	// A prefix never contains an address with a zone.
	ip = ip.Unmap().WithZone("")
	if p.allows(ip) {
		return ""
	}
	if ip.Is6() {
		b := ip.As16()
		var inner netip.Addr
		var via string
		switch {
		case nat64.Contains(ip):
			inner, via = netip.AddrFrom4([4]byte(b[12:16])), "a NAT64 address"
		case sixToFour.Contains(ip):
			inner, via = netip.AddrFrom4([4]byte(b[2:6])), "a 6to4 address"
		}
		if inner.IsValid() {
			if why := p.refusal(inner); why != "" {
				return via + " for " + inner.String() + ", " + why
			}
			return ""
		}
	}
	for _, r := range blocked {
		if r.prefix.Contains(ip) {
			return r.why
		}
	}
	return ""
}

// allows reports whether ip, unmapped, is in one of p.Allow. An allowed prefix written
// as IPv4-mapped IPv6 (::ffff:10.0.0.0/104) means the IPv4 network.
func (p Policy) allows(ip netip.Addr) bool {
	for _, a := range p.Allow {
		if a.Addr().Is4In6() && a.Bits() >= 96 {
			a = netip.PrefixFrom(a.Addr().Unmap(), a.Bits()-96)
		}
		if a.Contains(ip) {
			return true
		}
	}
	return false
}

// CheckURL validates a webhook URL when it is registered: absolute, https (or http when
// AllowHTTP), with a host and a valid port, no user info and no fragment. A host that is
// an IP literal must be Allowed. A host name is not resolved here: what it resolves to
// may change, so the client checks each address it dials instead. The error's message is
// for the administrator and starts in lower case.
func (p Policy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("this is not a valid URL")
	}
	if !u.IsAbs() {
		return errors.New("webhook URLs must be absolute, like https://example.com/hooks")
	}
	switch u.Scheme { // url.Parse lower-cases it
	case "https":
	case "http":
		if !p.AllowHTTP {
			return errors.New("webhook URLs must use https")
		}
	default:
		if p.AllowHTTP {
			return errors.New("webhook URLs must use https or http")
		}
		return errors.New("webhook URLs must use https")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return errors.New("webhook URLs need a host, like https://example.com/hooks")
	}
	if u.User != nil {
		return errors.New("webhook URLs may not contain a user name or password")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return errors.New("webhook URLs may not have a fragment (#…)")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return errors.New("the port must be between 1 and 65535")
		}
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.Allowed(ip)
	}
	if strings.HasPrefix(u.Host, "[") || numericLabel(host) {
		// Not an address netip accepts, yet some resolvers read "127.1" or "2130706433"
		// as one; the dial check would catch them, but they are never a real host name.
		return fmt.Errorf("%s is not a valid host name or IP address", host)
	}
	return nil
}

// numericLabel reports whether host's last label is a number (decimal, or hex with 0x),
// which URL parsers in browsers and libc resolvers read as an IPv4 address.
func numericLabel(host string) bool {
	host = strings.TrimSuffix(host, ".")
	last := host[strings.LastIndexByte(host, '.')+1:]
	if h, ok := strings.CutPrefix(strings.ToLower(last), "0x"); ok {
		last = h
		if last == "" {
			return true
		}
		_, err := strconv.ParseUint(last, 16, 64)
		return err == nil
	}
	return last != "" && allDigits(last)
}

// Client returns the HTTP client for deliveries, bounded by timeout in all (5 s when not
// positive). Every address it connects to is checked by Allowed when it is dialled: a
// name's DNS answer, whatever it is and however often it changes, is judged by the address
// actually used, and a refused one is refused before a packet is sent. Redirects are
// returned, not followed, and no proxy is used.
func (p Policy) Client(timeout time.Duration) *http.Client {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	p.Allow = slices.Clone(p.Allow) // the caller's slice may change; this client's rule may not
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second, Control: p.control}
	return &http.Client{
		Transport: &http.Transport{
			// A proxy would make the connection for us, to an address we never see.
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    timeout,
			MaxResponseHeaderBytes: 64 << 10,
			MaxIdleConns:           100,
			IdleConnTimeout:        90 * time.Second,
			ExpectContinueTimeout:  time.Second,
		},
		Timeout: timeout,
		// A redirect would lead past CheckURL; the receiver's 3xx is its answer.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// control runs after the socket is made and before it connects.
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read %q", ErrRefusedAddress, address)
	}
	return p.Allowed(ap.Addr())
}
