package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/accounttoken"
	"github.com/marquee-org/marquee/ent/membership"
	"github.com/marquee-org/marquee/ent/mylistitem"
	"github.com/marquee-org/marquee/ent/payment"
	"github.com/marquee-org/marquee/ent/profile"
	"github.com/marquee-org/marquee/ent/rating"
	"github.com/marquee-org/marquee/ent/title"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/ent/viewevent"
	"github.com/marquee-org/marquee/ent/watchprogress"
)

// ExportPath is where data exports are downloaded, with ?token=.
const ExportPath = "/data-export"

// ExportLink makes a download link for the account's data, good for ExportTTL.
func (s *Service) ExportLink(ctx context.Context, v *Viewer) (string, error) {
	raw, err := s.issue(ctx, s.client, v.User.ID, accounttoken.PurposeEXPORT, v.User.Email, ExportTTL)
	if err != nil {
		return "", err
	}
	return s.link(ExportPath, raw), nil
}

// Export is everything the account holds about a person, as JSON.
type Export struct {
	ExportedAt time.Time         `json:"exportedAt"`
	Account    ExportAccount     `json:"account"`
	Profiles   []ExportProfile   `json:"profiles"`
	Membership *ExportMembership `json:"membership"`
	Payments   []ExportPayment   `json:"payments"`
	Devices    []ExportDevice    `json:"devices"`
}

// ExportAccount is the account itself.
type ExportAccount struct {
	Email         string    `json:"email"`
	Name          string    `json:"name"`
	Country       string    `json:"country"`
	EmailVerified bool      `json:"emailVerified"`
	CreatedAt     time.Time `json:"createdAt"`
}

// ExportProfile is one profile and what it did.
type ExportProfile struct {
	Name            string           `json:"name"`
	Kids            bool             `json:"kids"`
	MaturityCeiling int              `json:"maturityCeiling"`
	Language        string           `json:"language"`
	Progress        []ExportProgress `json:"progress"`
	Ratings         []ExportRating   `json:"ratings"`
	MyList          []ExportListItem `json:"myList"`
	Activity        []ExportEvent    `json:"activity"`
}

// ExportProgress is how far a profile watched a title or episode.
type ExportProgress struct {
	Title           string    `json:"title"`
	EpisodeID       *int      `json:"episodeId,omitempty"`
	PositionSeconds float64   `json:"positionSeconds"`
	Completed       bool      `json:"completed"`
	UpdatedAt       time.Time `json:"updatedAt"`
}

// ExportRating is a rating a profile gave.
type ExportRating struct {
	Title   string    `json:"title"`
	Stars   int       `json:"stars"`
	RatedAt time.Time `json:"ratedAt"`
}

// ExportListItem is a title on a profile's list.
type ExportListItem struct {
	Title   string    `json:"title"`
	AddedAt time.Time `json:"addedAt"`
}

// ExportEvent is one entry of a profile's viewing log.
type ExportEvent struct {
	Title string    `json:"title"`
	Kind  string    `json:"kind"`
	At    time.Time `json:"at"`
}

// ExportMembership is the account's plan.
type ExportMembership struct {
	Plan             string    `json:"plan"`
	Status           string    `json:"status"`
	CurrentPeriodEnd time.Time `json:"currentPeriodEnd"`
}

// ExportPayment is one payment.
type ExportPayment struct {
	Plan        string    `json:"plan"`
	AmountCents int       `json:"amountCents"`
	Currency    string    `json:"currency"`
	Status      string    `json:"status"`
	Method      string    `json:"method"`
	Brand       string    `json:"brand,omitempty"`
	Last4       string    `json:"last4,omitempty"`
	PayPalEmail string    `json:"paypalEmail,omitempty"`
	CreatedAt   time.Time `json:"createdAt"`
}

// ExportDevice is a signed-in device.
type ExportDevice struct {
	Device     string    `json:"device"`
	IP         string    `json:"ip"`
	CreatedAt  time.Time `json:"createdAt"`
	LastUsedAt time.Time `json:"lastUsedAt"`
}

