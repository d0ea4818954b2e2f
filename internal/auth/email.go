package auth

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/accounttoken"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
)

// verifyLink stores a VERIFY token proving to for u and queues its mail in tx.
func (s *Service) verifyLink(ctx context.Context, tx *sql.Tx, c *ent.Client, u *ent.User, to string) error {
	raw, err := s.issue(ctx, c, u.ID, accounttoken.PurposeVERIFY, to, VerifyTTL)
	if err != nil {
		return err
	}
	return s.send(ctx, tx, verifyMail(u, to, s.link("/verify-email", raw)))
}

// ResendVerification mails a new link for the account's address, unless it is verified
// already or a link went out within ResetEvery (then nothing is sent).
func (s *Service) ResendVerification(ctx context.Context, v *Viewer) error {
	u, err := s.client.User.Get(ctx, v.User.ID)
	if err != nil {
		return fmt.Errorf("find account: %w", err)
	}
	if u.EmailVerifiedAt != nil {
		return nil
	}
	recent, err := s.client.AccountToken.Query().Where(accounttoken.UserID(u.ID), accounttoken.Email(u.Email),
		accounttoken.PurposeEQ(accounttoken.PurposeVERIFY), accounttoken.CreatedAtGT(s.now().Add(-ResetEvery))).Exist(ctx)
	if err != nil {
		return fmt.Errorf("find recent link: %w", err)
	}
	if recent {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx, c *ent.Client) error { return s.verifyLink(ctx, tx, c, u, u.Email) })
}

// VerifyEmail redeems a verification link: the account's address is verified, or, for a
// link sent to a new address (ChangeEmail), the account takes that address.
func (s *Service) VerifyEmail(ctx context.Context, raw string) error {
	return s.inTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
		t, err := s.redeem(ctx, c, raw, accounttoken.PurposeVERIFY)
		if err != nil || t == nil {
			return cmpErr(err, badLink("confirmation"))
		}
		u, err := c.User.Query().Where(user.ID(t.UserID), user.DeletedAtIsNil()).Only(ctx)
		if err != nil {
			return cmpErr(ignoreNotFound(err), badLink("confirmation"))
		}
		upd := c.User.UpdateOne(u).SetEmailVerifiedAt(s.now())
		if t.Email != u.Email {
			upd.SetEmail(t.Email)
		}
		err = upd.Exec(ctx)
		if ent.IsConstraintError(err) {
			return emailTaken()
		}
		if err != nil {
			return fmt.Errorf("verify email: %w", err)
		}
		// Other links for the old address, or for other new ones, are void now.
		_, err = c.AccountToken.Delete().Where(accounttoken.UserID(u.ID), accounttoken.PurposeEQ(accounttoken.PurposeVERIFY)).Exec(ctx)
		return err
	})
}

// ChangeEmail asks to move the account to a new address: a link goes to the new address and
// the change takes effect when it is followed; the current address is told at once.
func (s *Service) ChangeEmail(ctx context.Context, v *Viewer, newEmail, password string) error {
	if err := s.checkPassword(ctx, v, &password, "password", "Enter your password to change the email."); err != nil {
		return err
	}
	email, err := Email(newEmail)
	if err != nil {
		return withField(err, "newEmail")
	}
	if email == v.User.Email {
		return apperr.Input("newEmail", "This is already the account's email.")
	}
	taken, err := s.client.User.Query().Where(user.Email(email)).Exist(ctx)
	if err != nil {
		return fmt.Errorf("check email: %w", err)
	}
	if taken {
		return withField(emailTaken(), "newEmail")
	}
	err = s.inTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
		if err := s.verifyLink(ctx, tx, c, v.User, email); err != nil {
			return err
		}
		return s.send(ctx, tx, emailChangeMail(v.User, email))
	})
	if err == nil {
		s.log.InfoContext(ctx, "email change requested", slog.Int("user_id", v.User.ID))
	}
	return err
}
