// The Prometheus text exposition (format 0.0.4) of the engine's metrics, the
// body of kappad's `GET /metrics`.
//
// The engine keeps its own metrics (TaskMetrics, HistogramSnapshot); this file
// only turns a set of snapshots into text, through prometheus-cpp's
// TextSerializer, so prometheus-cpp stays inside the service module. The
// families are built directly as prometheus::MetricFamily values rather than
// through a prometheus::Registry: a registry's Histogram only accepts
// Observe() of single values, while we already hold cumulative bucket counts.
//
// Contract: every family has HELP and TYPE lines, values are in base units
// (seconds, bytes), counters end in `_total`, and a family with no series is
// left out. Label values are escaped; any string is accepted.
//
// Threading: renderPrometheus is a pure function of its arguments; call it
// from any thread.
#pragma once

#include "jobs/engine.h"

#include <cstdint>
#include <span>
#include <string>

namespace kappa::service {

// One task of one job version with its job, version and stage, as the engine reports it.
using ExportedTask = jobs::TaskFigures;

// One deployed job version.
struct ExportedJob
{
    std::string job;
    std::string version;
    std::string state; // lifecycle: "live", "replaying", ...
    bool live = false; // the job's alias points here
    std::uint64_t stateBytes = 0;
    std::uint64_t stateKeys = 0;
};

// The service process itself.
struct ExportedService
{
    double uptimeSeconds = 0;
    std::uint64_t httpRequests = 0; // total served
    double demoRatePerSecond = -1;  // < 0: no demo producer, and no series
};

// The exposition in Prometheus text format 0.0.4, to be served with
// Content-Type `text/plain; version=0.0.4; charset=utf-8`.
//
// Per task (labels pipeline, version, stage, partition):
//   kappa_consumer_lag_records, kappa_consumer_lag_seconds,
//   kappa_input_rate_events_per_second, kappa_processing_rate_events_per_second,
//   kappa_caught_up (0/1) gauges; kappa_watermark_seconds (gauge, only once the
//   task has seen an event); kappa_events_processed_total,
//   kappa_events_skipped_total, kappa_late_events_dropped_total,
//   kappa_checkpoints_total counters; kappa_checkpoint_last_duration_seconds
//   and kappa_checkpoint_duration_p99_seconds gauges (only once a checkpoint
//   was taken); kappa_end_to_end_latency_seconds histogram.
// Per job version (labels pipeline, version): kappa_state_size_bytes,
//   kappa_state_keys gauges; kappa_job_live (labels pipeline, version, state).
// Per process: kappa_uptime_seconds, kappa_http_requests_total,
//   kappa_demo_rate_events_per_second (only when demoRatePerSecond >= 0).
std::string renderPrometheus(std::span<const ExportedTask> tasks, std::span<const ExportedJob> jobs,
                             const ExportedService &service);

} // namespace kappa::service
