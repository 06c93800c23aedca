// Package ai is Switchboard's link to language models and its model-free
// helpers: a workspace's OpenAI-compatible provider (base URL, sealed API
// key, chat and embeddings models, a monthly token budget, optional
// redaction), the client every AI feature calls through (Service.Model),
// the intents the Classify workflow step sorts messages into with a small
// naive Bayes classifier trained from examples, and a character-trigram
// language detector. Nothing here needs a model to work: without one, the
// classifier and the detector still answer.
package ai

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-chat/switchboard/internal/apperr"
	"github.com/switchboard-chat/switchboard/internal/db"
	"github.com/switchboard-chat/switchboard/internal/limit"
	"github.com/switchboard-chat/switchboard/internal/netguard"
	"github.com/switchboard-chat/switchboard/internal/secret"
)

// Options build a Service.
type Options struct {
	// Keys seals API keys at rest. A node always has keys; nil stores
	// them in plaintext (tests of other packages only).
	Keys *secret.Keyring
	// Guard vets the provider's address and makes every call; nil uses
	// a guard with the defaults (private addresses refused).
	Guard *netguard.Guard
	// Timeout bounds one call (default 60s; streams get twice as long).
	Timeout time.Duration
	// MaxRetries is how many times a call answered 429 or 5xx (or not
	// answered) is tried again (default 3).
	MaxRetries int
	// Sleep waits between attempts (default: a timer honouring ctx);
	// tests record the waits instead.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Service holds the workspaces' AI settings, usage and intents.
type Service struct {
	db      *db.DB
	keys    *secret.Keyring
	guard   *netguard.Guard
	timeout time.Duration
	retries int
	sleep   func(ctx context.Context, d time.Duration) error

	mu      sync.Mutex
	trained map[int64]*trainedModel // workspace -> classifier of its current intents
}

// New returns the service over d.
func New(d *db.DB, o Options) *Service {
	if o.Guard == nil {
		o.Guard = netguard.New(netguard.Options{})
	}
	if o.Timeout <= 0 {
		o.Timeout = 60 * time.Second
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 3
	}
	if o.Sleep == nil {
		o.Sleep = sleepCtx
	}
	return &Service{db: d, keys: o.Keys, guard: o.Guard, timeout: o.Timeout, retries: o.MaxRetries,
		sleep: o.Sleep, trained: map[int64]*trainedModel{}}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// DefaultThreshold is the confidence under which the classifier answers
// "none" unless the workspace chose another.
const DefaultThreshold = 0.5

// Settings are a workspace's AI settings as the API shows them: the key
// only as "set" and its last four characters.
type Settings struct {
	BaseURL         string     `json:"base_url"`
	APIKeySet       bool       `json:"api_key_set"`
	APIKeyLast4     string     `json:"api_key_last4"`
	ChatModel       string     `json:"chat_model"`
	EmbeddingsModel string     `json:"embeddings_model"`
	MonthlyBudget   int64      `json:"monthly_budget"`
	Redact          bool       `json:"redact"`
	LLMClassify     bool       `json:"llm_classify"`
	Threshold       float64    `json:"threshold"`
	Configured      bool       `json:"configured"`
	UpdatedAt       *time.Time `json:"updated_at"`

	apiKey string
}

// SettingsInput changes the fields given. APIKey "" removes the key;
// absent keeps it.
type SettingsInput struct {
	BaseURL         *string  `json:"base_url"`
	APIKey          *string  `json:"api_key"`
	ChatModel       *string  `json:"chat_model"`
	EmbeddingsModel *string  `json:"embeddings_model"`
	MonthlyBudget   *int64   `json:"monthly_budget"`
	Redact          *bool    `json:"redact"`
	LLMClassify     *bool    `json:"llm_classify"`
	Threshold       *float64 `json:"threshold"`
}

// Limits of the settings, in characters.
const (
	MaxURLLen   = 500
	MaxKeyLen   = 500
	MaxModelLen = 200
)

// Settings returns the workspace's AI settings (the defaults when none
// were saved).
func (s *Service) Settings(ctx context.Context, workspaceID int64) (Settings, error) {
	st, err := s.load(ctx, s.db.Reader(), workspaceID)
	if err != nil {
		return Settings{}, err
	}
	return st, nil
}

func (s *Service) load(ctx context.Context, q db.Querier, workspaceID int64) (Settings, error) {
	st := Settings{Threshold: DefaultThreshold}
	var sealed string
	var redact, llm int64
	var updated int64
	err := q.QueryRow(ctx, `SELECT base_url, api_key, chat_model, embed_model, monthly_budget, redact, llm_classify, threshold, updated_at
		FROM ai_settings WHERE workspace_id = ?`, workspaceID).Scan(&st.BaseURL, &sealed, &st.ChatModel, &st.EmbeddingsModel,
		&st.MonthlyBudget, &redact, &llm, &st.Threshold, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("ai: settings: %w", err)
	}
	st.Redact, st.LLMClassify = redact != 0, llm != 0
	t := db.Time(updated)
	st.UpdatedAt = &t
	if sealed != "" {
		key, err := s.open(workspaceID, sealed)
		if err != nil {
			return Settings{}, err
		}
		st.apiKey = key
	}
	st.fill()
	return st, nil
}

// fill derives the fields shown from the key and models.
func (st *Settings) fill() {
	st.APIKeySet = st.apiKey != ""
	st.APIKeyLast4 = ""
	if r := []rune(st.apiKey); len(r) >= 8 {
		st.APIKeyLast4 = string(r[len(r)-4:])
	}
	st.Configured = st.BaseURL != "" && (st.ChatModel != "" || st.EmbeddingsModel != "")
}

func aad(workspaceID int64) []byte { return fmt.Appendf(nil, "ai_settings:%d", workspaceID) }

func (s *Service) seal(workspaceID int64, key string) string {
	if key == "" || s.keys == nil {
		return key
	}
	return s.keys.Seal([]byte(key), aad(workspaceID))
}

func (s *Service) open(workspaceID int64, stored string) (string, error) {
	if !secret.IsSealed(stored) {
		return stored, nil
	}
	if s.keys == nil {
		return "", errors.New("ai: the API key is sealed and this service has no keys")
	}
	plain, err := s.keys.Open(stored, aad(workspaceID))
	if err != nil {
		return "", fmt.Errorf("ai: api key: %w", err)
	}
	return string(plain), nil
}

// UpdateSettings changes the fields given and returns the settings.
func (s *Service) UpdateSettings(ctx context.Context, workspaceID int64, in SettingsInput) (Settings, error) {
	if err := s.checkInput(&in); err != nil {
		return Settings{}, err
	}
	var st Settings
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		var err error
		if st, err = s.load(ctx, tx, workspaceID); err != nil {
			return err
		}
		if in.BaseURL != nil && *in.BaseURL != st.BaseURL && in.APIKey == nil && st.apiKey != "" {
			// The key is shown to nobody, so it must not follow a new
			// address either: whoever changed the URL would receive it
			// with the next call (the Test button).
			return apperr.Invalid("api_key", "enter the key again for the new base URL: the saved key is sent only to the address it was saved with")
		}
		if in.BaseURL != nil {
			st.BaseURL = *in.BaseURL
		}
		if in.APIKey != nil {
			st.apiKey = *in.APIKey
		}
		if in.ChatModel != nil {
			st.ChatModel = *in.ChatModel
		}
		if in.EmbeddingsModel != nil {
			st.EmbeddingsModel = *in.EmbeddingsModel
		}
		if in.MonthlyBudget != nil {
			st.MonthlyBudget = *in.MonthlyBudget
		}
		if in.Redact != nil {
			st.Redact = *in.Redact
		}
		if in.LLMClassify != nil {
			st.LLMClassify = *in.LLMClassify
		}
		if in.Threshold != nil {
			st.Threshold = *in.Threshold
		}
		now := tx.Now()
		t := db.Time(now)
		st.UpdatedAt = &t
		_, err = tx.Exec(ctx, `INSERT INTO ai_settings (workspace_id, base_url, api_key, chat_model, embed_model, monthly_budget, redact, llm_classify, threshold, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (workspace_id) DO UPDATE SET base_url = excluded.base_url, api_key = excluded.api_key, chat_model = excluded.chat_model,
			embed_model = excluded.embed_model, monthly_budget = excluded.monthly_budget, redact = excluded.redact,
			llm_classify = excluded.llm_classify, threshold = excluded.threshold, updated_at = excluded.updated_at`,
			workspaceID, st.BaseURL, s.seal(workspaceID, st.apiKey), st.ChatModel, st.EmbeddingsModel, st.MonthlyBudget,
			db.Bool(st.Redact), db.Bool(st.LLMClassify), st.Threshold, now)
		return err
	})
	if err != nil {
		if apperr.KindOf(err) != "" {
			return Settings{}, err
		}
		return Settings{}, fmt.Errorf("ai: update settings: %w", err)
	}
	st.fill()
	return st, nil
}

