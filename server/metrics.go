package server

import (
	"database/sql"
	"regexp"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series, in a registry of its own (no global state).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec

	mu  sync.Mutex
	ops map[string]bool // operation names seen, to bound the label's cardinality
}

// maxOperations bounds how many distinct GraphQL operation names become label values:
// clients choose the names, and an unbounded label would let them exhaust memory.
const maxOperations = 200

var operationName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

func newMetrics(db *sql.DB) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "refurb_http_requests_total",
			Help: "HTTP requests by route, GraphQL operation name and status code.",
		}, []string{"route", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "refurb_http_request_duration_seconds",
			Help:    "HTTP request durations by route and GraphQL operation name.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "operation"}),
		ops: map[string]bool{},
	}
	m.reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		collectors.NewDBStatsCollector(db, "refurb"))
	return m
}

// watchWaiting exposes how many GraphQL operations wait for a place to execute: a queue that
// is seldom empty says -graphql-concurrency is too low for the load, or the machine too small.
func (m *metrics) watchWaiting(waiting func() int64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "refurb_graphql_waiting",
		Help: "GraphQL operations waiting for a place to execute (-graphql-concurrency).",
	}, func() float64 { return float64(waiting()) }))
}

func (m *metrics) observe(route, operation string, code int, seconds float64) {
	operation = m.operationLabel(operation)
	m.requests.WithLabelValues(route, operation, strconv.Itoa(code)).Inc()
	m.duration.WithLabelValues(route, operation).Observe(seconds)
}

func (m *metrics) operationLabel(op string) string {
	if op == "" {
		return ""
	}
	if !operationName.MatchString(op) {
		return "invalid"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ops[op] {
		return op
	}
	if len(m.ops) >= maxOperations {
		return "other"
	}
	m.ops[op] = true
	return op
}
