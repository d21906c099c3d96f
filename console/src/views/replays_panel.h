// ReplaysPanel: the replays table with pause, resume, cancel and a rate
// change for the selected one. It only asks: controlRequested and
// rateChangeRequested go to the client, and the answer comes back through
// the model.
#pragma once

#include "client/workflow_types.h"
#include "models/replays_model.h"

#include <QWidget>

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace kappa::console {

class ReplaysPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ReplaysPanel(ReplaysModel *model, QWidget *parent = nullptr);

signals:
    void controlRequested(qint64 id, kappa::console::ReplayAction action, const QString &reason);
    void rateChangeRequested(qint64 id, const kappa::console::RateSettings &rate);

private:
    void updateButtons();
    QModelIndex selected() const;
    void request(ReplayAction action);
    void requestRateChange();

    ReplaysModel *m_model;
    QSortFilterProxyModel *m_sorted;
    QTableView *m_table;
    QPushButton *m_pause;
    QPushButton *m_resume;
    QPushButton *m_cancel;
    QPushButton *m_rate;
};

} // namespace kappa::console