func (s *Service) checkInput(in *SettingsInput) error {
	trim := func(p *string) {
		if p != nil {
			*p = strings.TrimSpace(*p)
		}
	}
	trim(in.BaseURL)
	trim(in.APIKey)
	trim(in.ChatModel)
	trim(in.EmbeddingsModel)
	if in.BaseURL != nil && *in.BaseURL != "" {
		*in.BaseURL = strings.TrimRight(*in.BaseURL, "/")
		if err := limit.Text("base_url", *in.BaseURL, MaxURLLen); err != nil {
			return err
		}
		u, err := url.Parse(*in.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return apperr.Invalid("base_url", "must be an http(s) URL such as https://api.openai.com/v1")
		}
		if err := s.guard.CheckURL(*in.BaseURL); err != nil {
			return apperr.Invalid("base_url", "is refused: %v (a model server on a private address needs the operator's --allow-private-networks)", err)
		}
	}
	if in.APIKey != nil {
		if err := limit.Text("api_key", *in.APIKey, MaxKeyLen); err != nil {
			return err
		}
		if strings.ContainsAny(*in.APIKey, "\r\n") {
			return apperr.Invalid("api_key", "must be one line")
		}
	}
	for field, p := range map[string]*string{"chat_model": in.ChatModel, "embeddings_model": in.EmbeddingsModel} {
		if p != nil {
			if err := limit.Text(field, *p, MaxModelLen); err != nil {
				return err
			}
		}
	}
	if in.MonthlyBudget != nil && *in.MonthlyBudget < 0 {
		return apperr.Invalid("monthly_budget", "must be 0 (no budget) or a number of tokens")
	}
	if in.Threshold != nil && (*in.Threshold < 0 || *in.Threshold > 1) {
		return apperr.Invalid("threshold", "must be between 0 and 1")
	}
	return nil
}

