// Rebuilding a partition's view rows from its task's checkpointed state, for
// tasks whose state another process wrote (state hand-over): that process's
// views are not here, so the rows it wrote are rewritten from the state they
// were computed from, at the position of the checkpoint. (The fraud view is
// always filled from state at start; see Engine.)
#pragma once

#include "kappa/status.h"
#include "pipelines/job_spec.h"
#include "pipelines/sinks.h"
#include "state/checkpoint_meta.h"
#include "state/state_store.h"

#include <span>

namespace kappa::jobs {

// user_features: every user of these tasks' keyed tables, rendered as the task renders it.
Status rebuildFeatureRows(const state::StateStore &store, const pipelines::JobSpec &spec,
                          std::span<const state::TaskId> tasks, pipelines::RowSink &sink);
// business_metrics: every partial row the tasks wrote (their row tables).
Status rebuildMetricsRows(const state::StateStore &store, std::span<const state::TaskId> tasks,
                          pipelines::MetricsSink &sink);

} // namespace kappa::jobs
