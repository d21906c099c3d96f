// ReplaysPanel: the replays table with pause, resume and cancel for the
// selected one. It only asks: controlRequested goes to the client, and the
// answer comes back through the model.
#pragma once

#include "models/replays_model.h"

#include <QWidget>

class QPushButton;
class QTableView;

namespace kappa::console {

class ReplaysPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ReplaysPanel(ReplaysModel *model, QWidget *parent = nullptr);

signals:
    void controlRequested(qint64 id, kappa::console::ReplayAction action, const QString &reason);

private:
    void updateButtons();
    QModelIndex selected() const;
    void request(ReplayAction action);

    QTableView *m_table;
    QPushButton *m_pause;
    QPushButton *m_resume;
    QPushButton *m_cancel;
};

} // namespace kappa::console
