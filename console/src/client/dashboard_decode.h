// Decoding of the job dashboard's answers and of the SSE stream's event data
// into the values of dashboard_types.h. Pure functions, like api_decode.h: a
// malformed answer gives an ApiError with code "BadAnswer" that names the
// first missing or mistyped field ("tasks[2].lag_records is missing").
#pragma once

#include "client/api_decode.h"
#include "client/dashboard_types.h"

#include <optional>

namespace kappa::console {

// GET /api/v1/jobs/{job}/versions/{version}/metrics. `latency_histogram` is
// optional (an older kappad does not send it): the histogram stays empty.
Decoded<VersionMetricsInfo> decodeVersionMetrics(const QByteArray &body);
// GET .../history: one row per task, or the version's state store row
// ("JOB@VERSION/state", stage "state", no partition: partition -1).
Decoded<HistoryInfo> decodeHistory(const QByteArray &body);

// The data of a stream event (`event: metrics` / `event: lifecycle`); the
// event's SSE id (0 if it had none) is given separately.
Decoded<MetricsSnapshot> decodeMetricsEvent(const QByteArray &data, qint64 eventId);
Decoded<LifecycleEvent> decodeLifecycleEvent(const QByteArray &data, qint64 eventId);

// The `series` query parameter's name of a history series, and back.
QString historySeriesName(HistorySeries series);
std::optional<HistorySeries> historySeriesFromName(const QString &name);

} // namespace kappa::console
