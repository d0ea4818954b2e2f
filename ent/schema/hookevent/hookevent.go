// Package hookevent names the events a webhook may subscribe to. It is its own package so
// that the stored subscription, the GraphQL enum and the emitters share one Go type.
package hookevent

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Event is a kind of event, sent to receivers as "noun.verb" and spelled in GraphQL as
// NOUN_VERB.
type Event string

// The events.
const (
	VideoReady        Event = "video.ready"
	VideoFailed       Event = "video.failed"
	TitleCreated      Event = "title.created"
	TitleUpdated      Event = "title.updated"
	TitleDeleted      Event = "title.deleted"
	MembershipStarted Event = "membership.started"
	MembershipChanged Event = "membership.changed"
	MembershipEnded   Event = "membership.ended"
	PaymentSucceeded  Event = "payment.succeeded"
	PaymentFailed     Event = "payment.failed"
)

// All lists every event.
var All = []Event{
	VideoReady, VideoFailed, TitleCreated, TitleUpdated, TitleDeleted,
	MembershipStarted, MembershipChanged, MembershipEnded, PaymentSucceeded, PaymentFailed,
}

// Enum is the event's GraphQL enum value, e.g. VIDEO_READY.
func (e Event) Enum() string { return strings.ToUpper(strings.ReplaceAll(string(e), ".", "_")) }

// MarshalGQL writes the event as its GraphQL enum value.
func (e Event) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(e.Enum())) }

// UnmarshalGQL reads a GraphQL enum value.
func (e *Event) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("a webhook event must be a string")
	}
	for _, k := range All {
		if k.Enum() == s {
			*e = k
			return nil
		}
	}
	return fmt.Errorf("%q is not a webhook event", s)
}
