// Package billing owns plans and memberships: the plan catalog, payment providers,
// subscribing, renewals and cancellation.
package billing

import (
	"context"
	"fmt"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/plan"
	"github.com/marquee-org/marquee/ent/schema/plancode"
)

// PlanSpec is a plan as it is offered.
type PlanSpec struct {
	Code       plancode.Code
	Name       string
	PriceCents int
	Currency   string
	MaxStreams int
	// MaxHeight 0 means every rendition, 2160p included.
	MaxHeight int
}

// Catalog is the plan line-up seeded into every database.
var Catalog = []PlanSpec{
	{Code: plancode.Basic, Name: "Basic", PriceCents: 799, Currency: "USD", MaxStreams: 1, MaxHeight: 720},
	{Code: plancode.Standard, Name: "Standard", PriceCents: 1399, Currency: "USD", MaxStreams: 2, MaxHeight: 1080},
	{Code: plancode.Premium, Name: "Premium", PriceCents: 1999, Currency: "USD", MaxStreams: 4, MaxHeight: 0},
}

// EnsurePlans inserts missing plans and brings existing ones in line with Catalog.
func EnsurePlans(ctx context.Context, client *ent.Client) error {
	for _, p := range Catalog {
		err := client.Plan.Create().
			SetCode(p.Code).SetName(p.Name).SetPriceCents(p.PriceCents).SetCurrency(p.Currency).
			SetMaxStreams(p.MaxStreams).SetMaxHeight(p.MaxHeight).
			OnConflictColumns(plan.FieldCode).UpdateNewValues().
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("seed plan %s: %w", p.Code, err)
		}
	}
	return nil
}

// Plans lists the plans, cheapest first.
func Plans(ctx context.Context, client *ent.Client) ([]*ent.Plan, error) {
	return client.Plan.Query().Order(ent.Asc(plan.FieldPriceCents)).All(ctx)
}

// OperatorGrantPeriod is how long a plan granted by an operator lasts before renewal.
const OperatorGrantPeriod = 10 * 365 * 24 * time.Hour

// Grant gives userID an active membership on code without payment (operator use).
func Grant(ctx context.Context, client *ent.Client, userID int, code plancode.Code, now time.Time) (*ent.Membership, error) {
	p, err := client.Plan.Query().Where(plan.CodeEQ(code)).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("find plan %s: %w", code, err)
	}
	id, err := client.Membership.Create().
		SetUserID(userID).SetPlanID(p.ID).SetStatus(membership.StatusACTIVE).
		SetCurrentPeriodStart(now).SetCurrentPeriodEnd(now.Add(OperatorGrantPeriod)).
		OnConflictColumns(membership.FieldUserID).UpdateNewValues().
		ID(ctx)
	if err != nil {
		return nil, fmt.Errorf("grant membership: %w", err)
	}
	return client.Membership.Get(ctx, id)
}
