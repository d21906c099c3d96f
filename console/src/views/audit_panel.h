// AuditPanel: the Audit page — the audit log, filterable, and a button that
// asks kappad to verify its hash chain, with the verdict beside it.
#pragma once

#include "client/workflow_types.h"

#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QPushButton;

namespace kappa::console {

class AuditPanel : public QWidget
{
    Q_OBJECT

public:
    // `audit`: an AuditModel.
    explicit AuditPanel(QAbstractItemModel *audit, QWidget *parent = nullptr);

    // kappad's verdict on the hash chain.
    void showVerification(const AuditVerification &verification);
    // The verification could not be done.
    void showVerificationFailed(const QString &message);

signals:
    void verifyRequested();

private:
    QPushButton *m_verify;
    QLabel *m_verdict;
};

} // namespace kappa::console
