// Package config holds the one configuration struct, loaded from flags with MARQUEE_*
// environment twins, and validated before anything is opened or written.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Config is everything a marquee process needs to know at start.
type Config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	MediaURL    string
	Secret      string
	// PublicURL is how browsers reach this server; https makes cookies Secure.
	PublicURL      string
	AllowedOrigins []string
	Workers        int
	LogLevel       slog.Level
	LogFormat      string

	SessionIdleTTL     time.Duration
	SessionAbsoluteTTL time.Duration
	MaxUploadBytes     int64
	ComplexityLimit    int
	// RequestTimeout bounds one GraphQL query or mutation over HTTP (not uploads or
	// websockets): its resolvers, and their database work, are cancelled at the deadline.
	RequestTimeout  time.Duration
	ShutdownTimeout time.Duration

	// Transcoding.
	FFmpeg, FFprobe string
	X264Preset      string
	Ladder          string // transcoder.LadderPerTitle or transcoder.LadderFixed
	SegmentSeconds  int
	FragmentMillis  int // movie fragments inside each segment; 0 keeps one per segment
	// EncryptMedia makes transcodes publish encrypted media (the default); off, new videos
	// stay in the clear behind signed URLs, as before encryption existed.
	EncryptMedia bool
	// KeyPeriod is how much content one encryption key covers (0: one key per rendition).
	KeyPeriod time.Duration
	// MediaPublicURL is where encrypted videos' folders are served without a token: this
	// server's /media (the default), or a server in front or a CDN.
	MediaPublicURL   string
	TranscodeTimeout time.Duration
	// RescueAfter is how long a job whose worker died stays claimed before it is retried.
	// Live workers mark their jobs as they run (every quarter of it), so it bounds how long
	// a crash holds a job up, not how long a job may run.
	RescueAfter time.Duration

	// Payments: the provider ("sandbox" is the only one built in), its simulated
	// latency, and how often due memberships are renewed.
	PaymentProvider string
	SandboxLatency  time.Duration
	PaymentTimeout  time.Duration
	RenewEvery      time.Duration

	// LibraryDirs are the folders (absolute) under which administrators may start a library
	// scan from the app; none: scans run only from the command line.
	LibraryDirs []string

	// RecommendRefit is how long a fitted recommender serves before it is fitted again on
	// the whole log; refreshes in between re-rank only viewers with new activity.
	RecommendRefit time.Duration

	// SMTPURL is the mail server (smtp:// with STARTTLS, smtps:// with TLS); none: each
	// message is written to the log instead. MailFrom is the sender.
	SMTPURL  string
	MailFrom string

	// Webhooks: http:// receivers allowed (otherwise https only), and the private networks
	// deliveries may reach (otherwise only public addresses).
	WebhookAllowHTTP     bool
	WebhookAllowNetworks []netip.Prefix

	// Database pool settings (PostgreSQL).
	DBMaxOpenConns    int
	DBMaxIdleConns    int
	DBConnMaxLifetime time.Duration
}

// Default returns the configuration of a plain `marquee serve`.
func Default() Config {
	return Config{
		Addr:               "127.0.0.1:8080",
		DataDir:            "./data",
		Workers:            1,
		LogLevel:           slog.LevelInfo,
		LogFormat:          "text",
		SessionIdleTTL:     30 * 24 * time.Hour,
		SessionAbsoluteTTL: 180 * 24 * time.Hour,
		MaxUploadBytes:     8 << 30,
		ComplexityLimit:    5000,
		RequestTimeout:     30 * time.Second,
		PaymentTimeout:     20 * time.Second,
		FFmpeg:             "ffmpeg",
		FFprobe:            "ffprobe",
		X264Preset:         "veryfast",
		Ladder:             "per-title",
		SegmentSeconds:     4,
		FragmentMillis:     500,
		EncryptMedia:       true,
		KeyPeriod:          2 * time.Minute,
		MediaPublicURL:     "/media",
		TranscodeTimeout:   2 * time.Hour,
		ShutdownTimeout:    15 * time.Second,
		PaymentProvider:    "sandbox",
		MailFrom:           "Marquee <marquee@localhost>",
		RenewEvery:         5 * time.Minute,
		RecommendRefit:     6 * time.Hour,
		DBMaxOpenConns:     20,
		DBMaxIdleConns:     10,
		DBConnMaxLifetime:  30 * time.Minute,
	}
}

