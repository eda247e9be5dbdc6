package web

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"partnerconsole/handlers"
	"partnerconsole/i18n"
	"partnerconsole/models/store"
	"partnerconsole/static"
)

// Deps are what the server is built from.
type Deps struct {
	Store *store.Store
	I18n  *i18n.Bundle
	Log   *slog.Logger
	// Ready reports extra readiness checks (the job runner): a report line
	// for /readyz, and an error when not ready. nil means ready.
	Ready func(ctx context.Context) (string, error)
	// MetricsToken, when set, is required as a bearer token on /metrics;
	// otherwise /metrics answers only loopback clients.
	MetricsToken string
	// Registry collects Prometheus metrics; nil makes a new one.
	Registry *prometheus.Registry
}

// NewServer builds the echo server with every route and middleware.
func NewServer(cfg Config, d Deps) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	// The client address decides the sign-in throttle budget: by default take
	// the TCP peer, so a forged X-Forwarded-For buys no fresh budget. Behind
	// our own proxy, take the right-most address the proxy appended.
	if cfg.TrustProxy {
		e.IPExtractor = echo.ExtractIPFromXFFHeader()
	} else {
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.HTTPErrorHandler = errorHandler(d.Log)
	sess := newCookieSessions(cfg.SessionKey, cfg.Production)
	h := handlers.New(handlers.Deps{Store: d.Store, I18n: d.I18n, Log: d.Log, Sessions: sess, BaseURL: cfg.BaseURL, Production: cfg.Production})

	reg := d.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	reqs := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "http_requests_total", Help: "HTTP requests by route and status."}, []string{"method", "route", "status"})
	dur := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "http_request_duration_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"method", "route"})
	reg.MustRegister(reqs, dur)

	isUpload := uploadMatcher()
	hsts := 0
	if cfg.Production {
		hsts = 63072000
	}
	e.Use(
		middleware.Recover(),
		middleware.RequestID(),
		requestLog(d.Log),
		func(next echo.HandlerFunc) echo.HandlerFunc {
			return func(c echo.Context) error {
				start := time.Now()
				err := next(c)
				if err != nil {
					c.Error(err)
				}
				reqs.WithLabelValues(c.Request().Method, c.Path(), strconv.Itoa(c.Response().Status)).Inc()
				dur.WithLabelValues(c.Request().Method, c.Path()).Observe(time.Since(start).Seconds())
				return nil
			}
		},
		middleware.SecureWithConfig(middleware.SecureConfig{
			XSSProtection:         "0",
			ContentTypeNosniff:    "nosniff",
			XFrameOptions:         "DENY",
			HSTSMaxAge:            hsts,
			ContentSecurityPolicy: contentSecurityPolicy,
			ReferrerPolicy:        "same-origin",
		}),
		// Case messages carry up to 5 files of 10 MiB (R-CASE-2): their routes
		// get a larger limit, every other request the configured one.
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: cfg.MaxBody, Skipper: isUpload}),
		middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{Limit: uploadBodyLimit(), Skipper: func(c echo.Context) bool { return !isUpload(c) }}),
		// CSRF bound to the session (issue 8 §3), see csrf.go.
		boundCSRF(sess),
		refuseBadBytes(),
		authenticate(d.Store, sess, d.I18n),
		unreadNotices(d.Store),
		renderBuffers(&handlers.RenderBuffers{}),
	)

	svc := Service{
		// Static files, cached for a day; names are stable.
		Static:  echo.WrapHandler(http.StripPrefix("/static/", cacheFor(24*time.Hour, http.FileServer(http.FS(static.FS))))),
		Health:  func(c echo.Context) error { return c.String(http.StatusOK, "ok") },
		Ready:   readiness(d),
		Metrics: metricsHandler(reg, d.MetricsToken),
		Pprof:   pprofHandler(d.MetricsToken),
	}
	for _, r := range Routes(h, svc) {
		e.Add(r.Method, r.Path, r.Handler, guard(r.Access), stepUpGuard(d.Store, sess, r.Access))
	}
	e.RouteNotFound("/*", func(c echo.Context) error { return echo.ErrNotFound })
	return e
}

func cacheFor(d time.Duration, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(d.Seconds())))
		h.ServeHTTP(w, r)
	})
}

// readiness answers /readyz: the database answers and the job runner works
// (and says how long its oldest available job has waited).
func readiness(d Deps) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		db, err := d.Store.DB().DB()
		if err == nil {
			err = db.PingContext(ctx)
		}
		if err != nil {
			return c.String(http.StatusServiceUnavailable, "database: unavailable")
		}
		if d.Ready == nil {
			return c.String(http.StatusOK, "ready")
		}
		report, err := d.Ready(ctx)
		if err != nil {
			return c.String(http.StatusServiceUnavailable, err.Error())
		}
		return c.String(http.StatusOK, "ready\n"+report)
	}
}

// pprofHandler serves net/http/pprof's profiles to a bearer of the metrics
// token only, so slowness seen in the field can be profiled
// (curl -H "Authorization: Bearer $METRICS_TOKEN" .../debug/pprof/profile?seconds=20).
// Without a token configured it answers nobody, loopback included: a
// profile shows the code and its data, it is never public.
func pprofHandler(token string) echo.HandlerFunc {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return func(c echo.Context) error {
		if token == "" || subtle.ConstantTimeCompare([]byte(c.Request().Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
			return echo.ErrNotFound
		}
		mux.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}

// metricsHandler serves Prometheus metrics to a bearer of token, or, with
// no token configured, to loopback clients only; anyone else gets a 404.
func metricsHandler(reg *prometheus.Registry, token string) echo.HandlerFunc {
	metrics := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	return func(c echo.Context) error {
		if token != "" {
			if subtle.ConstantTimeCompare([]byte(c.Request().Header.Get("Authorization")), []byte("Bearer "+token)) != 1 {
				return echo.ErrNotFound
			}
		} else if ip := net.ParseIP(c.RealIP()); ip == nil || !ip.IsLoopback() {
			return echo.ErrNotFound
		}
		metrics.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
