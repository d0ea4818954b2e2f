package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/marquee-org/marquee/ent"
	"github.com/marquee-org/marquee/ent/accounttoken"
	"github.com/marquee-org/marquee/ent/session"
	"github.com/marquee-org/marquee/ent/user"
	"github.com/marquee-org/marquee/internal/apperr"
	"github.com/marquee-org/marquee/internal/mail"
)

// How long the links the account mail carries stay good, and how often one account may be
// sent a reset link.
const (
	ResetTTL   = 30 * time.Minute
	VerifyTTL  = 7 * 24 * time.Hour
	ExportTTL  = 15 * time.Minute
	ResetEvery = 2 * time.Minute
)

// Outbox queues mail in the transaction that writes what the mail tells of.
type Outbox interface {
	Enqueue(ctx context.Context, tx *sql.Tx, m mail.Message) error
}

// TxFunc runs fn in one transaction, with the raw transaction for the job queue.
type TxFunc func(ctx context.Context, fn func(tx *sql.Tx, client *ent.Client) error) error

// inTx runs fn in a transaction; without Options.InTx (tools and tests that send no mail),
// in an ent transaction with no raw one.
func (s *Service) inTx(ctx context.Context, fn func(tx *sql.Tx, client *ent.Client) error) error {
	if s.opts.InTx != nil {
		return s.opts.InTx(ctx, fn)
	}
	tx, err := s.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(nil, tx.Client()); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// send queues m in tx; a process without an outbox logs that it sent nothing.
func (s *Service) send(ctx context.Context, tx *sql.Tx, m mail.Message) error {
	if s.opts.Mail == nil || tx == nil {
		s.log.WarnContext(ctx, "account mail not sent: this process has no outbox", slog.String("subject", m.Subject))
		return nil
	}
	return s.opts.Mail.Enqueue(ctx, tx, m)
}

// link is an address in the web app with a token, built from --public-url alone, never from
// a request's Host header.
func (s *Service) link(path, token string) string {
	return strings.TrimRight(s.opts.PublicURL, "/") + path + "?" + url.Values{"token": {token}}.Encode()
}

// issue stores a new token for u and returns it; only its hash is kept.
func (s *Service) issue(ctx context.Context, c *ent.Client, userID int, purpose accounttoken.Purpose, email string, ttl time.Duration) (string, error) {
	raw := newToken()
	now := s.now()
	err := c.AccountToken.Create().SetTokenHash(hashToken(raw)).SetPurpose(purpose).SetUserID(userID).
		SetEmail(email).SetCreatedAt(now).SetExpiresAt(now.Add(ttl)).Exec(ctx)
	if err != nil {
		return "", fmt.Errorf("store token: %w", err)
	}
	return raw, nil
}

func badLink(what string) error {
	return &apperr.Error{Code: apperr.BadUserInput, Field: "token",
		Message: "This " + what + " link has expired or was already used. Ask for a new one."}
}

// redeem finds a live token of purpose and deletes it in c's transaction, so that of two
// requests racing with one link only one gets it.
func (s *Service) redeem(ctx context.Context, c *ent.Client, raw string, purpose accounttoken.Purpose) (*ent.AccountToken, error) {
	if !wellFormed(raw) {
		return nil, nil
	}
	t, err := c.AccountToken.Query().Where(accounttoken.TokenHash(hashToken(raw)), accounttoken.PurposeEQ(purpose),
		accounttoken.ExpiresAtGT(s.now())).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find token: %w", err)
	}
	n, err := c.AccountToken.Delete().Where(accounttoken.ID(t.ID)).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("use token: %w", err)
	}
	if n == 0 {
		return nil, nil
	}
	return t, nil
}

// ResetArgs asks for a reset link to be mailed to an address, if an account has it. The
// request only queues this job, the same for every address, so that its answer and its time
// say nothing of whether the account exists.
type ResetArgs struct {
	Email string `json:"email"`
}

// Kind implements river.JobArgs.
func (ResetArgs) Kind() string { return "auth.password_reset" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (ResetArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: mail.Queue, MaxAttempts: 5}
}

// RequestPasswordReset queues a reset link for email. It answers the same whether or not an
// account has the address; too many requests from one address are RATE_LIMITED, and an
// account gets at most one link per ResetEvery (more requests send nothing).
func (s *Service) RequestPasswordReset(ctx context.Context, emailIn string, c Client) error {
	email, err := Email(emailIn)
	if err != nil {
		return err
	}
	attempt, wait := s.throttle.Reserve(Key{"reset-ip:" + c.IP, s.limits.Reset})
	if attempt == nil {
		return apperr.Later(apperr.RateLimited, wait, "Too many reset requests; try again later.")
	}
	attempt.Fail() // every request counts
	if s.opts.Queue == nil {
		return errors.New("password reset: no job queue")
	}
	return s.inTx(ctx, func(tx *sql.Tx, _ *ent.Client) error {
		return s.opts.Queue.InsertTx(ctx, tx, ResetArgs{Email: email}, nil)
	})
}

// ResetWorker mails a reset link for a ResetArgs job.
type ResetWorker struct {
	river.WorkerDefaults[ResetArgs]
	s *Service
}

// NewResetWorker returns the worker, to register with river.AddWorker.
func NewResetWorker(s *Service) *ResetWorker { return &ResetWorker{s: s} }

