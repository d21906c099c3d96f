// CheckpointChart: one stem per checkpoint (its wall time and how long it
// took) over the last 15 minutes, and a dashed horizontal line at the p99 of
// the checkpoints shown, labelled with its value.
#pragma once

#include "charts/coalesced_plot.h"
#include "models/dashboard_data.h"

#include <optional>

namespace kappa::console {

class CheckpointChart : public CoalescedPlot
{
    Q_OBJECT

public:
    explicit CheckpointChart(QWidget *parent = nullptr);

    // `p99Ms`: where the dashed line goes (none: no line).
    void setCheckpoints(const QList<CheckpointPoint> &checkpoints, std::optional<double> p99Ms);
    void setTimeWindow(qint64 milliseconds);

    QCPGraph *checkpointGraph() const { return m_graph; }
    QCPItemStraightLine *p99Line() const { return m_p99; }

protected:
    void rebuild() override;

private:
    QCPGraph *m_graph;
    QCPItemStraightLine *m_p99;
    QCPItemText *m_p99Label;
    QList<CheckpointPoint> m_checkpoints;
    std::optional<double> m_p99Ms;
    qint64 m_windowMs = 15 * 60 * 1000;
};

} // namespace kappa::console