// Binder registers the common flags, each defaulting to its environment twin, on a flag
// set that a command may extend with its own flags before parsing.
type Binder struct {
	c                                   Config
	origins, level, libraries, hookNets string
}

// Bind registers the common flags on fs. getenv is os.Getenv outside tests.
func Bind(fs *flag.FlagSet, getenv func(string) string) *Binder {
	b := &Binder{c: Default()}
	c := &b.c
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("MARQUEE_ADDR", c.Addr), "listen address (MARQUEE_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("MARQUEE_DATA_DIR", c.DataDir), "data directory: SQLite file, media, search index, secret (MARQUEE_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "postgres:// URL; default SQLite in the data dir (DATABASE_URL)")
	fs.StringVar(&c.MediaURL, "media-url", env("MARQUEE_MEDIA_URL", ""), "media store: file:///path or s3://bucket/prefix?endpoint=… (MARQUEE_MEDIA_URL)")
	fs.StringVar(&c.Secret, "secret", env("MARQUEE_SECRET", ""), "media-signing key shared by replicas; default generated into the data dir (MARQUEE_SECRET)")
	fs.StringVar(&c.PublicURL, "public-url", env("MARQUEE_PUBLIC_URL", ""), "public base URL, e.g. https://tv.example.org (MARQUEE_PUBLIC_URL)")
	fs.StringVar(&b.origins, "allowed-origins", env("MARQUEE_ALLOWED_ORIGINS", ""), "extra origins allowed for websockets and cross-origin POSTs, comma-separated (MARQUEE_ALLOWED_ORIGINS)")
	fs.StringVar(&b.libraries, "library-dirs", env("MARQUEE_LIBRARY_DIRS", ""), "folders under which administrators may scan media from the app, comma-separated; none: only `marquee library scan` (MARQUEE_LIBRARY_DIRS)")
	fs.IntVar(&c.Workers, "workers", envInt(getenv, "MARQUEE_WORKERS", c.Workers), "in-process transcoder workers; 0 disables (MARQUEE_WORKERS)")
	fs.Int64Var(&c.MaxUploadBytes, "max-upload-bytes", envInt64(getenv, "MARQUEE_MAX_UPLOAD_BYTES", c.MaxUploadBytes), "largest accepted source video (MARQUEE_MAX_UPLOAD_BYTES)")
	fs.StringVar(&c.FFmpeg, "ffmpeg", env("MARQUEE_FFMPEG", c.FFmpeg), "ffmpeg executable (MARQUEE_FFMPEG)")
	fs.StringVar(&c.FFprobe, "ffprobe", env("MARQUEE_FFPROBE", c.FFprobe), "ffprobe executable (MARQUEE_FFPROBE)")
	fs.StringVar(&c.Ladder, "ladder", env("MARQUEE_LADDER", c.Ladder), "bitrate ladder of new transcodes: per-title (bits follow the picture) or fixed (MARQUEE_LADDER)")
	fs.StringVar(&c.X264Preset, "x264-preset", env("MARQUEE_X264_PRESET", c.X264Preset), "libx264 preset: ultrafast … veryslow (MARQUEE_X264_PRESET)")
	fs.IntVar(&c.FragmentMillis, "fragment-ms", envInt(getenv, "MARQUEE_FRAGMENT_MS", c.FragmentMillis), "length of the movie fragments inside each HLS segment, in milliseconds; 0 keeps one fragment per segment (MARQUEE_FRAGMENT_MS)")
	fs.BoolVar(&c.EncryptMedia, "encrypt-media", envBool(getenv, "MARQUEE_ENCRYPT_MEDIA", c.EncryptMedia), "encrypt what transcodes publish, so segments can be public and keys go to live sessions only (MARQUEE_ENCRYPT_MEDIA)")
	fs.DurationVar(&c.KeyPeriod, "key-period", envDuration(getenv, "MARQUEE_KEY_PERIOD", c.KeyPeriod), "content time one encryption key covers; a revoked viewer stops within it; 0: one key per rendition (MARQUEE_KEY_PERIOD)")
	fs.StringVar(&c.MediaPublicURL, "media-public-url", env("MARQUEE_MEDIA_PUBLIC_URL", c.MediaPublicURL), "where the media folder is served without a token: /media (this server) or a server in front or CDN, e.g. https://cdn.example.org/media (MARQUEE_MEDIA_PUBLIC_URL)")
	fs.IntVar(&c.SegmentSeconds, "segment-seconds", envInt(getenv, "MARQUEE_SEGMENT_SECONDS", c.SegmentSeconds), "HLS segment length, an even number of seconds (MARQUEE_SEGMENT_SECONDS)")
	fs.DurationVar(&c.TranscodeTimeout, "transcode-timeout", envDuration(getenv, "MARQUEE_TRANSCODE_TIMEOUT", c.TranscodeTimeout), "longest one transcode may run (MARQUEE_TRANSCODE_TIMEOUT)")
	fs.DurationVar(&c.RescueAfter, "rescue-after", envDuration(getenv, "MARQUEE_RESCUE_AFTER", 0), "retry a job whose worker died after this long, at least 10s (MARQUEE_RESCUE_AFTER)")
	fs.StringVar(&c.PaymentProvider, "payment-provider", env("MARQUEE_PAYMENT_PROVIDER", c.PaymentProvider), "payment provider; sandbox moves no money (MARQUEE_PAYMENT_PROVIDER)")
	fs.DurationVar(&c.SandboxLatency, "sandbox-latency", envDuration(getenv, "MARQUEE_SANDBOX_LATENCY", 0), "simulated delay of each sandbox provider call (MARQUEE_SANDBOX_LATENCY)")
	fs.DurationVar(&c.PaymentTimeout, "payment-timeout", envDuration(getenv, "MARQUEE_PAYMENT_TIMEOUT", c.PaymentTimeout), "longest one payment provider call may take; a payment left pending twice this long is retried under its key (MARQUEE_PAYMENT_TIMEOUT)")
	fs.DurationVar(&c.RenewEvery, "renew-every", envDuration(getenv, "MARQUEE_RENEW_EVERY", c.RenewEvery), "how often due memberships are renewed or expired (MARQUEE_RENEW_EVERY)")
	fs.DurationVar(&c.RecommendRefit, "recommend-refit", envDuration(getenv, "MARQUEE_RECOMMEND_REFIT", c.RecommendRefit), "fit the recommender on the whole activity log this often, at least 1m; refreshes in between re-rank only viewers with new activity (MARQUEE_RECOMMEND_REFIT)")
	fs.StringVar(&c.SMTPURL, "smtp-url", env("MARQUEE_SMTP_URL", ""), "mail server, smtp://user:password@host:587 (STARTTLS) or smtps://…:465; default: mail is written to the log (MARQUEE_SMTP_URL)")
	fs.StringVar(&c.MailFrom, "mail-from", env("MARQUEE_MAIL_FROM", c.MailFrom), "sender of account mail, e.g. \"Marquee <tv@example.org>\" (MARQUEE_MAIL_FROM)")
	fs.BoolVar(&c.WebhookAllowHTTP, "webhook-allow-http", envBool(getenv, "MARQUEE_WEBHOOK_ALLOW_HTTP", false), "let webhooks use http:// URLs; default https only (MARQUEE_WEBHOOK_ALLOW_HTTP)")
	fs.StringVar(&b.hookNets, "webhook-allow-networks", env("MARQUEE_WEBHOOK_ALLOW_NETWORKS", ""), "private networks webhook deliveries may reach, comma-separated CIDRs, e.g. 10.1.0.0/16; default: public addresses only (MARQUEE_WEBHOOK_ALLOW_NETWORKS)")
	fs.StringVar(&b.level, "log-level", env("MARQUEE_LOG_LEVEL", "info"), "debug, info, warn or error (MARQUEE_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("MARQUEE_LOG_FORMAT", c.LogFormat), "text or json (MARQUEE_LOG_FORMAT)")
	return b
}

// Config finishes the parsed flags into a validated Config.
func (b *Binder) Config() (Config, error) {
	c := b.c
	if err := c.LogLevel.UnmarshalText([]byte(b.level)); err != nil {
		return c, fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", b.level)
	}
	for _, o := range strings.Split(b.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.AllowedOrigins = append(c.AllowedOrigins, strings.TrimRight(o, "/"))
		}
	}
	for _, d := range strings.Split(b.libraries, ",") {
		if d = strings.TrimSpace(d); d != "" {
			abs, err := filepath.Abs(d)
			if err != nil {
				return c, fmt.Errorf("--library-dirs: %w", err)
			}
			c.LibraryDirs = append(c.LibraryDirs, abs)
		}
	}
	for _, n := range strings.Split(b.hookNets, ",") {
		if n = strings.TrimSpace(n); n != "" {
			p, err := netip.ParsePrefix(n)
			if err != nil {
				return c, fmt.Errorf("--webhook-allow-networks: %q is not a network in CIDR form (e.g. 10.1.0.0/16)", n)
			}
			c.WebhookAllowNetworks = append(c.WebhookAllowNetworks, p.Masked())
		}
	}
	if c.MediaURL == "" {
		abs, err := filepath.Abs(filepath.Join(c.DataDir, "media"))
		if err != nil {
			return c, fmt.Errorf("--data-dir: %w", err)
		}
		c.MediaURL = "file://" + abs
	}
	return c, c.Validate()
}