// Work implements river.Worker.
func (w *ResetWorker) Work(ctx context.Context, job *river.Job[ResetArgs]) error {
	s := w.s
	u, err := s.client.User.Query().Where(user.Email(job.Args.Email), user.DeletedAtIsNil()).Only(ctx)
	if ent.IsNotFound(err) {
		return nil // nobody to tell; the request looked the same
	}
	if err != nil {
		return fmt.Errorf("find account: %w", err)
	}
	recent, err := s.client.AccountToken.Query().Where(accounttoken.UserID(u.ID),
		accounttoken.PurposeEQ(accounttoken.PurposeRESET), accounttoken.CreatedAtGT(s.now().Add(-ResetEvery))).Exist(ctx)
	if err != nil {
		return fmt.Errorf("find recent reset: %w", err)
	}
	if recent {
		s.log.InfoContext(ctx, "password reset not sent: one went out moments ago", slog.Int("user_id", u.ID))
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx, c *ent.Client) error {
		raw, err := s.issue(ctx, c, u.ID, accounttoken.PurposeRESET, u.Email, ResetTTL)
		if err != nil {
			return err
		}
		return s.send(ctx, tx, resetMail(u, s.link("/reset-password", raw)))
	})
}

// ResetLink makes a reset link for an account without mailing it: for operators
// (`marquee user reset-password`), who hand it over themselves.
func (s *Service) ResetLink(ctx context.Context, emailIn string) (string, error) {
	email, err := Email(emailIn)
	if err != nil {
		return "", err
	}
	u, err := s.client.User.Query().Where(user.Email(email), user.DeletedAtIsNil()).Only(ctx)
	if ent.IsNotFound(err) {
		return "", apperr.New(apperr.NotFound, "No account has this email.")
	}
	if err != nil {
		return "", fmt.Errorf("find account: %w", err)
	}
	raw, err := s.issue(ctx, s.client, u.ID, accounttoken.PurposeRESET, u.Email, ResetTTL)
	if err != nil {
		return "", err
	}
	return s.link("/reset-password", raw), nil
}

// ResetPassword sets a new password with a reset link's token, ends every session of the
// account (their websockets and streams close on every replica) and logs in anew. The link
// proves the mailbox, so an unverified address becomes verified.
func (s *Service) ResetPassword(ctx context.Context, raw, password string, c Client) (*Result, error) {
	if err := s.policy.Password(password); err != nil {
		return nil, withField(err, "newPassword")
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	var u *ent.User
	var ended []int
	err = s.inTx(ctx, func(tx *sql.Tx, cl *ent.Client) error {
		t, err := s.redeem(ctx, cl, raw, accounttoken.PurposeRESET)
		if err != nil || t == nil {
			return cmpErr(err, badLink("reset"))
		}
		if u, err = cl.User.Query().Where(user.ID(t.UserID), user.DeletedAtIsNil()).Only(ctx); err != nil {
			return cmpErr(ignoreNotFound(err), badLink("reset"))
		}
		upd := cl.User.UpdateOne(u).SetPasswordHash(hash)
		if u.EmailVerifiedAt == nil && t.Email == u.Email {
			upd.SetEmailVerifiedAt(s.now())
		}
		if u, err = upd.Save(ctx); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := cl.AccountToken.Delete().Where(accounttoken.UserID(u.ID), accounttoken.PurposeEQ(accounttoken.PurposeRESET)).Exec(ctx); err != nil {
			return fmt.Errorf("drop reset links: %w", err)
		}
		if ended, err = endSessions(ctx, cl, u.ID, 0); err != nil {
			return err
		}
		return s.send(ctx, tx, passwordChangedMail(u))
	})
	if err != nil {
		return nil, err
	}
	for _, id := range ended {
		s.revoked(ctx, id)
	}
	// Read back outside the transaction, so the entity is bound to no finished one.
	if u, err = s.client.User.Get(ctx, u.ID); err != nil {
		return nil, fmt.Errorf("find account: %w", err)
	}
	return s.startSession(ctx, u, c)
}

// ChangePassword replaces the password after checking the current one, and signs out every
// other session of the account.
func (s *Service) ChangePassword(ctx context.Context, v *Viewer, current, password string) error {
	if err := s.checkPassword(ctx, v, &current, "currentPassword", "Enter your current password."); err != nil {
		return err
	}
	if err := s.policy.Password(password); err != nil {
		return withField(err, "newPassword")
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	var ended []int
	err = s.inTx(ctx, func(tx *sql.Tx, cl *ent.Client) error {
		if err := cl.User.UpdateOneID(v.User.ID).SetPasswordHash(hash).Exec(ctx); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if ended, err = endSessions(ctx, cl, v.User.ID, v.SessionID); err != nil {
			return err
		}
		return s.send(ctx, tx, passwordChangedMail(v.User))
	})
	if err != nil {
		return err
	}
	for _, id := range ended {
		s.revoked(ctx, id)
	}
	return nil
}

// endSessions deletes the account's sessions but keep (0: all) and returns their ids, for
// the caller to announce once its transaction committed.
func endSessions(ctx context.Context, c *ent.Client, userID, keep int) ([]int, error) {
	ids, err := c.Session.Query().Where(session.UserID(userID), session.IDNEQ(keep)).IDs(ctx)
	if err != nil {
		return nil, fmt.Errorf("find sessions: %w", err)
	}
	if _, err := c.Session.Delete().Where(session.IDIn(ids...)).Exec(ctx); err != nil {
		return nil, fmt.Errorf("end sessions: %w", err)
	}
	return ids, nil
}

// withField names the field a policy error is about.
func withField(err error, field string) error {
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Field != "" {
		copied := *ae
		copied.Field = field
		return &copied
	}
	return err
}

// cmpErr returns err when it is set, else fallback.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}

func ignoreNotFound(err error) error {
	if ent.IsNotFound(err) {
		return nil
	}
	return err
}
