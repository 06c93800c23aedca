package workspace

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"rsc.io/qr"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// Two-factor sign-in: a person turns it on for their account (every
// workspace they work in) by scanning a key into an authenticator app and
// typing its first code; from then on a sign-in needs, with the password,
// the app's code of the moment or one of ten one-time recovery codes.

// totpIssuer names the entry in the person's authenticator app.
const totpIssuer = "Switchboard"

// recoveryCodeCount is how many recovery codes an account gets at once.
const recoveryCodeCount = 10

// TwoFactorInput is what turning the second factor on, off or getting new
// recovery codes asks: the account's password, and (but to begin) a code.
type TwoFactorInput struct {
	Password string `json:"password"`
	Code     string `json:"code"`
	// ClientAddr is the client's address: a wrong password or code counts
	// as a failed sign-in for the limits.
	ClientAddr string `json:"-"`
}

// TwoFactorSetup is the key of an authenticator being set up, shown once.
type TwoFactorSetup struct {
	Secret string `json:"secret"`      // base32, for typing into the app
	URI    string `json:"otpauth_uri"` // what the QR code holds
	QRCode string `json:"qr_code"`     // the URI as a PNG QR code, a data: URL
}

// RecoveryCodes are an account's one-time recovery codes, shown once.
type RecoveryCodes struct {
	Codes []string `json:"recovery_codes"`
}

var (
	errTwoFactorRequired = apperr.WithCode(apperr.KindUnauthorized, "two_factor_required",
		"enter the code of your authenticator app (or one of your recovery codes)")
	errTwoFactorInvalid = apperr.WithCode(apperr.KindUnauthorized, "two_factor_invalid",
		"the code is wrong, expired or already used: enter the newest code of your authenticator app")
)

// ownAccount is the account of a user, as the two-factor changes read it.
type ownAccount struct {
	id          int64
	email, hash string
	secret      string // sealed; "": no second factor
	lastStep    int64
	release     func() // gives back the sign-in limits' slot
}

// checkOwnPassword reads the user's account and checks its password (the
// body's field), holding a slot of the sign-in limits: the caller
// releases it (a right answer); a wrong password keeps it, so it counts
// as a failed sign-in.
func (s *Service) checkOwnPassword(ctx context.Context, workspaceID, userID int64, field, password, addr string) (*ownAccount, error) {
	a := &ownAccount{}
	err := s.db.Reader().QueryRow(ctx, `SELECT a.id, a.email, a.password_hash, a.totp_secret, a.totp_last_step
		FROM users u JOIN accounts a ON a.id = u.account_id WHERE u.workspace_id = ? AND u.id = ?`, workspaceID, userID).
		Scan(&a.id, &a.email, &a.hash, &a.secret, &a.lastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFound("user")
	}
	if err != nil {
		return nil, wrap("two-factor", err)
	}
	release, err := s.limits.reserve(a.email, addr)
	if err != nil {
		return nil, err
	}
	ok, err := s.hasher.check(ctx, a.hash, password)
	if err != nil {
		release()
		return nil, err
	}
	if !ok {
		if a.hash == "" {
			// Nothing was guessed: there is no password to guess.
			release()
			return nil, apperr.Conflict("you have no password yet; an owner or manager sets the first one")
		}
		return nil, apperr.Invalid(field, "is wrong")
	}
	a.release = release
	return a, nil
}

