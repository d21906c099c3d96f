// ReplayRateDialog: changes a running replay's throttle (k, cap, floor).
// It starts from the replay's current settings and refuses a floor above the
// cap before anything is sent; kappad applies the change on its next tick.
#pragma once

#include "client/api_types.h"
#include "client/workflow_types.h"

#include <QDialog>

class QDialogButtonBox;
class QLabel;

namespace kappa::console {

class ThrottleFields;

class ReplayRateDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ReplayRateDialog(const ReplayInfo &replay, QWidget *parent = nullptr);

    RateSettings rateSettings() const;
    ThrottleFields *fields() const { return m_fields; }

private:
    void updateProblem();

    ThrottleFields *m_fields;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace kappa::console
