package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/auth"
	"github.com/marquee-org/marquee/internal/maturity"
)

// replacedIndexes are indexes of earlier schemas that a new one replaced: activity was
// unique per account before it was per profile.
var replacedIndexes = []string{
	"watchprogress_user_id_video_id",
	"watchprogress_user_id_completed_updated_at",
	"watchprogress_user_id_updated_at",
	"rating_user_id_title_id",
	"mylistitem_user_id_title_id",
	"mylistitem_user_id_created_at",
	"viewevent_user_id_created_at",
	"recommendation_user_id_kind_rank",
}

// activityTables hold rows that belong to a profile (profile_id) of an account (user_id).
var activityTables = []string{"watch_progresses", "ratings", "my_list_items", "view_events", "recommendations", "playback_sessions"}

// upgrade moves data written by earlier versions to the current schema. Each step finds
// its own work, so running it again does nothing.
func (s *Store) upgrade(ctx context.Context) error {
	for _, name := range replacedIndexes {
		if _, err := s.DB.ExecContext(ctx, "DROP INDEX IF EXISTS "+name); err != nil {
			return fmt.Errorf("drop index %s: %w", name, err)
		}
	}
	return s.giveProfiles(ctx)
}

// giveProfiles gives every account without a profile its first one, owning the activity
// and logins the account had: accounts from before profiles existed.
func (s *Store) giveProfiles(ctx context.Context) error {
	users, err := s.Client.User.Query().Where(user.Not(user.HasProfiles())).All(ctx)
	if err != nil {
		return fmt.Errorf("find accounts without profiles: %w", err)
	}
	for chunk := range slices.Chunk(users, 200) {
		err := s.InTx(ctx, func(tx *sql.Tx, client *ent.Client) error {
			for _, u := range chunk {
				p, err := client.Profile.Create().SetUserID(u.ID).SetName(auth.FirstProfileName(u.Name, u.Email)).
					SetMaturityCeiling(maturity.Adult).Save(ctx)
				if err != nil {
					return fmt.Errorf("create profile: %w", err)
				}
				for _, table := range append(activityTables, "sessions") {
					q, args := entsql.Dialect(s.Dialect).Update(table).Set("profile_id", p.ID).
						Where(entsql.And(entsql.EQ("user_id", u.ID), entsql.IsNull("profile_id"))).Query()
					if _, err := tx.ExecContext(ctx, q, args...); err != nil {
						return fmt.Errorf("give %s a profile: %w", table, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