// BeginTwoFactor makes a new authenticator key for the user's account,
// kept aside until ConfirmTwoFactor: the second factor is not on yet.
func (s *Service) BeginTwoFactor(ctx context.Context, workspaceID, userID int64, in TwoFactorInput) (TwoFactorSetup, error) {
	a, err := s.checkOwnPassword(ctx, workspaceID, userID, "password", in.Password, in.ClientAddr)
	if err != nil {
		return TwoFactorSetup{}, err
	}
	a.release()
	if a.secret != "" {
		return TwoFactorSetup{}, apperr.Conflict("two-factor sign-in is on already: turn it off first to move to another authenticator")
	}
	key := newTOTPSecret()
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE accounts SET totp_pending = ? WHERE id = ?`, s.sealTOTP(a.id, key), a.id)
		return err
	})
	if err != nil {
		return TwoFactorSetup{}, wrap("two-factor", err)
	}
	uri := totpURI(totpIssuer, a.email, key)
	code, err := qr.Encode(uri, qr.M)
	if err != nil {
		return TwoFactorSetup{}, fmt.Errorf("workspace: two-factor QR code: %w", err)
	}
	return TwoFactorSetup{Secret: key, URI: uri, QRCode: "data:image/png;base64," + base64.StdEncoding.EncodeToString(code.PNG())}, nil
}

// ConfirmTwoFactor turns the second factor on with the first code of the
// key BeginTwoFactor made, and answers the account's recovery codes.
func (s *Service) ConfirmTwoFactor(ctx context.Context, workspaceID, userID int64, code string) (RecoveryCodes, error) {
	var id int64
	var secretNow, pending string
	err := s.db.Reader().QueryRow(ctx, `SELECT a.id, a.totp_secret, a.totp_pending FROM users u JOIN accounts a ON a.id = u.account_id
		WHERE u.workspace_id = ? AND u.id = ?`, workspaceID, userID).Scan(&id, &secretNow, &pending)
	if errors.Is(err, sql.ErrNoRows) {
		return RecoveryCodes{}, apperr.NotFound("user")
	}
	if err != nil {
		return RecoveryCodes{}, wrap("two-factor", err)
	}
	if secretNow != "" {
		return RecoveryCodes{}, apperr.Conflict("two-factor sign-in is on already")
	}
	if pending == "" {
		return RecoveryCodes{}, apperr.Conflict("set up an authenticator first (POST /api/v1/me/two-factor)")
	}
	key, err := s.openTOTP(id, pending)
	if err != nil {
		return RecoveryCodes{}, err
	}
	step, ok, err := totpMatch(key, normalCode(code), s.clock.Now(), 0)
	if err != nil {
		return RecoveryCodes{}, err
	}
	if !ok {
		return RecoveryCodes{}, apperr.Invalid("code", "is not the authenticator's code of the moment: check that the phone's clock is right and type its newest code")
	}
	codes := newRecoveryCodes()
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		// The key confirmed must still be the one set up: a second set-up
		// meanwhile made another.
		res, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = totp_pending, totp_pending = '', totp_last_step = ? WHERE id = ? AND totp_pending = ?`,
			step, id, pending)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = apperr.Conflict("another authenticator was set up meanwhile: scan its QR code and type its code")
			}
			return err
		}
		return putRecoveryCodes(ctx, tx, id, codes)
	})
	if err != nil {
		return RecoveryCodes{}, wrap("two-factor", err)
	}
	return RecoveryCodes{Codes: codes}, nil
}

// DisableTwoFactor turns the second factor off, with the password and a
// code (the app's or a recovery code).
func (s *Service) DisableTwoFactor(ctx context.Context, workspaceID, userID int64, in TwoFactorInput) error {
	// A workspace of the person's that requires it keeps it on: asked
	// before anything is checked, so the answer guesses nothing.
	var required string
	err := s.db.Reader().QueryRow(ctx, `SELECT w.name FROM users me JOIN users u ON u.account_id = me.account_id
		JOIN workspaces w ON w.id = u.workspace_id
		WHERE me.workspace_id = ? AND me.id = ? AND u.deactivated_at = 0 AND w.require_two_factor = 1 ORDER BY w.id LIMIT 1`,
		workspaceID, userID).Scan(&required)
	if err == nil {
		return apperr.Conflict("%s requires two-factor sign-in of its members: it stays on", required)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return wrap("two-factor", err)
	}
	a, err := s.checkBoth(ctx, workspaceID, userID, in)
	if err != nil {
		return err
	}
	return s.db.Write(ctx, func(tx *db.Tx) error { return clearTwoFactor(ctx, tx, a.id) })
}