func envInt64(getenv func(string) string, key string, def int64) int64 {
	var n int64
	if _, err := fmt.Sscan(getenv(key), &n); err == nil {
		return n
	}
	return def
}

func envDuration(getenv func(string) string, key string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(getenv(key)); err == nil {
		return d
	}
	return def
}

func envBool(getenv func(string) string, key string, def bool) bool {
	switch strings.ToLower(strings.TrimSpace(getenv(key))) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}

func envInt(getenv func(string) string, key string, def int) int {
	var n int
	if _, err := fmt.Sscan(getenv(key), &n); err == nil {
		return n
	}
	return def
}

// Validate reports the first setting that cannot work, naming its flag.
func (c Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr: %q is not host:port", c.Addr)
	}
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("--data-dir: must not be empty")
	}
	if c.DatabaseURL != "" {
		u, err := url.Parse(c.DatabaseURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return errors.New("--database-url: must be a postgres:// URL (leave empty for the embedded SQLite)")
		}
	}
	u, err := url.Parse(c.MediaURL)
	if err != nil || (u.Scheme != "file" && u.Scheme != "s3") {
		return errors.New("--media-url: must be a file:// or s3:// URL")
	}
	if c.Secret != "" && len(c.Secret) < 32 {
		return errors.New("--secret: must be at least 32 characters")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return errors.New("--public-url: must be an http(s):// URL")
		}
	}
	for _, o := range c.AllowedOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--allowed-origins: %q is not an http(s) origin", o)
		}
	}
	if c.Workers < 0 {
		return errors.New("--workers: must be 0 or more")
	}
	if c.MaxUploadBytes < 1<<20 {
		return errors.New("--max-upload-bytes: must be at least 1 MiB")
	}
	if c.FragmentMillis != 0 && (c.FragmentMillis < 100 || c.FragmentMillis > 1000*c.SegmentSeconds) {
		return errors.New("--fragment-ms: must be 0 or from 100 to the segment length")
	}
	if c.KeyPeriod != 0 && (c.KeyPeriod < time.Duration(c.SegmentSeconds)*time.Second || c.KeyPeriod > 24*time.Hour) {
		return errors.New("--key-period: must be 0 or from one segment to 24h")
	}
	if u, err := url.Parse(c.MediaPublicURL); err != nil || u.RawQuery != "" || u.Fragment != "" ||
		!(strings.HasPrefix(c.MediaPublicURL, "/") && !strings.HasPrefix(c.MediaPublicURL, "//") || (u.Scheme == "http" || u.Scheme == "https") && u.Host != "") {
		return errors.New("--media-public-url: must be a path on this server (/media) or an http(s):// URL")
	}
	if c.SegmentSeconds < 2 || c.SegmentSeconds > 12 || c.SegmentSeconds%2 != 0 {
		return errors.New("--segment-seconds: must be an even number from 2 to 12 (segments hold whole 2 s GOPs)")
	}
	if c.Ladder != "per-title" && c.Ladder != "fixed" {
		return fmt.Errorf("--ladder: %q is neither per-title nor fixed", c.Ladder)
	}
	if !slices.Contains(x264Presets, c.X264Preset) {
		return fmt.Errorf("--x264-preset: %q is not one of %s", c.X264Preset, strings.Join(x264Presets, ", "))
	}
	if c.TranscodeTimeout < 10*time.Second {
		return errors.New("--transcode-timeout: must be at least 10s")
	}
	if c.RescueAfter != 0 && c.RescueAfter < 10*time.Second {
		return errors.New("--rescue-after: must be at least 10s")
	}
	if c.PaymentProvider != "sandbox" {
		return fmt.Errorf("--payment-provider: %q is not available; this build has sandbox (see docs/PAYMENTS.md)", c.PaymentProvider)
	}
	if c.SandboxLatency < 0 || c.SandboxLatency > time.Minute {
		return errors.New("--sandbox-latency: must be from 0 to 1m")
	}
	if c.PaymentTimeout < time.Second || c.PaymentTimeout > 5*time.Minute {
		return errors.New("--payment-timeout: must be from 1s to 5m")
	}
	if c.RecommendRefit < time.Minute {
		return errors.New("--recommend-refit: must be at least 1m")
	}
	if c.RenewEvery < time.Second {
		return errors.New("--renew-every: must be at least 1s")
	}
	if c.SMTPURL != "" {
		u, err := url.Parse(c.SMTPURL)
		if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return errors.New("--smtp-url: must be smtp://[user:password@]host[:port] or smtps://…")
		}
	}
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || strings.ContainsAny(c.MailFrom, "\r\n") || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("--mail-from: %q is not an address", c.MailFrom)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return errors.New("--log-format: must be text or json")
	}
	return nil
}

// JobMargin is how much longer than a transcode its job may run: ffmpeg is stopped by
// the transcoder's own timeout first, with a clear reason.
const JobMargin = 5 * time.Second

// DefaultRescue is how long a job whose worker died waits, by default, before it is retried.
const DefaultRescue = 2 * time.Minute

// Rescue is how long a claimed job waits before it is retried as abandoned.
func (c Config) Rescue() time.Duration {
	if c.RescueAfter != 0 {
		return c.RescueAfter
	}
	return DefaultRescue
}

var x264Presets = []string{"ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"}

// BaseURL is where links in mail point: --public-url, else this server's own address.
func (c Config) BaseURL() string {
	if c.PublicURL != "" {
		return strings.TrimRight(c.PublicURL, "/")
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// SecureCookies reports whether cookies must carry the Secure attribute.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.PublicURL, "https://") }

// Logger builds the process logger.
func (c Config) Logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Fragment is the transcoder's fragment length: --fragment-ms, where 0 (one fragment per segment) is the
// transcoder's negative.
func (c Config) Fragment() time.Duration {
	if c.FragmentMillis == 0 {
		return -1
	}
	return time.Duration(c.FragmentMillis) * time.Millisecond
}
