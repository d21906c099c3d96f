// ThrottleFields: a replay's rate settings (k, cap, floor) as spin boxes.
// The launch and rebuild wizards and the Replays page's rate dialog share it.
#pragma once

#include "client/workflow_types.h"

#include <QWidget>

class QDoubleSpinBox;

namespace kappa::console {

// Rate multiple k, maximum and minimum rate, with kappad's defaults
// (5, no cap, 1000 events/s). A page registers the spin boxes as its fields.
class ThrottleFields : public QWidget
{
    Q_OBJECT

public:
    explicit ThrottleFields(QWidget *parent = nullptr);

    RateSettings rateSettings() const;
    // Empty when the settings are valid; otherwise why not, for people.
    QString problem() const;

    QDoubleSpinBox *rateMultiple() const { return m_rateMultiple; }
    QDoubleSpinBox *maxRate() const { return m_maxRate; }
    QDoubleSpinBox *minRate() const { return m_minRate; }

signals:
    void changed();

private:
    QDoubleSpinBox *m_rateMultiple;
    QDoubleSpinBox *m_maxRate;
    QDoubleSpinBox *m_minRate;
};

} // namespace kappa::console