// clearTwoFactor turns an account's second factor off: its key, a key
// being set up, and its recovery codes go.
func clearTwoFactor(ctx context.Context, tx *db.Tx, account int64) error {
	if _, err := tx.Exec(ctx, `UPDATE accounts SET totp_secret = '', totp_pending = '', totp_last_step = 0 WHERE id = ?`, account); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM account_recovery_codes WHERE account_id = ?`, account)
	return err
}

// NewRecoveryCodes replaces the account's recovery codes (those left, or
// all used), with the password and a code.
func (s *Service) NewRecoveryCodes(ctx context.Context, workspaceID, userID int64, in TwoFactorInput) (RecoveryCodes, error) {
	a, err := s.checkBoth(ctx, workspaceID, userID, in)
	if err != nil {
		return RecoveryCodes{}, err
	}
	codes := newRecoveryCodes()
	err = s.db.Write(ctx, func(tx *db.Tx) error { return putRecoveryCodes(ctx, tx, a.id, codes) })
	if err != nil {
		return RecoveryCodes{}, wrap("two-factor", err)
	}
	return RecoveryCodes{Codes: codes}, nil
}

// checkBoth checks the password and a second factor of an account that
// has one; a wrong one of either counts as a failed sign-in.
func (s *Service) checkBoth(ctx context.Context, workspaceID, userID int64, in TwoFactorInput) (*ownAccount, error) {
	a, err := s.checkOwnPassword(ctx, workspaceID, userID, "password", in.Password, in.ClientAddr)
	if err != nil {
		return nil, err
	}
	if a.secret == "" {
		a.release()
		return nil, apperr.Conflict("two-factor sign-in is off")
	}
	ok, err := s.secondFactor(ctx, a.id, a.secret, a.lastStep, in.Code, true)
	if err != nil {
		a.release()
		return nil, err
	}
	if !ok {
		return nil, apperr.Invalid("code", "is wrong, expired or already used")
	}
	a.release()
	return a, nil
}

// signInCode checks the second factor given where a session opens (a
// sign-in, an invitation's accept) for an account that has one: nil when
// right (spent with consume) or when the account has none,
// errTwoFactorRequired without a code, errTwoFactorInvalid when wrong —
// which counts as a failed sign-in: its caller keeps its limits' slot.
func (s *Service) signInCode(ctx context.Context, account int64, totp string, lastStep int64, code string, consume bool) error {
	if totp == "" {
		return nil
	}
	if strings.TrimSpace(code) == "" {
		return errTwoFactorRequired
	}
	ok, err := s.secondFactor(ctx, account, totp, lastStep, code, consume)
	if err != nil {
		return err
	}
	if !ok {
		return errTwoFactorInvalid
	}
	return nil
}

// secondFactor checks code against an account's second factor: the
// authenticator's code of the moment (six digits) or a recovery code.
// With consume, the code is spent: an app's code (and those before it)
// is not taken again, a recovery code is gone; without, it is only
// checked (a sign-in that answers the person's workspaces to choose
// from, which the next request, with the same code, signs in to).
func (s *Service) secondFactor(ctx context.Context, account int64, sealed string, lastStep int64, code string, consume bool) (bool, error) {
	code = normalCode(code)
	if code == "" {
		return false, nil
	}
	if len(code) == totpDigits {
		if _, err := strconv.Atoi(code); err == nil {
			key, err := s.openTOTP(account, sealed)
			if err != nil {
				return false, err
			}
			step, ok, err := totpMatch(key, code, s.clock.Now(), lastStep)
			if err != nil || !ok || !consume {
				return ok, err
			}
			// Two sign-ins with one code at once: one takes it.
			return s.changedOne(ctx, `UPDATE accounts SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?`, step, account, step)
		}
	}
	hash := recoveryHash(code)
	if !consume {
		var n int
		err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM account_recovery_codes WHERE account_id = ? AND code_hash = ?`, account, hash).Scan(&n)
		return n == 1, err
	}
	return s.changedOne(ctx, `DELETE FROM account_recovery_codes WHERE account_id = ? AND code_hash = ?`, account, hash)
}

