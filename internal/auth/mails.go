package auth

import (
	"html/template"
	"strings"
	"unicode"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/internal/mail"
)

// A letter is the words of one account mail: a greeting, paragraphs, and at most one button
// (the link, also written out in full in the text part).
type letter struct {
	Subject    string
	Name       string
	Paragraphs []string
	Button     string
	Link       string
	After      []string
}

var letterHTML = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#f4f4f6;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#16161d">
<table role="presentation" width="100%" style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
<tr><td>
<p style="font-size:20px;font-weight:700;margin:0 0 16px">Marquee</p>
<p>Hi {{.Name}},</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p style="margin:24px 0"><a href="{{.Link}}" style="background:#e50914;color:#fff;padding:12px 20px;border-radius:4px;text-decoration:none;font-weight:600">{{.Button}}</a></p>
<p style="font-size:13px;color:#555">Or paste this link into your browser: {{.Link}}</p>
{{end}}{{range .After}}<p style="font-size:13px;color:#555">{{.}}</p>
{{end}}</td></tr></table></body></html>
`))

// message renders the letter to to.
func (l letter) message(to string) mail.Message {
	var text strings.Builder
	text.WriteString("Hi " + l.Name + ",\n\n")
	for _, p := range l.Paragraphs {
		text.WriteString(p + "\n\n")
	}
	if l.Link != "" {
		text.WriteString(l.Button + ": " + l.Link + "\n\n")
	}
	for _, p := range l.After {
		text.WriteString(p + "\n\n")
	}
	text.WriteString("— Marquee\n")
	var html strings.Builder
	_ = letterHTML.Execute(&html, l) // the template is fixed and its data plain strings
	return mail.Message{To: to, ToName: l.Name, Subject: l.Subject, Text: text.String(), HTML: html.String()}
}

// greeting is how a mail addresses the account: its name, else its address's local part,
// with any control character (from before names refused them) made a space.
func greeting(u *ent.User) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, FirstProfileName(u.Name, u.Email))
}

func resetMail(u *ent.User, link string) mail.Message {
	return letter{
		Subject:    "Reset your Marquee password",
		Name:       greeting(u),
		Paragraphs: []string{"Someone asked to reset the password of your Marquee account. If it was you, choose a new password with this link; it works once, for 30 minutes."},
		Button:     "Choose a new password",
		Link:       link,
		After:      []string{"If you did not ask, ignore this mail: your password stays as it is."},
	}.message(u.Email)
}

func passwordChangedMail(u *ent.User) mail.Message {
	return letter{
		Subject:    "Your Marquee password was changed",
		Name:       greeting(u),
		Paragraphs: []string{"The password of your Marquee account was just changed, and your other devices were signed out."},
		After:      []string{"If this was not you, reset your password at once from the login page."},
	}.message(u.Email)
}

func verifyMail(u *ent.User, to, link string) mail.Message {
	return letter{
		Subject:    "Confirm your email for Marquee",
		Name:       greeting(u),
		Paragraphs: []string{"Confirm that " + to + " is your address, so that we can reach you about your account and membership."},
		Button:     "Confirm my email",
		Link:       link,
		After:      []string{"The link works for 7 days. If you did not sign up for Marquee, ignore this mail."},
	}.message(to)
}

func emailChangeMail(u *ent.User, to string) mail.Message {
	return letter{
		Subject: "Your Marquee email is changing",
		Name:    greeting(u),
		Paragraphs: []string{"Someone signed in to your Marquee account asked to change its email to " + to +
			". The change takes effect once that address is confirmed."},
		After: []string{"If this was not you, change your password now: the change needs it, so whoever asked knows it."},
	}.message(u.Email)
}

func deletedMail(name, to string) mail.Message {
	return letter{
		Subject:    "Your Marquee account was deleted",
		Name:       name,
		Paragraphs: []string{"Your Marquee account and its profiles, viewing history, ratings and lists were deleted. Records of past payments stay, without your name or address, as bookkeeping requires."},
		After:      []string{"You are welcome back any time: sign up again with this address."},
	}.message(to)
}
