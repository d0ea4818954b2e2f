package auth

import (
	"bufio"
	_ "embed"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/geo"
)

//go:embed common-passwords.txt
var commonPasswordList string

// Password length bounds, in characters. No composition rules: length and a deny list
// protect better and annoy less.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// Policy validates account input.
type Policy struct {
	common map[string]struct{}
}

// NewPolicy loads the embedded common-password list.
func NewPolicy() *Policy {
	p := &Policy{common: map[string]struct{}{}}
	sc := bufio.NewScanner(strings.NewReader(commonPasswordList))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			p.common[line] = struct{}{}
		}
	}
	return p
}

// Password checks length and the common-password list.
func (p *Policy) Password(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return apperr.Input("password", "Password must be valid text.")
	case n < MinPasswordLen:
		return apperr.Input("password", "Password must be at least %d characters.", MinPasswordLen)
	case n > MaxPasswordLen:
		return apperr.Input("password", "Password must be at most %d characters.", MaxPasswordLen)
	}
	if _, ok := p.common[strings.ToLower(pw)]; ok {
		return apperr.Input("password", "This password is too common; choose another.")
	}
	return nil
}

// Email trims and lower-cases an address and checks that it is a plain addr-spec.
func Email(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", apperr.Input("email", "Email is required.")
	}
	if len(e) > 254 {
		return "", apperr.Input("email", "Email is too long.")
	}
	a, err := mail.ParseAddress(e)
	// ParseAddress accepts display names and comments; only a bare address is an email here.
	if err != nil || a.Address != e || a.Name != "" {
		return "", apperr.Input("email", "Enter a valid email address, like name@example.com.")
	}
	at := strings.LastIndexByte(e, '@')
	if domain := e[at+1:]; !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", apperr.Input("email", "Enter a valid email address, like name@example.com.")
	}
	return e, nil
}

// Name trims a display name and bounds its length.
func Name(s string) (string, error) {
	n := strings.TrimSpace(s)
	if n == "" {
		return "", apperr.Input("name", "Name is required.")
	}
	if utf8.RuneCountInString(n) > 100 || !utf8.ValidString(n) {
		return "", apperr.Input("name", "Name must be at most 100 characters.")
	}
	// A name goes into mail headers and pages: no line breaks or other control characters.
	if strings.IndexFunc(n, unicode.IsControl) >= 0 {
		return "", apperr.Input("name", "Name cannot contain line breaks or other control characters.")
	}
	return n, nil
}

// Country normalizes an ISO 3166-1 alpha-2 code.
func Country(s string) (string, error) {
	c, ok := geo.NormalizeCountry(s)
	if !ok {
		return "", apperr.Input("country", "Country must be a two-letter ISO code such as US or FR.")
	}
	return c, nil
}