// changedOne runs a statement that spends a code and reports whether it
// changed its row: of two requests spending one code, one does.
func (s *Service) changedOne(ctx context.Context, query string, args ...any) (bool, error) {
	var spent bool
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		spent = n == 1
		return err
	})
	return spent, err
}

// RecoveryCodesLeft is how many unused recovery codes the user's account
// has (the account page says so, to make new ones in time).
func (s *Service) RecoveryCodesLeft(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.db.Reader().QueryRow(ctx, `SELECT COUNT(*) FROM account_recovery_codes WHERE account_id = ?`, accountID).Scan(&n)
	return n, err
}

// normalCode is a code as typed, without spaces or dashes, in lower case.
func normalCode(code string) string {
	return strings.ToLower(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(code))
}

// newRecoveryCodes makes an account's recovery codes: ten characters of
// base32 each (50 bits), shown as two groups of five.
func newRecoveryCodes() []string {
	codes := make([]string, recoveryCodeCount)
	for i := range codes {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			panic(err)
		}
		c := strings.ToLower(totpEncoding.EncodeToString(b))[:10]
		codes[i] = c[:5] + "-" + c[5:]
	}
	return codes
}

func recoveryHash(code string) string {
	sum := sha256.Sum256([]byte(normalCode(code)))
	return hex.EncodeToString(sum[:])
}

// putRecoveryCodes replaces an account's recovery codes.
func putRecoveryCodes(ctx context.Context, tx *db.Tx, account int64, codes []string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM account_recovery_codes WHERE account_id = ?`, account); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.Exec(ctx, `INSERT INTO account_recovery_codes (account_id, code_hash) VALUES (?, ?)`, account, recoveryHash(c)); err != nil {
			return err
		}
	}
	return nil
}

func totpAAD(account int64) []byte { return fmt.Appendf(nil, "accounts:%d:totp", account) }

// sealTOTP seals an authenticator's key for the account's row.
func (s *Service) sealTOTP(account int64, key string) string {
	if s.keys == nil {
		return key
	}
	return s.keys.Seal([]byte(key), totpAAD(account))
}

// openTOTP opens a key sealTOTP sealed.
func (s *Service) openTOTP(account int64, stored string) (string, error) {
	if !secret.IsSealed(stored) {
		return stored, nil // sealed by no key: a service without keys (tests)
	}
	if s.keys == nil {
		return "", errors.New("workspace: the authenticator's key is sealed and this service has no keys")
	}
	plain, err := s.keys.Open(stored, totpAAD(account))
	if err != nil {
		return "", fmt.Errorf("workspace: the authenticator's key: %w", err)
	}
	return string(plain), nil
}

// TurnOffTwoFactor is the server's operator turning an account's second
// factor off (the command line's "user two-factor-off"): the way back in
// for a person who lost both their authenticator and their recovery
// codes. It reports whether the account had one.
func (s *Service) TurnOffTwoFactor(ctx context.Context, email string) (bool, error) {
	email = normalEmail(email)
	var had bool
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var id int64
		var secretNow string
		err := tx.QueryRow(ctx, `SELECT id, totp_secret FROM accounts WHERE lower(email) = ?`, email).Scan(&id, &secretNow)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.NotFound("account")
		}
		if err != nil {
			return err
		}
		had = secretNow != ""
		return clearTwoFactor(ctx, tx, id)
	})
	if apperr.KindOf(err) != "" {
		return false, err
	}
	return had, wrap("two-factor", err)
}