// ExportData gathers the account's data.
func (s *Service) ExportData(ctx context.Context, userID int) (*Export, error) {
	c := s.client
	u, err := c.User.Query().Where(user.ID(userID), user.DeletedAtIsNil()).Only(ctx)
	if err != nil {
		return nil, fmt.Errorf("find account: %w", err)
	}
	out := &Export{ExportedAt: s.now().UTC(), Account: ExportAccount{
		Email: u.Email, Name: u.Name, Country: u.Country, EmailVerified: u.EmailVerifiedAt != nil, CreatedAt: u.CreatedAt,
	}}
	profiles, err := c.Profile.Query().Where(profile.UserID(userID)).Order(ent.Asc(profile.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find profiles: %w", err)
	}
	progress, err := c.WatchProgress.Query().Where(watchprogress.UserID(userID)).Order(ent.Asc(watchprogress.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find progress: %w", err)
	}
	ratings, err := c.Rating.Query().Where(rating.UserID(userID)).Order(ent.Asc(rating.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find ratings: %w", err)
	}
	list, err := c.MyListItem.Query().Where(mylistitem.UserID(userID)).Order(ent.Asc(mylistitem.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find my list: %w", err)
	}
	events, err := c.ViewEvent.Query().Where(viewevent.UserID(userID)).Order(ent.Asc(viewevent.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find activity: %w", err)
	}
	ids := map[int]bool{}
	for _, p := range progress {
		ids[p.TitleID] = true
	}
	for _, r := range ratings {
		ids[r.TitleID] = true
	}
	for _, l := range list {
		ids[l.TitleID] = true
	}
	for _, e := range events {
		ids[e.TitleID] = true
	}
	names, err := s.titleNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, p := range profiles {
		ep := ExportProfile{Name: p.Name, Kids: p.Kids, MaturityCeiling: p.MaturityCeiling, Language: p.Language,
			Progress: []ExportProgress{}, Ratings: []ExportRating{}, MyList: []ExportListItem{}, Activity: []ExportEvent{}}
		for _, w := range progress {
			if w.ProfileID == p.ID {
				ep.Progress = append(ep.Progress, ExportProgress{Title: names[w.TitleID], EpisodeID: w.EpisodeID,
					PositionSeconds: w.PositionSeconds, Completed: w.Completed, UpdatedAt: w.UpdatedAt})
			}
		}
		for _, r := range ratings {
			if r.ProfileID == p.ID {
				ep.Ratings = append(ep.Ratings, ExportRating{Title: names[r.TitleID], Stars: r.Stars, RatedAt: r.UpdatedAt})
			}
		}
		for _, l := range list {
			if l.ProfileID == p.ID {
				ep.MyList = append(ep.MyList, ExportListItem{Title: names[l.TitleID], AddedAt: l.CreatedAt})
			}
		}
		for _, e := range events {
			if e.ProfileID != nil && *e.ProfileID == p.ID {
				ep.Activity = append(ep.Activity, ExportEvent{Title: names[e.TitleID], Kind: string(e.Kind), At: e.CreatedAt})
			}
		}
		out.Profiles = append(out.Profiles, ep)
	}
	m, err := c.Membership.Query().Where(membership.UserID(userID)).WithPlan().Only(ctx)
	if err != nil && !ent.IsNotFound(err) {
		return nil, fmt.Errorf("find membership: %w", err)
	}
	if m != nil {
		out.Membership = &ExportMembership{Plan: m.Edges.Plan.Name, Status: string(m.Status), CurrentPeriodEnd: m.CurrentPeriodEnd}
	}
	payments, err := c.Payment.Query().Where(payment.UserID(userID)).Order(ent.Asc(payment.FieldID)).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find payments: %w", err)
	}
	out.Payments = make([]ExportPayment, len(payments))
	for i, p := range payments {
		out.Payments[i] = ExportPayment{Plan: string(p.Plan), AmountCents: p.AmountCents, Currency: p.Currency,
			Status: string(p.Status), Method: string(p.Method), Brand: p.Brand, Last4: p.Last4, PayPalEmail: p.PaypalEmail, CreatedAt: p.CreatedAt}
	}
	devices, err := s.Sessions(ctx, &Viewer{User: u})
	if err != nil {
		return nil, err
	}
	out.Devices = make([]ExportDevice, len(devices))
	for i, d := range devices {
		out.Devices[i] = ExportDevice{Device: d.Device, IP: d.IP, CreatedAt: d.CreatedAt, LastUsedAt: d.LastUsedAt}
	}
	return out, nil
}

func (s *Service) titleNames(ctx context.Context, ids map[int]bool) (map[int]string, error) {
	list := make([]int, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	titles, err := s.client.Title.Query().Where(title.IDIn(list...)).Select(title.FieldID, title.FieldName).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("find titles: %w", err)
	}
	names := make(map[int]string, len(titles))
	for _, t := range titles {
		names[t.ID] = t.Name
	}
	return names, nil
}

// ExportHandler serves GET ExportPath?token=: the account's data as a JSON download, for as
// long as the link lives (it may be fetched again, a download being easy to lose).
func (s *Service) ExportHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		raw := r.URL.Query().Get("token")
		var t *ent.AccountToken
		if wellFormed(raw) {
			var err error
			t, err = s.client.AccountToken.Query().Where(accounttoken.TokenHash(hashToken(raw)),
				accounttoken.PurposeEQ(accounttoken.PurposeEXPORT), accounttoken.ExpiresAtGT(s.now())).Only(r.Context())
			if err != nil && !ent.IsNotFound(err) {
				http.Error(w, "The export could not be prepared; try again.", http.StatusInternalServerError)
				return
			}
		}
		if t == nil {
			http.Error(w, "This download link has expired. Ask for a new one on your account page.", http.StatusNotFound)
			return
		}
		data, err := s.ExportData(r.Context(), t.UserID)
		if err != nil {
			http.Error(w, "The export could not be prepared; try again.", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="marquee-data-`+data.ExportedAt.Format("2006-01-02")+`.json"`)
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(data)
	})
}
