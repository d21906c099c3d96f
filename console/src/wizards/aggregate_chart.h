// AggregateChart: a validation's aggregate deltas as bars (green within,
// red outside their tolerance) against dashed ± tolerance steps, drawn with
// QCustomPlot. Relative deltas are shown in percent; the fraud score PSI as
// it is, against its maximum. Redraws are queued (coalesced).
#pragma once

#include "client/workflow_types.h"

#include <QWidget>

class QCustomPlot;
class QCPBars;
class QCPGraph;

namespace kappa::console {

class AggregateChart : public QWidget
{
    Q_OBJECT

public:
    explicit AggregateChart(QWidget *parent = nullptr);

    void setAggregates(const QList<ValidationAggregate> &aggregates);
    // Bars drawn (an aggregate without a delta has none), for tests.
    int barCount() const;
    QCustomPlot *plot() const { return m_plot; }

private:
    QCustomPlot *m_plot;
    QCPBars *m_within;
    QCPBars *m_outside;
    QCPGraph *m_upper;
    QCPGraph *m_lower;
};

// The short label of an aggregate on the chart's axis: "gmv_cents @<hour ms>"
// becomes "gmv_cents 08:00" (UTC); the score PSI "score PSI".
QString aggregateLabel(const QString &name);

} // namespace kappa::console