// Usage is a workspace's token use in the current calendar month (UTC).
type Usage struct {
	Month            string `json:"month"`
	Calls            int64  `json:"calls"`
	PromptTokens     int64  `json:"prompt_tokens"`
	CompletionTokens int64  `json:"completion_tokens"`
	TotalTokens      int64  `json:"total_tokens"`
	MonthlyBudget    int64  `json:"monthly_budget"`
	// Remaining is the budget left (-1: no budget).
	Remaining int64 `json:"remaining"`
}

func (s *Service) month() string { return time.UnixMilli(s.db.Now()).UTC().Format("2006-01") }

// Usage returns this month's usage against the budget.
func (s *Service) Usage(ctx context.Context, workspaceID int64) (Usage, error) {
	st, err := s.Settings(ctx, workspaceID)
	if err != nil {
		return Usage{}, err
	}
	return s.usage(ctx, workspaceID, st.MonthlyBudget)
}

func (s *Service) usage(ctx context.Context, workspaceID, budget int64) (Usage, error) {
	u := Usage{Month: s.month(), MonthlyBudget: budget}
	err := s.db.Reader().QueryRow(ctx, `SELECT calls, prompt_tokens, completion_tokens FROM ai_usage WHERE workspace_id = ? AND month = ?`,
		workspaceID, u.Month).Scan(&u.Calls, &u.PromptTokens, &u.CompletionTokens)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Usage{}, fmt.Errorf("ai: usage: %w", err)
	}
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	u.Remaining = -1
	if budget > 0 {
		u.Remaining = max(budget-u.TotalTokens, 0)
	}
	return u, nil
}

// record adds a call's tokens to this month's usage.
func (s *Service) record(ctx context.Context, workspaceID int64, prompt, completion int) error {
	month := s.month()
	// Counted even when the caller gave up meanwhile: the tokens were spent.
	ctx = context.WithoutCancel(ctx)
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO ai_usage (workspace_id, month, calls, prompt_tokens, completion_tokens) VALUES (?, ?, 1, ?, ?)
			ON CONFLICT (workspace_id, month) DO UPDATE SET calls = ai_usage.calls + 1,
			prompt_tokens = ai_usage.prompt_tokens + excluded.prompt_tokens, completion_tokens = ai_usage.completion_tokens + excluded.completion_tokens`,
			workspaceID, month, prompt, completion)
		return err
	})
	if err != nil {
		return fmt.Errorf("ai: record usage: %w", err)
	}
	return nil
}

// ErrBudgetExhausted refuses a call once the month's tokens reach the
// workspace's budget. The AI agent hands over on it.
var ErrBudgetExhausted = errors.New("ai: this month's token budget is spent")

// ErrNotConfigured is returned by Test when no provider is set.
var ErrNotConfigured = errors.New("ai: no model provider is configured for this workspace")

// checkBudget refuses when the month's usage reached the budget.
func (s *Service) checkBudget(ctx context.Context, workspaceID, budget int64) error {
	if budget <= 0 {
		return nil
	}
	u, err := s.usage(ctx, workspaceID, budget)
	if err != nil {
		return err
	}
	if u.TotalTokens >= budget {
		return fmt.Errorf("%w (%d of %d tokens used in %s)", ErrBudgetExhausted, u.TotalTokens, budget, u.Month)
	}
	return nil
}

// httpClient is the guarded client.
func (s *Service) httpClient() *http.Client { return s.guard.Client() }
