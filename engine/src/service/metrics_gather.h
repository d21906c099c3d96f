// Gathering a business-metrics read across the instances of a cluster: each
// instance answers for the source partitions it owns (its partials), and the
// instance that was asked adds the answers up, row by row, as the metrics
// view adds partitions up (partials add up exactly: a session belongs to one
// user, a user to one partition).
#pragma once

#include "kappa/status.h"

#include <string>
#include <vector>

namespace kappa::service {

// Merges view answers ({"view": {...}, "data": [rows]}, as GET
// /api/v1/views/metrics returns them) into one: the rows with the same
// window_start_ms and category_id (or country) summed, in the view's order;
// the freshness of the stalest (lowest as_of_ms, highest lag_seconds);
// served_by listing every instance. Unavailable if the answers are of
// different versions (a switch in flight); ResourceExhausted above maxRows.
Result<std::string> mergeMetricsAnswers(const std::vector<std::string> &answers, std::size_t maxRows);

} // namespace kappa::service
