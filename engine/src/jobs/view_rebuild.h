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
#include "views/metrics_view.h"

#include <span>

namespace kappa::jobs {

// user_features: every user of these tasks' keyed tables, rendered as the task renders it.
Status rebuildFeatureRows(const state::StateStore &store, const pipelines::JobSpec &spec,
                          std::span<const state::TaskId> tasks, pipelines::RowSink &sink);
// business_metrics: every partial row the tasks wrote (their row tables).
Status rebuildMetricsRows(const state::StateStore &store, std::span<const state::TaskId> tasks,
                          pipelines::MetricsSink &sink);

// The reverse, before a business_metrics store starts handing its state over:
// a task keeps its rows in its state only while it does (alone, the view
// holds them), so each task's row table is set to the view's partial rows of
// its partition, which reflect at least its last checkpoint (the view is
// synced before every checkpoint). Tasks without a checkpoint are left alone.
// Whatever the changelog then holds decides as usual: a newer changelog
// replaces these rows, an older one gets them published.
Status keepMetricsRowsFromView(state::StateStore &store, const views::MetricsView &view,
                               std::span<const state::TaskId> tasks);

} // namespace kappa::jobs
