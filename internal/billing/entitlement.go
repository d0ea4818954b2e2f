package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
)

// RenewalLeeway is how long an active membership keeps working past its period end
// while the renewal job gets to it.
const RenewalLeeway = time.Hour

// Entitles reports whether m grants access at now: an active membership; a canceled one
// until its paid period ends; a past-due one during its grace period.
func Entitles(m *ent.Membership, now time.Time) bool {
	if m == nil {
		return false
	}
	switch m.Status {
	case membership.StatusACTIVE:
		// Renewal runs periodically after the period end; access continues meanwhile.
		return now.Before(m.CurrentPeriodEnd.Add(RenewalLeeway))
	case membership.StatusCANCELED:
		return now.Before(m.CurrentPeriodEnd)
	case membership.StatusPAST_DUE:
		return m.GraceUntil != nil && now.Before(*m.GraceUntil)
	default:
		return false
	}
}

// CurrentPlan returns the plan userID may watch with at now, or nil without one.
func CurrentPlan(ctx context.Context, client *ent.Client, userID int, now time.Time) (*ent.Plan, error) {
	m, err := client.Membership.Query().Where(membership.UserID(userID)).WithPlan().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find membership: %w", err)
	}
	if !Entitles(m, now) {
		return nil, nil
	}
	return m.Edges.Plan, nil
}
